import type { CompiledDirectory } from '@hub/rules/directory';
import { CompiledVersions } from './compiled-versions';

const dir = (n: number): CompiledDirectory => ({ version: `v${n}` }) as unknown as CompiledDirectory;

describe('CompiledVersions (the directory service cache of compiled versions)', () => {
  it('keeps at most `max` versions, evicting the least recently used', () => {
    const c = new CompiledVersions(3);
    for (let i = 1; i <= 50; i++) c.set(i, dir(i));
    expect(c.size).toBe(3);
    expect([48, 49, 50].every((i) => c.has(i))).toBe(true);
    expect(c.get(48)).toEqual(dir(48)); // 48 is now the most recent
    c.set(51, dir(51));
    expect(c.has(49)).toBe(false);
    expect(c.has(48)).toBe(true);
    expect(c.get(1)).toBeUndefined();
  });
});
