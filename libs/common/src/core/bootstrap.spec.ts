import { jsonDeeperThan } from './bootstrap';

describe('jsonDeeperThan: hostile nesting is refused before parsing', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'utf8');
  it.each([
    ['{"a":1}', 1, false],
    ['{"a":{"b":[1]}}', 3, false],
    ['{"a":{"b":[1]}}', 2, true],
    ['[[[[]]]]', 3, true],
    ['{"a":"[[[[[[[[[[[["}', 1, false],
    ['{"a":"\\"[[[["}', 1, false],
    ['{"a":"\\\\"}', 1, false],
    [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 64, true],
  ] as const)('%s with max %d → %s', (text, max, expected) => {
    expect(jsonDeeperThan(b(text), max)).toBe(expected);
  });
});
