/**
 * One chaos run (docs/reliability.md#the-chaos-bench): the hub with two of each app, the workload
 * for `seconds`, faults from a seeded schedule while it runs, the drain, the checker.
 */
import { percentile } from '../processes';
import { check, stuckJobs, type Verdict } from './checker';
import { DB_NAME, startChaosHub, type ChaosHub } from './hub';
import { seededRandom } from '@hub/rules/dispatch/testing';
import { Workload, type Rng, type UpstreamMode } from './workload';

export const FAULTS = [
  'kill gateway-1',
  'kill gateway-2',
  'kill router-1',
  'kill router-2',
  'kill notifier-1',
  'kill notifier-2',
  'stop router-1',
  'redis flushall',
  'redis restart',
  'redis pause',
  'pg restart',
  'pg terminate',
  'upstream 500',
  'upstream timeout',
  'upstream slow',
  'upstream 429',
  'clock step',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface ChaosOptions {
  seed: number;
  /** how long the workload runs */
  seconds: number;
  /** tickets started per second */
  rate: number;
  /** which faults, in a seeded order, one every `gapMs` after `firstMs` */
  faults: readonly FaultName[];
  firstMs: number;
  gapMs: number;
  /** how long an upstream fails; a router stays stopped `stopMs` (longer than the job locks) */
  upstreamMs: number;
  stopMs: number;
  pgPort: number;
  redisPort: number;
  appPortBase: number;
  logDir: string;
  /** how long the drain may take before what is left is judged stuck */
  drainMs: number;
  log?: (line: string) => void;
}

export interface FaultWindow {
  name: FaultName;
  /** Date.now() at injection and when the harm was undone */
  start: number;
  end: number;
  /** performance.now() of the same moments */
  pStart: number;
  pEnd: number;
  /** until every message written before `end` was delivered, ms after `end` */
  recoveryMs?: number;
}

export interface ChaosResult {
  verdict: Verdict;
  stuckJobs: string[];
  tally: Workload['tally'];
  faults: FaultWindow[];
  latency: { inside: number[]; outside: number[]; intakeInside: number[]; intakeOutside: number[] };
  drainMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const rng = seededRandom(o.seed);
  const hub = await startChaosHub({ pgPort: o.pgPort, redisPort: o.redisPort, appPortBase: o.appPortBase, replicas: { gateway: 2, router: 2, notifier: 2 }, logDir: o.logDir });
  const w = new Workload(hub, rng);
  try {
    await w.init();
    const schedule = shuffle([...o.faults], rng);
    const windows: FaultWindow[] = [];
    let faultsDone = false;
    // every fault of the schedule strikes under load: the workload runs until the last is undone
    const faultLoop = (async () => {
      await sleep(o.firstMs);
      for (const name of schedule) {
        const f: FaultWindow = { name, start: Date.now(), pStart: performance.now(), end: 0, pEnd: 0 };
        log(`  ${new Date().toISOString().slice(11, 19)} fault: ${name}`);
        await inject(hub, w, name, o, rng);
        f.end = Date.now();
        f.pEnd = performance.now();
        windows.push(f);
        await sleep(o.gapMs);
      }
    })().finally(() => (faultsDone = true));
    await w.drive(o.rate, o.seconds * 1000, () => faultsDone);
    await faultLoop;
    log(`  workload done: ${w.tickets.length} tickets and ${w.transfers.length} transfers started; draining`);

    const t0 = performance.now();
    await w.settled();
    await drain(hub, w, o.drainMs);
    const drainMs = performance.now() - t0;
    const verdict = await check(hub, w);
    const jobs = await stuckJobs(hub);
    for (const f of windows) f.recoveryMs = await recoveryOf(hub, f);

    const inWindow = (t: number): boolean => windows.some((f) => t >= f.pStart && t <= f.pEnd + 5_000);
    const latency = { inside: [] as number[], outside: [] as number[], intakeInside: [] as number[], intakeOutside: [] as number[] };
    for (const t of w.tickets) {
      const inside = inWindow(t.submittedAt);
      if (t.dispatchedAt !== undefined) (inside ? latency.inside : latency.outside).push(t.dispatchedAt - t.submittedAt);
      if (t.answeredAtMs !== undefined) (inside ? latency.intakeInside : latency.intakeOutside).push(t.answeredAtMs - t.submittedAt);
    }
    for (const l of Object.values(latency)) l.sort((a, b) => a - b);
    return { verdict, stuckJobs: jobs, tally: { ...w.tally }, faults: windows, latency, drainMs };
  } finally {
    w.aborted = true;
    await hub.close();
  }
}

/** Injects one fault and returns once its harm is undone (the app restarted, the server back …). */
async function inject(hub: ChaosHub, w: Workload, name: FaultName, o: ChaosOptions, rng: Rng): Promise<void> {
  const app = (n: string) => hub.apps.find((a) => a.name === n)!;
  const [kind, what] = name.split(' ');
  switch (kind) {
    case 'kill': {
      await app(what).kill();
      await sleep(1_000 + Math.round(rng() * 2_000));
      await app(what).start();
      return;
    }
    case 'stop': {
      app(what).signal('SIGSTOP');
      await sleep(o.stopMs);
      app(what).signal('SIGCONT');
      return;
    }
    case 'redis': {
      if (what === 'flushall') await hub.redis.flushAll();
      else if (what === 'restart') await hub.redis.restart();
      else {
        await hub.redis.pause(10_000);
        await sleep(10_000);
      }
      return;
    }
    case 'pg': {
      if (what === 'restart') await hub.pg.restart();
      else await hub.pg.terminateBackends(DB_NAME);
      return;
    }
    case 'upstream': {
      w.upstream = what as UpstreamMode;
      await sleep(o.upstreamMs);
      w.upstream = 'ok';
      return;
    }
    case 'clock': {
      // router-2's host clock jumps an hour ahead, then back (simulated: HUB_CLOCK_OFFSET_MS)
      const r = app('router-2');
      r.overrides = { HUB_CLOCK_OFFSET_MS: String(3_600_000) };
      await r.stop();
      await r.start();
      await sleep(o.upstreamMs);
      r.overrides = {};
      await r.stop();
      await r.start();
      return;
    }
  }
}

/** Waits until nothing is pending in the outbox, no job waits in Redis and every transfer is in. */
async function drain(hub: ChaosHub, w: Workload, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    try {
      const [{ pending, national }] = (await hub.ds.query(
        `SELECT (SELECT count(*)::int FROM outbox WHERE status = 'pending') AS pending, (SELECT count(*)::int FROM tickets WHERE source = 'national') AS national`,
      )) as Array<{ pending: number; national: number }>;
      if (pending === 0 && national >= w.transfers.length && (await stuckJobs(hub)).length === 0) return;
    } catch {
      // PostgreSQL was restarted by the last fault; try again
    }
    await sleep(1_000);
  }
}

