/**
 * The chaos bench (docs/reliability.md#the-chaos-bench): two gateways, two routers and two
 * notifiers on their own PostgreSQL and Redis, a steady mixed workload, every fault of the list on
 * a seeded schedule, then the drain and the checker over the whole history.
 *
 *   flock /work/bench.lock npx ts-node -r tsconfig-paths/register --transpile-only bench/chaos.bench.ts
 *
 * Env: CHAOS_SEED (1), CHAOS_SECONDS (workload, 420), CHAOS_RATE (tickets/s, 6), CHAOS_GAP_S
 * (between faults, 8), CHAOS_FAULTS (a comma list of FAULTS; all by default), CHAOS_PG_PORT (5440),
 * CHAOS_REDIS_PORT (6400), CHAOS_APP_PORT (6410: the six apps from there). Exit status 1 when an
 * invariant is broken (lost, duplicated, out of order, stuck, a wrong state, an unexpected dead letter).
 */
import { execSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { FAULTS, report, runChaos, type FaultName } from './support/chaos/run';

async function main(): Promise<void> {
  const faults = process.env.CHAOS_FAULTS ? (process.env.CHAOS_FAULTS.split(',') as FaultName[]) : FAULTS;
  for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault "${f}"; one of: ${FAULTS.join(', ')}`);
  const seed = Number(process.env.CHAOS_SEED ?? 1);
  const logDir = path.join(os.tmpdir(), `hub-chaos-logs-${process.pid}`);
  console.log(`chaos bench: seed ${seed}, app logs in ${logDir}`);
  console.log(`uptime before: ${execSync('uptime').toString().trim()}`);
  const r = await runChaos({
    seed,
    seconds: Number(process.env.CHAOS_SECONDS ?? 420),
    rate: Number(process.env.CHAOS_RATE ?? 6),
    faults,
    firstMs: 15_000,
    gapMs: Number(process.env.CHAOS_GAP_S ?? 8) * 1000,
    upstreamMs: 20_000,
    stopMs: 35_000,
    pgPort: Number(process.env.CHAOS_PG_PORT ?? 5440),
    redisPort: Number(process.env.CHAOS_REDIS_PORT ?? 6400),
    appPortBase: Number(process.env.CHAOS_APP_PORT ?? 6410),
    logDir,
    drainMs: 240_000,
  });
  console.log(`uptime after: ${execSync('uptime').toString().trim()}`);
  for (const line of report(r)) console.log(line);
  const v = r.verdict;
  const broken = v.lost.length + v.duplicated.length + v.outOfOrder.length + v.stuck.length + r.stuckJobs.length + v.wrongState.length + v.unexpectedDeadLetters.length;
  process.exit(broken ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
