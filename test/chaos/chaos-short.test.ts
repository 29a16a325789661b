/**
 * The chaos bench's short version (docs/reliability.md#the-chaos-bench), in the test command: two
 * gateways, routers and notifiers on their own PostgreSQL and Redis, under a steady workload for
 * 30 s while five faults strike; after the drain nothing is lost, doubled, out of order or stuck.
 * Counts only, never a latency: it must hold on a loaded machine.
 */
import os from 'node:os';
import path from 'node:path';
import { report, runChaos, type ChaosResult } from '../../bench/support/chaos/run';

describe('chaos, short: kills, a wiped Redis, cut connections and a failing upstream', () => {
  let r: ChaosResult;
  const lines: string[] = [];

  beforeAll(async () => {
    r = await runChaos({
      seed: 7,
      seconds: 30,
      rate: 3,
      faults: ['kill notifier-1', 'kill router-2', 'redis flushall', 'pg terminate', 'upstream 500'],
      firstMs: 3_000,
      gapMs: 2_000,
      upstreamMs: 6_000,
      stopMs: 20_000,
      pgPort: 5442,
      redisPort: 6440,
      appPortBase: 6450,
      logDir: path.join(os.tmpdir(), `hub-chaos-test-${process.pid}`),
      drainMs: 180_000,
      log: (l) => lines.push(l),
    });
    lines.push(...report(r));
  }, 600_000);

  it('ran the workload and every fault', () => {
    expect(r.faults.map((f) => f.name).sort()).toEqual(['kill notifier-1', 'kill router-2', 'pg terminate', 'redis flushall', 'upstream 500']);
    expect(r.verdict.answered2xx).toBeGreaterThan(30);
  });

  it('lost nothing, doubled nothing, kept every ticket in order, left nothing stuck', () => {
    const v = r.verdict;
    const broken = { lost: v.lost, duplicated: v.duplicated, outOfOrder: v.outOfOrder, stuck: [...v.stuck, ...r.stuckJobs], wrongState: v.wrongState, unexpectedDeadLetters: v.unexpectedDeadLetters };
    expect({ broken, report: lines }).toEqual({ broken: { lost: [], duplicated: [], outOfOrder: [], stuck: [], wrongState: [], unexpectedDeadLetters: [] }, report: lines });
  });

  it('every ticket answered 2xx ran its planned actions to their end', () => {
    expect(r.verdict.planErrors).toEqual([]);
  });
});
