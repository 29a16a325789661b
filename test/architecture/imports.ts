import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, read } from './source-files';

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** The files a file imports (type-only imports too, unless `withTypes` is false), resolved to repository paths. */
export function importsOf(rel: string, withTypes = true): string[] {
  const src = read(rel);
  const out: string[] = [];
  for (const m of src.matchAll(IMPORT)) {
    if (m[1] && !withTypes) continue;
    const target = resolve(rel, m[2]);
    if (target) out.push(target);
  }
  return out;
}

function resolve(from: string, spec: string): string | undefined {
  let base: string;
  const hub = /^@hub\/([a-z]+)(?:\/(.*))?$/.exec(spec);
  if (hub) base = path.posix.join('libs', hub[1], 'src', hub[2] ?? '');
  else if (spec.startsWith('.')) base = path.posix.join(path.posix.dirname(from), spec);
  else return undefined;
  for (const c of [`${base}.ts`, `${base}/index.ts`]) if (existsSync(path.join(ROOT, c))) return c;
  return undefined;
}

/** The library (or app) a file belongs to: `libs/store`, `apps/gateway`. */
export function packageOf(rel: string): string {
  return rel.split('/').slice(0, 2).join('/');
}

/** Strongly connected components with more than one member (or a self-import): the import cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
