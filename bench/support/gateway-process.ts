import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../test/support/notifier-process';
import { waitHealthy } from './processes';

const ROOT = path.resolve(__dirname, '../..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Where the gateway's code comes from: `build` compiles the tree into `buildDir` first (as
 * `npm run build` does, leaving the shared dist/ alone), `dist` is an existing `npm run build`,
 * `ts` runs the sources through ts-node's transpile-only hook (its RSS includes the compiler).
 * BENCH_GATEWAY_MAIN (any compiled main.js: another revision's, for a before/after) wins over all.
 */
export type GatewaySource = 'build' | 'dist' | 'ts';

export interface GatewayProcess {
  child: ChildProcess;
  port: number;
  /** the last 20,000 characters it printed */
  output(): string;
}

/** The build's own steps (package.json "build"), into `buildDir` (relative to the repository). */
export function buildInto(buildDir: string): void {
  rmSync(path.join(ROOT, buildDir), { recursive: true, force: true });
  // tsc emits even when the tree has type errors elsewhere (work in progress): reported, not fatal.
  const tsc = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', buildDir], { cwd: ROOT, encoding: 'utf8' });
  const errors = (tsc.stdout.match(/error TS\d+/g) ?? []).length;
  if (errors > 0) console.log(`(tsc reported ${errors} type error(s); the build was emitted anyway)`);
  const alias = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', buildDir], { cwd: ROOT, encoding: 'utf8' });
  if (alias.status !== 0) throw new Error(`tsc-alias failed:\n${alias.stdout}${alias.stderr}`);
}

/**
 * Starts a gateway as its own process (a load generator must not share its event loop) on a free
 * port and waits for its /health. BENCH_GATEWAY_NODE_OPTIONS adds node flags; BENCH_BEFORE_STOP_SIGNAL
 * is sent once it is healthy and again 3 s before it is stopped (start/stop for a profiling hook).
 */
export async function startGateway(o: { source: GatewaySource; buildDir: string; env: Record<string, string | undefined> }): Promise<GatewayProcess> {
  const port = await freePort();
  const extra = (process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const main = process.env.BENCH_GATEWAY_MAIN
    ? [process.env.BENCH_GATEWAY_MAIN]
    : o.source === 'dist'
      ? ['dist/apps/gateway/src/main.js']
      : o.source === 'build'
        ? [`${o.buildDir}/apps/gateway/src/main.js`]
        : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/gateway/src/main.ts'];
  const child = spawn(process.execPath, [...extra, ...main], {
    cwd: ROOT,
    env: { ...process.env, ...o.env, PORT: String(port), TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-20_000)));
  await waitHealthy(child, port, 120_000, () => `gateway:\n${out}`).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  if (process.env.BENCH_BEFORE_STOP_SIGNAL) child.kill(process.env.BENCH_BEFORE_STOP_SIGNAL as NodeJS.Signals);
  return { child, port, output: () => out };
}

export async function stopGateway(gw: GatewayProcess): Promise<void> {
  if (gw.child.exitCode !== null) return;
  // For profiling: a preloaded hook (BENCH_GATEWAY_NODE_OPTIONS="-r ./hook.js") that writes its
  // profile on this signal. Not --cpu-prof: Nest's shutdown ends the process by re-raising SIGTERM,
  // and --cpu-prof writes nothing then.
  const before = process.env.BENCH_BEFORE_STOP_SIGNAL;
  if (before) {
    gw.child.kill(before as NodeJS.Signals);
    await sleep(3000);
  }
  const exited = new Promise<void>((r) => gw.child.once('exit', () => r()));
  gw.child.kill('SIGTERM');
  const timer = setTimeout(() => gw.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
