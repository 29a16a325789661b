/**
 * The repository explains itself: code, tests and docs point to its own docs/ (docs/contracts.md,
 * docs/domain.md, …) by section name, never to documents that live outside it (the shared
 * DOMAIN.md, ARCHITECTURE.md, the contracts README's numbered sections, the shared folder).
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

/**
 * The folders this guard covers. The rest of apps/ and libs/ (apps/*, libs/common, libs/store,
 * libs/workflow) still cites the shared documents in files that the restructuring (issue 17) is
 * moving; add them here once those files are rewritten, until GUARDED is SCANNED.
 */
const GUARDED = SCANNED.filter((p) => !['apps', 'libs'].includes(p)).concat(['libs/rules', 'libs/queues', 'libs/connectors']);
/** Test-only clients the restructuring removes from libs/connectors. */
const NOT_YET = new Set([
  'libs/connectors/src/hotline/hotline-status.client.ts',
  'libs/connectors/src/ywtb/ywtb-status.client.ts',
  'libs/connectors/src/unit-systems/unit-systems.client.ts',
]);

describe('references to documents outside the repository', () => {
  it('recognises each kind of outside reference, and not a reference to docs/', () => {
    expect(findOutsideReferences('see DOMAIN.md "The clock"').map((f) => f.what)).toEqual(['DOMAIN.md']);
    expect(findOutsideReferences('// ARCHITECTURE.md: one folder per system').map((f) => f.what)).toEqual(['ARCHITECTURE.md']);
    expect(findOutsideReferences('(contracts §3: 409 = delivered)').map((f) => f.what)).toEqual(['a numbered section of the shared contracts']);
    expect(findOutsideReferences('`contracts/README.md` §1').map((f) => f.what)).toEqual(['a numbered section of the shared contracts']);
    expect(findOutsideReferences("join(__dirname, '../../shared/contracts/x.json')").map((f) => f.what)).toEqual(['the shared folder']);
    expect(findOutsideReferences('seeds/003_ed5efdfc2eb78e04.txt').map((f) => f.what)).toEqual(['a seed file']);
    expect(findOutsideReferences('docs/contracts.md#hotline-status-events; docs/domain.md#the-clocks; RFC 9110 §10.2.3')).toEqual([]);
  });

  it('no file under the guarded folders names one', () => {
    const scanned = GUARDED.flatMap(files).filter((f) => relative('test/repo', f) !== 'docs-references.spec.ts' && !NOT_YET.has(f));
    expect(scanned.length).toBeGreaterThan(100);
    expect(scanned.some((f) => f.startsWith('libs/rules/'))).toBe(true);
    const offenders = scanned.flatMap((f) =>
      findOutsideReferences(readFileSync(join(ROOT, f), 'utf8')).map((o) => `${f}:${o.line}: ${o.what}: ${o.excerpt}`),
    );
    // Point to the repository's docs by section name instead (docs/contracts.md#…, docs/domain.md#…).
    expect(offenders).toEqual([]);
  });
});
