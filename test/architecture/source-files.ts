import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Every .ts file under `dirs` (relative to the repository), as repository-relative paths. */
export function tsFiles(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      if (name === 'node_modules' || name === 'dist') continue;
      const rel = path.join(dir, name);
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.ts')) out.push(rel.split(path.sep).join('/'));
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

export function read(rel: string): string {
  return readFileSync(path.join(ROOT, rel), 'utf8');
}

/** Production code: what ships in the apps (not tests, fixtures, specs, migrations). */
export function isProductionSource(rel: string): boolean {
  return !/\.spec\.ts$/.test(rel) && !/\.fixture\.ts$/.test(rel) && !rel.includes('/testing/') && !rel.includes('/migrations/');
}
