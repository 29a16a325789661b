import type { DirectoryDocument, DirectoryOverride } from './directory.types';
import {
  DOCUMENT_PATH,
  MAX_DIRECTORY_ERRORS,
  formatDirectoryError,
  validateDirectory,
  type DirectoryError,
} from './directory.validator';
import { shanghaiDocument } from './testing';

/** Errors of a document that must fail. */
function errorsOf(doc: unknown): DirectoryError[] {
  const result = validateDirectory(doc);
  if (result.ok) throw new Error('expected the directory to be rejected');
  return result.errors;
}

/** The Shanghai directory with one change; the change must produce exactly the expected errors. */
function expectErrors(change: (doc: DirectoryDocument) => void, expected: string[]): void {
  const doc = shanghaiDocument();
  change(doc);
  expect(errorsOf(doc).map(formatDirectoryError)).toEqual(expected);
}

describe('validateDirectory', () => {
  it('accepts the Shanghai directory with zero errors', () => {
    const result = validateDirectory(shanghaiDocument());
    expect(result).toEqual({ ok: true, directory: shanghaiDocument() });
  });

  describe('schema errors', () => {
    it('rejects a document that is not an object', () => {
      expect(errorsOf(42)).toEqual([{ path: DOCUMENT_PATH, message: 'must be object' }]);
      expect(errorsOf(null)).toEqual([{ path: DOCUMENT_PATH, message: 'must be object' }]);
    });

    it('names a missing required field', () => {
      expectErrors((d) => delete (d as Partial<DirectoryDocument>).version, ['version: is required']);
      expectErrors((d) => delete (d.regions[0] as { name?: string }).name, ['regions[0].name: is required']);
    });

    it('names a value outside an enum', () => {
      expectErrors(
        (d) => ((d.units[3] as { kind: string }).kind = 'bureau'),
        ['units[3].kind: must be one of "line", "block", "office", "authority"'],
      );
    });

    it('names a pattern and a date format error, and collects all of them', () => {
      expectErrors(
        (d) => {
          d.jurisdiction.regionCode = '31';
          d.calendar[0].holidays[0] = '2024-02-30';
        },
        ['jurisdiction.regionCode: must match pattern "^[0-9]{6}$"', 'calendar[0].holidays[0]: "2024-02-30" must match format "date"'],
      );
    });

    it('rejects an override with an empty when', () => {
      expectErrors((d) => (d.overrides![1].when = {}), ['overrides[1].when: must NOT have fewer than 1 properties']);
    });
  });

  describe('unique codes', () => {
    it.each<[string, (d: DirectoryDocument) => void, string]>([
      ['regions', (d) => (d.regions[1].code = '310101'), 'regions[1].code: duplicate code "310101" (first at regions[0])'],
      ['lines', (d) => (d.lines[1].code = 'market'), 'lines[1].code: duplicate code "market" (first at lines[0])'],
      ['categories', (d) => (d.categories[2].code = '0101'), 'categories[2].code: duplicate code "0101" (first at categories[1])'],
      [
        'serviceItems',
        (d) => (d.serviceItems[1].code = '310000-SCJG-XK-001'),
        'serviceItems[1].code: duplicate code "310000-SCJG-XK-001" (first at serviceItems[0])',
      ],
      ['overrides', (d) => (d.overrides![1].id = 'ov-airport-noise'), 'overrides[1].id: duplicate id "ov-airport-noise" (first at overrides[0])'],
      ['calendar years', (d) => (d.calendar[2].year = 2025), 'calendar[2].year: duplicate year "2025" (first at calendar[1])'],
    ])('reports a duplicate in %s', (_name, change, expected) => {
      // changing the year also moves every date of that entry out of it; only the first error matters here
      const doc = shanghaiDocument();
      change(doc);
      expect(errorsOf(doc).map(formatDirectoryError)[0]).toBe(expected);
    });

    it('reports a duplicate unit code', () => {
      expectErrors(
        (d) => (d.units[21] = { ...d.units[20] }),
        ['units[21].code: duplicate code "310101-HOUSING" (first at units[20])', 'units[21]: a second branch of line "housing" in 310101 (the first is units[20])'],
      );
    });
  });

  describe('references', () => {
    it.each<[string, (d: DirectoryDocument) => void, string]>([
      ['unit → line', (d) => (d.units[17].line = 'markt'), 'units[17].line: no line "markt"'],
      ['unit → region', (d) => (d.units[17].region = '310199'), 'units[17].region: no region "310199"'],
      ['unit → parent', (d) => (d.units[17].parent = 'SH-MARKT'), 'units[17].parent: no unit "SH-MARKT"'],
      ['category → line', (d) => (d.categories[1].line = 'markt'), 'categories[1].line: no line "markt"'],
      ['service item → line', (d) => (d.serviceItems[2].line = 'polize'), 'serviceItems[2].line: no line "polize"'],
      ['override → unit', (d) => (d.overrides![0].unit = 'SH-ECOLOGIE'), 'overrides[0].unit: no unit "SH-ECOLOGIE"'],
      ['region → parent', (d) => (d.regions[3].parent = '310100'), 'regions[3].parent: no region "310100" (nor the jurisdiction 310000)'],
      [
        'override → category',
        (d) => (d.overrides![0].when.categoryCode = '0799'),
        'overrides[0].when.categoryCode: no category "0799"',
      ],
      [
        'override → service item',
        (d) => (d.overrides![1].when.serviceItemCode = 'NOPE'),
        'overrides[1].when.serviceItemCode: no service item "NOPE"',
      ],
    ])('%s', (_name, change, expected) => expectErrors(change, [expected]));

    it('accepts the jurisdiction code as a unit region (the office is city-wide)', () => {
      expect(shanghaiDocument().units[0]).toMatchObject({ kind: 'office', region: '310000' });
    });

    it('reports a region that is not inside its parent', () => {
      expectErrors(
        (d) => d.regions.push({ code: '320101', name: '玄武区', parent: '310000' }),
        [
          'regions[16].code: "320101" is not inside its parent "310000"',
          'regions[16]: district 320101 has no district government (a unit of kind "block", level "district", region "320101")',
        ],
      );
    });

    it('accepts a street region inside its district', () => {
      const doc = shanghaiDocument();
      doc.regions.push({ code: '310115001', name: '潍坊新村街道', parent: '310115' });
      expect(validateDirectory(doc).ok).toBe(true);
    });

    it('reports a loop in unit parents', () => {
      expectErrors(
        (d) => {
          d.units[2].parent = '310101-MARKET'; // SH-MARKET → 310101-MARKET → SH-MARKET
        },
        [
          'units[2].parent: the chain of parents loops back to "SH-MARKET"',
          'units[3].parent: the chain of parents loops back to "310101-MARKET"',
        ],
      );
    });
  });

  describe('units', () => {
    it('requires a line unit to name its line', () => {
      expectErrors((d) => delete d.units[17].line, ['units[17].line: a line unit (kind "line") must name its line']);
    });

    it('requires a district government for every district', () => {
      expectErrors(
        (d) => (d.units[267].kind = 'authority'), // 310151-GOV
        ['regions[15]: district 310151 has no district government (a unit of kind "block", level "district", region "310151")'],
      );
    });

    it('rejects a second district government for a district', () => {
      expectErrors(
        (d) => d.units.push({ code: '310151-GOV2', name: '崇明县人民政府', kind: 'block', level: 'district', region: '310151' }),
        ['units[268].region: a second district government for 310151 (the first is units[267])'],
      );
    });

    it('requires exactly one office', () => {
      expectErrors((d) => (d.units[0].kind = 'authority'), ['units: no hotline office (a unit of kind "office")']);
      expectErrors((d) => (d.units[1].kind = 'office'), ['units[1].kind: a second hotline office (the first is units[0])']);
    });

    it('rejects two city units of one line', () => {
      expectErrors(
        (d) => d.units.push({ code: 'SH-MARKET-2', name: '上海市市场监督管理局（二）', kind: 'line', level: 'city', line: 'market', region: '310000' }),
        ['units[268]: a second city-level unit of line "market" (the first is units[2])'],
      );
    });
  });

  describe('categories', () => {
    it('requires the level with a line, and a line with a level', () => {
      expectErrors((d) => delete d.categories[1].level, [
        'categories[1].level: category with line "market" must give the level that holds the power',
      ]);
      expectErrors((d) => (d.categories[0].level = 'city'), ['categories[0].line: level "city" given without a line']);
    });
  });

  describe('overrides', () => {
    it('rejects a when without any known condition', () => {
      expectErrors(
        (d) => (d.overrides![1].when = { unknownCondition: 'x' } as unknown as DirectoryOverride['when']),
        ['overrides[1].when: no condition (one of categoryCode, serviceItemCode, regionCode, keywords, source)'],
      );
    });

    it('rejects empty and blank keywords', () => {
      expectErrors((d) => (d.overrides![1].when.keywords = []), ['overrides[1].when.keywords: an empty list matches no ticket']);
      expectErrors((d) => (d.overrides![1].when.keywords = ['地铁', ' ']), [
        'overrides[1].when.keywords[1]: a blank keyword is ignored (it would match every ticket)',
      ]);
    });

    it('rejects a region prefix outside the jurisdiction', () => {
      expectErrors((d) => (d.overrides![0].when.regionCode = '320115'), [
        'overrides[0].when.regionCode: "320115" is not a region code prefix inside 310000',
      ]);
      const doc = shanghaiDocument();
      doc.overrides![0].when.regionCode = '3101';
      expect(validateDirectory(doc).ok).toBe(true);
    });
  });

  describe('calendar', () => {
    it('rejects a date outside its year', () => {
      expectErrors((d) => (d.calendar[1].holidays[0] = '2024-12-31'), ['calendar[1].holidays[0]: 2024-12-31 is not in 2025']);
    });

    it('rejects a day both holiday and make-up workday', () => {
      // 2025-02-08 is a Saturday make-up day; also listing it as a holiday is a contradiction
      expectErrors((d) => d.calendar[1].holidays.push('2025-02-08'), ['calendar[1].workdays[1]: 2025-02-08 is also a holiday']);
    });

    it('rejects a make-up workday that is not on a weekend', () => {
      expectErrors((d) => (d.calendar[2].workdays[0] = '2026-01-05'), [
        'calendar[2].workdays[0]: 2026-01-05 is a Monday, not a weekend day',
      ]);
    });

    it('rejects a date listed twice', () => {
      expectErrors((d) => d.calendar[0].holidays.push('2024-01-01'), ['calendar[0].holidays[28]: 2024-01-01 is listed twice']);
    });
  });

  it('rejects an unknown time zone', () => {
    expectErrors((d) => (d.jurisdiction.timezone = 'Asia/Shangai'), ['jurisdiction.timezone: unknown IANA time zone "Asia/Shangai"']);
  });

  it(`stops at ${MAX_DIRECTORY_ERRORS} errors and says how many more there were`, () => {
    const doc = shanghaiDocument();
    for (let i = 0; i < 300; i++) {
      doc.units.push({ code: `EXTRA-${i}`, name: `单位${i}`, kind: 'authority', level: 'city', region: '310000', parent: 'NOPE' });
    }
    const errors = errorsOf(doc);
    expect(errors).toHaveLength(MAX_DIRECTORY_ERRORS + 1);
    expect(errors[0]).toEqual({ path: 'units[268].parent', message: 'no unit "NOPE"' });
    expect(errors[MAX_DIRECTORY_ERRORS - 1]).toEqual({ path: 'units[467].parent', message: 'no unit "NOPE"' });
    expect(errors[MAX_DIRECTORY_ERRORS]).toEqual({ path: DOCUMENT_PATH, message: '100 more errors not shown' });
  });
});
