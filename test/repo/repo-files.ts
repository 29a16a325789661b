/** The repository's own text files, for the checks in test/repo. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
/** Where the repository's code, tests and docs live. */
export const SCANNED = ['apps', 'libs', 'test', 'bench', 'scripts', 'docs', 'docker', 'README.md'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'results', '.git']);
const TEXT = /\.(ts|js|mjs|json|md|ya?ml|sh|vue|html|css)$|Dockerfile$/;

/** Text files under `path` (relative to the root), or `path` itself. */
export function files(path: string): string[] {
  const full = join(ROOT, path);
  let stat;
  try {
    stat = statSync(full);
  } catch {
    return [];
  }
  if (stat.isFile()) return TEXT.test(path) ? [path] : [];
  return readdirSync(full)
    .filter((name) => !SKIPPED_DIRS.has(name))
    .flatMap((name) => files(join(path, name)));
}