/** How long after the fault's end the last message written before it was delivered. */
async function recoveryOf(hub: ChaosHub, f: FaultWindow): Promise<number> {
  const [{ last }] = (await hub.ds.query(`SELECT max(delivered_at) AS last FROM outbox WHERE status = 'delivered' AND created_at <= $1`, [new Date(f.end)])) as Array<{ last: Date | null }>;
  return last ? Math.max(0, last.getTime() - f.end) : 0;
}

function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** The run's figures, as the bench prints them. */
export function report(r: ChaosResult): string[] {
  const v = r.verdict;
  const p = (xs: number[], q: number): string => (xs.length ? `${(percentile(xs, q) / 1000).toFixed(2)} s` : '—');
  const lines = [
    `tickets in                      ${v.ticketsIn} (answered 2xx: ${v.answered2xx})`,
    `requests answered               2xx ${r.tally['2xx']}, 4xx ${r.tally['4xx']}, 5xx ${r.tally['5xx']}, no answer (retried) ${r.tally.unanswered}`,
    `lost                            ${v.lost.length}`,
    `duplicated                      ${v.duplicated.length}`,
    `out-of-order                    ${v.outOfOrder.length}`,
    `stuck                           ${v.stuck.length + r.stuckJobs.length}`,
    `wrong final state               ${v.wrongState.length}`,
    `dead letters                    ${v.deadLetters} (unexpected: ${v.unexpectedDeadLetters.length})`,
    `re-sends of one eventId         ${v.resends} (${Object.entries(v.resendsBy).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`,
    `plans not run to their end      ${v.planErrors.length}`,
    `drain after the workload        ${(r.drainMs / 1000).toFixed(1)} s`,
    `intake → dispatched delivered   p99 outside faults ${p(r.latency.outside, 99)} (n ${r.latency.outside.length}), inside ${p(r.latency.inside, 99)} (n ${r.latency.inside.length})`,
    `intake answer (with retries)    p99 outside faults ${p(r.latency.intakeOutside, 99)}, inside ${p(r.latency.intakeInside, 99)}`,
    'recovery (last message written before the fault ended, delivered after):',
    ...r.faults.map((f) => `  ${f.name.padEnd(18)} lasted ${((f.end - f.start) / 1000).toFixed(1).padStart(5)} s, recovered ${((f.recoveryMs ?? 0) / 1000).toFixed(1).padStart(5)} s after`),
  ];
  const details = [...v.lost, ...v.duplicated, ...v.outOfOrder, ...v.stuck, ...r.stuckJobs, ...v.wrongState, ...v.unexpectedDeadLetters, ...v.planErrors];
  if (details.length) lines.push('details (first 30):', ...details.slice(0, 30).map((d) => `  ${d}`));
  return lines;
}
