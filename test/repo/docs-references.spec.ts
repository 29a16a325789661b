/**
 * The repository explains itself: code, tests and docs point to its own docs/ (docs/contracts.md,
 * docs/domain.md, …) by section name, never to documents that live outside it (the shared
 * DOMAIN.md, ARCHITECTURE.md, the contracts README's numbered sections, the shared folder, the
 * seed files' numbers as a name for a regulation).
 * A reader who only has the clone must be able to follow every reference.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, SCANNED, files } from './repo-files';

/** What a reference outside the repository looks like. */
const OUTSIDE: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'DOMAIN.md', pattern: /DOMAIN\.md/ },
  { what: 'ARCHITECTURE.md', pattern: /ARCHITECTURE\.md/ },
  { what: 'a numbered section of the shared contracts', pattern: /contracts(\.md|\/README\.md`?| README)?`?\s*§\s*\d/ },
  { what: 'the shared folder', pattern: /\.\.\/shared\b|\/work\/shared\b|shared\/(contracts|seeds|data)\b/ },
  { what: 'a seed file', pattern: /\b00[0-4]_[0-9a-f]{16}\.txt\b/ },
  // Regulations go by the short names of docs/domain.md#regulations (沪府办〔2020〕49号, Yunnan Measures …).
  { what: 'a seed article number', pattern: /(?<![\w.,-])00[0-4] (Art|ch)\./ },
];

export function findOutsideReferences(text: string): Array<{ line: number; what: string; excerpt: string }> {
  const found: Array<{ line: number; what: string; excerpt: string }> = [];
  text.split('\n').forEach((line, i) => {
    for (const { what, pattern } of OUTSIDE) {
      if (pattern.test(line)) found.push({ line: i + 1, what, excerpt: line.trim().slice(0, 120) });
    }
  });
  return found;
}

/** The folders this guard covers: all of the repository's code, tests and docs (apps and libs included). */
const GUARDED = SCANNED;

describe('references to documents outside the repository', () => {
  it('recognises each kind of outside reference, and not a reference to docs/', () => {
    expect(findOutsideReferences('see DOMAIN.md "The clock"').map((f) => f.what)).toEqual(['DOMAIN.md']);
    expect(findOutsideReferences('// ARCHITECTURE.md: one folder per system').map((f) => f.what)).toEqual(['ARCHITECTURE.md']);
    expect(findOutsideReferences('(contracts §3: 409 = delivered)').map((f) => f.what)).toEqual(['a numbered section of the shared contracts']);
    expect(findOutsideReferences('`contracts/README.md` §1').map((f) => f.what)).toEqual(['a numbered section of the shared contracts']);
    expect(findOutsideReferences("join(__dirname, '../../shared/contracts/x.json')").map((f) => f.what)).toEqual(['the shared folder']);
    expect(findOutsideReferences('seeds/003_ed5efdfc2eb78e04.txt').map((f) => f.what)).toEqual(['a seed file']);
    expect(findOutsideReferences('reviewed within 5 WD (003 Art. 7(二))').map((f) => f.what)).toEqual(['a seed article number']);
    expect(findOutsideReferences('who handles, answers (000 ch. 4)').map((f) => f.what)).toEqual(['a seed article number']);
    expect(findOutsideReferences('(沪府办〔2020〕49号 Art. 7; Yunnan Measures Art. 13); 2,000 Art. 5; 1_000 ch. 2')).toEqual([]);
    expect(findOutsideReferences('docs/contracts.md#hotline-status-events; docs/domain.md#the-clocks; RFC 9110 §10.2.3')).toEqual([]);
  });

  it('no file under the guarded folders names one', () => {
    const scanned = GUARDED.flatMap(files).filter((f) => relative('test/repo', f) !== 'docs-references.spec.ts');
    expect(scanned.length).toBeGreaterThan(100);
    expect(scanned.some((f) => f.startsWith('libs/rules/'))).toBe(true);
    const offenders = scanned.flatMap((f) =>
      findOutsideReferences(readFileSync(join(ROOT, f), 'utf8')).map((o) => `${f}:${o.line}: ${o.what}: ${o.excerpt}`),
    );
    // Point to the repository's docs by section name instead (docs/contracts.md#…, docs/domain.md#…).
    expect(offenders).toEqual([]);
  });
});
