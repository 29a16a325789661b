/**
 * Code comments, tests and docs point to a section of the repository's docs by its heading
 * (`docs/contracts.md#hotline-status-events`): a renamed heading must take its references along.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SCANNED, files } from './repo-files';

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (m) anchors.add(headingAnchor(m[1]));
  }
  return anchors;
}

/** `docs/contracts.md#hotline-status-events`, `(clock.md#timers)`, `README.md#architecture`. */
const SECTION_REFERENCE = /([\w./-]*?)\b([\w-]+\.md)#([\p{L}\p{N}_-]+)/gu;


describe('references to a section of the repository\'s docs', () => {
  it('derives the anchor GitHub gives a heading', () => {
    expect(headingAnchor('Hotline status events')).toBe('hotline-status-events');
    expect(headingAnchor('Plans under a backlog (2026-12-04)')).toBe('plans-under-a-backlog-2026-12-04');
    expect(headingAnchor('预警 and 督办')).toBe('预警-and-督办');
  });

  it('every docs/<file>.md#<section> named in code, tests and docs is a heading of that file', () => {
    const docs = new Map<string, Set<string>>();
    for (const f of files('docs')) if (f.endsWith('.md')) docs.set(f.slice('docs/'.length), anchorsOf(readFileSync(join(ROOT, f), 'utf8')));
    docs.set('README.md', anchorsOf(readFileSync(join(ROOT, 'README.md'), 'utf8')));
    const broken: string[] = [];
    for (const f of SCANNED.flatMap(files)) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(SECTION_REFERENCE)) {
        const [, dir, name, anchor] = m;
        // README.md of the repository's root, or a file of docs/ (other READMEs are not cited by section).
        const key = name === 'README.md' && !/docs\/$/.test(dir) ? 'README.md' : name;
        const anchors = docs.get(key);
        if (anchors === undefined) {
          if (dir.includes('docs/') || f.startsWith('docs/')) broken.push(`${f}: ${m[0]} (no such file in docs/)`);
          continue;
        }
        if (!anchors.has(anchor)) broken.push(`${f}: ${m[0]} (no heading "${anchor}")`);
      }
    }
    expect(broken).toEqual([]);
  });
});
