/**
 * Runs every bench in turn (each prints its own figures): `npm run bench`. Builds first, since the
 * end-to-end benches start the built apps as child processes.
 */
import { spawnSync } from 'node:child_process';

const benches = ['calendar', 'dispatch', 'sweeper', 'intake', 'delivery', 'dispatch-e2e', 'open311', 'console-list'];
const only = process.argv.slice(2);
let failed = 0;
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const b of benches.filter((x) => only.length === 0 || only.includes(x))) {
  console.log(`\n=== bench/${b}.bench.ts ===`);
  const r = spawnSync('npx', ['ts-node', '-r', 'tsconfig-paths/register', '--transpile-only', `bench/${b}.bench.ts`], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
