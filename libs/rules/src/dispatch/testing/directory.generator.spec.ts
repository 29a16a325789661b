import { compileDirectory, validateDirectory } from '../../directory';
import { shanghaiDocument } from '../../directory/testing';
import { route } from '../dispatch.engine';
import { generateLargeDirectory, generateTickets } from './directory.generator';

describe('generateLargeDirectory', () => {
  const doc = generateLargeDirectory();

  it('builds a valid directory of 5,000 units and 2,000 overrides', () => {
    expect(doc.units).toHaveLength(5000);
    expect(doc.overrides).toHaveLength(2000);
    const result = validateDirectory(doc);
    expect(result.ok ? [] : result.errors.slice(0, 5)).toEqual([]);
  });

  it('is deterministic', () => {
    expect(generateLargeDirectory()).toEqual(doc);
    expect(generateTickets(doc, 200)).toEqual(generateTickets(doc, 200));
    expect(generateLargeDirectory({ seed: 1 })).not.toEqual(doc);
  });

  it('produces tickets that reach every rule and the dispute queue', () => {
    for (const source of [doc, shanghaiDocument()]) {
      const dir = compileDirectory(source);
      const outcomes = new Set(generateTickets(source, 3000).map((t) => {
        const d = route(t, dir);
        return d.outcome === 'unit' ? d.rule : `dispute:${d.reasonCode}`;
      }));
      for (const rule of ['designated', 'override', 'respondent', 'service_item_line', 'category_line', 'district_backstop', 'dispute:no_location', 'dispute:unknown_region']) {
        expect(outcomes).toContain(rule);
      }
    }
  });
});
