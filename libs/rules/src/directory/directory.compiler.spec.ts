import { compileDirectory, districtOf, isInJurisdiction } from './directory.compiler';
import { shanghaiDirectory, shanghaiDocument } from './testing';

describe('compileDirectory (Shanghai)', () => {
  const dir = shanghaiDirectory();

  it('indexes every entry by code', () => {
    expect(dir.version).toBe('2026-11-demo');
    expect([dir.regions.size, dir.lines.size, dir.units.size, dir.categories.size, dir.serviceItems.size]).toEqual([16, 18, 268, 54, 13]);
    expect(dir.office?.code).toBe('SH-12345');
  });

  it('knows each line city unit and its branches per district', () => {
    expect(dir.cityUnitOfLine.size).toBe(18);
    expect(dir.cityUnitOfLine.get('ecology')?.code).toBe('SH-ECOLOGY');
    expect(dir.branchesOfLine.get('market')?.size).toBe(16);
    expect(dir.branchesOfLine.get('construction')?.has('310151')).toBe(false);
    expect([...(dir.branchesOfLine.get('water')?.keys() ?? [])]).toEqual(['310112', '310113', '310114', '310115', '310116', '310117', '310118', '310120', '310151']);
    expect(dir.branchesOfLine.has('transport')).toBe(false);
    expect(dir.branchesOfLine.get('police')?.get('310115')?.code).toBe('310115-POLICE');
  });

  it('knows the government of every district', () => {
    expect(dir.districtGovernments.size).toBe(16);
    expect(dir.districtGovernments.get('310115')?.name).toBe('浦东新区人民政府');
  });

  it('sorts the overrides: the airport rule (3 conditions) before the metro rule (1)', () => {
    expect(dir.overrides.map((o) => [o.id, o.rank])).toEqual([
      ['ov-airport-noise', 0],
      ['ov-metro', 1],
    ]);
    expect(dir.overrideIndex.byCategory.get('0703')?.map((o) => o.id)).toEqual(['ov-airport-noise']);
    expect(dir.overrideIndex.unkeyed.map((o) => o.id)).toEqual(['ov-metro']);
  });

  it('finds units by exact name', () => {
    expect(dir.unitsByName.get('浦东新区教育局')?.code).toBe('310115-EDUCATION');
    expect(dir.unitsByName.has('浦东教育局')).toBe(false);
  });

  it.each([
    ['310000', true],
    ['310115', true],
    ['310115001', true],
    ['310115001001', true],
    ['310199', false],
    ['310199001', false],
    ['320101', false],
    ['3101', false],
    ['31011500', false],
  ])('jurisdiction: %s inside = %s', (code, inside) => {
    expect(isInJurisdiction(dir, code)).toBe(inside);
  });

  it.each([
    ['310115', '310115'],
    ['310115001', '310115'],
    ['310104001002', '310104'],
    ['310000', undefined],
    ['310199', undefined],
    ['abc', undefined],
  ])('district of %s is %s', (code, district) => {
    expect(districtOf(dir, code)).toBe(district);
  });
});

describe('compileDirectory on a document that failed validation', () => {
  it('keeps the first of duplicates and never throws on dangling references', () => {
    const doc = shanghaiDocument();
    doc.units.push({ ...doc.units[2], name: '重复' });
    doc.units.push({ code: 'X', name: '上海市市场监督管理局', kind: 'line', level: 'district', line: 'ghost', region: '319999' });
    doc.regions.push({ code: '310115001', name: '街道', parent: '399999' });
    const dir = compileDirectory(doc);
    expect(dir.units.get('SH-MARKET')?.name).toBe('上海市市场监督管理局');
    expect(dir.unitsByName.get('上海市市场监督管理局')).toBeNull();
    expect(dir.districtOfRegion.has('310115001')).toBe(false);
    expect(districtOf(dir, '310115001')).toBe('310115');
  });
});
