/**
 * The structure the README's architecture section describes, checked on every run: SQL only in
 * libs/store, no import cycle (between files, and between libraries), libs/rules pure, and no
 * source file over 400 lines. Each failure names the files to fix.
 */
import { cycles, importsOf, packageOf } from './imports';
import { isProductionSource, read, tsFiles } from './source-files';

const SOURCES = tsFiles(['apps', 'libs', 'scripts']).filter(isProductionSource);
const MAX_LINES = 400;

/** A statement keyword as the code writes its SQL (upper case), or a raw query outside a repository. */
const SQL = /\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+[a-z_"]+\s+SET\b|\bDELETE\s+FROM\b|\bTRUNCATE\b|\.query\(\s*[`'"]/;

describe('architecture', () => {
  it('SQL lives in libs/store only (repositories take the caller\'s transaction)', () => {
    const offenders = SOURCES.filter((f) => !f.startsWith('libs/store/')).filter((f) => SQL.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it('no import cycle between files', () => {
    const graph = new Map(SOURCES.map((f) => [f, importsOf(f)]));
    expect(cycles(graph)).toEqual([]);
  });

  it('no import cycle between libraries and apps; nothing imports an app', () => {
    const graph = new Map<string, string[]>();
    for (const f of SOURCES) {
      const from = packageOf(f);
      const to = graph.get(from) ?? [];
      for (const t of importsOf(f)) if (packageOf(t) !== from && !to.includes(packageOf(t))) to.push(packageOf(t));
      graph.set(from, to);
    }
    expect(cycles(graph)).toEqual([]);
    const intoApps = [...graph].filter(([, to]) => to.some((t) => t.startsWith('apps/'))).map(([from]) => from);
    expect(intoApps).toEqual([]);
  });

  it('libs/rules is pure: no Nest, no database, no other library', () => {
    const impure = tsFiles(['libs/rules'])
      .filter((f) => /from '(@nestjs\/|typeorm|pg|ioredis|bullmq|@hub\/(?!rules))/.test(read(f)))
      .filter((f) => !f.endsWith('.spec.ts'));
    expect(impure).toEqual([]);
  });

  it(`no source file over ${MAX_LINES} lines (tests, fixtures and migrations aside)`, () => {
    const long = SOURCES.map((f) => ({ f, lines: read(f).split('\n').length })).filter((x) => x.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
