/**
 * Overload and catch-up (docs/reliability.md#overload-and-catch-up), intake to `dispatched`
 * delivered as in dispatch-e2e (signed hotline orders to the gateway, a fake hotline on loopback):
 *
 *  (a) BENCH_RATE/s (the rate taken as sustainable) for BENCH_STEADY_S, then 1.5× for
 *      BENCH_OVERLOAD_S, then BENCH_RATE again for BENCH_AFTER_S: orders dispatched per second in
 *      each phase, and when the backlog of the overload was gone;
 *  (b) the router stopped, BENCH_BACKLOG orders accepted, the router started while new orders keep
 *      coming at BENCH_RATE/2: time until the backlog is dispatched and delivered, the drain rate
 *      against the steady rate of (a), and the p50/p99 of the new orders (do they wait behind the
 *      backlog?).
 *
 *   npm run build && npx ts-node -r tsconfig-paths/register --transpile-only bench/catch-up.bench.ts
 *
 * Env: BENCH_RATE (60), BENCH_STEADY_S (20), BENCH_OVERLOAD_S (60), BENCH_AFTER_S (60),
 * BENCH_BACKLOG (50000), BENCH_ONLY (a | b), BENCH_DB, BENCH_PORT_BASE (3100), BENCH_REDIS_URL.
 * The apps are those of ../dist: to compare two commits, run this file from a worktree of each.
 */
import http from 'node:http';
import { uptime } from 'node:os';
import { execSync } from 'node:child_process';
import { createDataSource } from '@hub/store';
import { FakeUpstream } from '../test/fakes/fake-upstream';
import { benchOrder, dropBenchDatabase, freshBenchDatabase, hotlineHubEnv, hotlinePoster, importShanghaiDirectory, startHotlineHub } from './support/hotline-hub';
import { percentile, startApp } from './support/processes';

const RATE = Number(process.env.BENCH_RATE ?? 60);
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 20);
const OVERLOAD_S = Number(process.env.BENCH_OVERLOAD_S ?? 60);
const AFTER_S = Number(process.env.BENCH_AFTER_S ?? 60);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 50_000);
const ONLY = process.env.BENCH_ONLY ?? '';
const DB_NAME = process.env.BENCH_DB ?? 'hub_bench_catchup';
const PORT = Number(process.env.BENCH_PORT_BASE ?? 3100);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

const load = (): string => execSync('uptime').toString().trim().replace(/^.*load/, 'load');

async function main(): Promise<void> {
  console.log(`catch-up bench, commit ${execSync('git rev-parse --short HEAD').toString().trim()}, ${load()} (up ${Math.round(uptime() / 60)} min)`);
  const DB = await freshBenchDatabase(DB_NAME);
  const ds = createDataSource({ url: DB, poolSize: 2 });
  await ds.initialize();
  await importShanghaiDirectory(ds);

  /** scheduled send time and arrival of `dispatched`, per order number */
  const sent = new Map<string, number>();
  const arrived = new Map<string, number>();
  const fake = await FakeUpstream.start({ keepRequests: 1 });
  fake.setHandler((req) => {
    const body = req.body as { type?: string; orderNo?: string };
    if (body?.type === 'dispatched' && body.orderNo && !arrived.has(body.orderNo)) arrived.set(body.orderNo, performance.now());
    return { status: 200, body: { ok: true } };
  });
  const env = hotlineHubEnv({ db: DB, redisUrl: REDIS_URL, queuePrefix: 'bench-catchup', port: PORT, hotlineUrl: fake.url });
  const hub = await startHotlineHub(env, PORT);
  const { gateway, notifier } = hub;
  let router = hub.router;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = hotlinePoster(PORT, agent);
  let errors = 0;
  let next = 0;

  const order = (): Record<string, unknown> => benchOrder(next++);
  /** Offers `rate`/s for `seconds` on a fixed schedule; resolves when all are answered. Returns the numbers of the orders accepted (201). */
  const offer = async (rate: number, seconds: number, inFlight = 256): Promise<string[]> => {
    const t0 = performance.now();
    const nos: string[] = [];
    const pending = new Set<Promise<unknown>>();
    const count = Math.round(rate * seconds);
    for (let k = 0; k < count; k++) {
      const at = t0 + (k * 1000) / rate;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (pending.size >= inFlight) await Promise.race(pending);
      const o = order();
      const no = o.orderNo as string;
      sent.set(no, at);
      const p: Promise<unknown> = post(o)
        // only what the hub accepted is waited for (a 503 under load is the sender's to retry)
        .then((s) => (s === 201 ? nos.push(no) : errors++))
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
    return nos;
  };
  const delivered = (nos: string[]): number => nos.filter((n) => arrived.has(n)).length;
  const waitAll = async (nos: string[], limitMs: number): Promise<void> => {
    const end = performance.now() + limitMs;
    while (delivered(nos) < nos.length && performance.now() < end) await new Promise((r) => setTimeout(r, 100));
  };
  const lat = (nos: string[]): number[] =>
    nos
      .filter((n) => arrived.has(n))
      .map((n) => arrived.get(n)! - sent.get(n)!)
      .sort((a, b) => a - b);
  const inWindow = (t0: number, t1: number): number => [...arrived.values()].filter((t) => t >= t0 && t < t1).length;
  const fmt = (xs: number[]): string => `p50 ${(percentile(xs, 50) / 1000).toFixed(2)} s, p99 ${(percentile(xs, 99) / 1000).toFixed(2)} s, max ${((xs[xs.length - 1] ?? NaN) / 1000).toFixed(2)} s`;

  // warm-up and statistics, as dispatch-e2e does
  const warm = await offer(Math.min(RATE, 50), 20);
  await waitAll(warm, 60_000);
  await ds.query('VACUUM ANALYZE');

  let steadyRate = RATE;
  if (ONLY !== 'b') {
    console.log(`\n(a) ${RATE}/s for ${STEADY_S} s, ${RATE * 1.5}/s for ${OVERLOAD_S} s, ${RATE}/s for ${AFTER_S} s  [${load()}]`);
    const s0 = performance.now();
    const steady = await offer(RATE, STEADY_S);
    const s1 = performance.now();
    const over = await offer(RATE * 1.5, OVERLOAD_S);
    const s2 = performance.now();
    const after = await offer(RATE, AFTER_S);
    const s3 = performance.now();
    const all = [...steady, ...over, ...after];
    await waitAll(all, 300_000);
    const s4 = performance.now();
    // when the overload's backlog was gone: the first second after s2 from which every order sent
    // earlier had arrived
    const backlogGone = Math.max(...[...steady, ...over].map((n) => arrived.get(n) ?? Infinity));
    steadyRate = inWindow(s0 + 5_000, s1) / ((s1 - s0 - 5_000) / 1000);
    const overRate = inWindow(s1, s2) / ((s2 - s1) / 1000);
    const drainEnd = Math.min(backlogGone, s3);
    const drainRate = drainEnd > s2 ? inWindow(s2, drainEnd) / ((drainEnd - s2) / 1000) : NaN;
    console.log(`  steady: dispatched ${steadyRate.toFixed(1)}/s; ${fmt(lat(steady))}`);
    console.log(`  overload: dispatched ${overRate.toFixed(1)}/s while ${RATE * 1.5}/s came in; ${fmt(lat(over))}`);
    console.log(
      `  after: backlog of the overload gone ${backlogGone === Infinity ? 'never' : `${((backlogGone - s2) / 1000).toFixed(1)} s`} after the overload ended, dispatched ${drainRate.toFixed(1)}/s until then; ${fmt(lat(after))}`,
    );
    console.log(`  all ${delivered(all)} of ${all.length} dispatched and delivered by ${((s4 - s0) / 1000).toFixed(1)} s; intake errors ${errors}  [${load()}]`);
  }

  if (ONLY !== 'a') {
    console.log(`\n(b) router stopped, ${BACKLOG} orders accepted, router started; new orders at ${RATE / 2}/s during the drain  [${load()}]`);
    await new Promise((r) => {
      router.once('exit', r);
      router.kill('SIGTERM');
    });
    const b0 = performance.now();
    // as fast as the gateway takes them (64 in flight)
    const backlog = await offer(100_000, BACKLOG / 100_000, 64);
    const b1 = performance.now();
    console.log(`  accepted ${backlog.length} in ${((b1 - b0) / 1000).toFixed(1)} s (${(backlog.length / ((b1 - b0) / 1000)).toFixed(0)}/s); intake errors ${errors}`);
    // let the relay queue them all (the router is away), as after a day's outage
    await new Promise((r) => setTimeout(r, 5_000));
    const r0 = performance.now();
    router = await startApp('router', env, PORT + 1);
    const newOrders: string[] = [];
    let draining = true;
    const sender = (async () => {
      while (draining) newOrders.push(...(await offer(RATE / 2, 5)));
    })();
    await waitAll(backlog, 1_800_000);
    const r1 = performance.now();
    draining = false;
    await sender;
    await waitAll(newOrders, 120_000);
    const drainS = (r1 - r0) / 1000;
    const drainRate = backlog.length / drainS;
    console.log(`  backlog dispatched and delivered ${delivered(backlog)} of ${backlog.length} in ${drainS.toFixed(1)} s from the router's start (${drainRate.toFixed(1)}/s, with ${newOrders.length} new orders beside)`);
    console.log(`  drain rate / steady rate of (a) (${steadyRate.toFixed(1)}/s): ${(drainRate / steadyRate).toFixed(2)}×`);
    console.log(`  new orders during the drain: ${newOrders.length}, ${fmt(lat(newOrders))}  [${load()}]`);
  }

  await Promise.all([gateway, router, notifier].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
  agent.destroy();
  await fake.close();
  await ds.destroy();
  await dropBenchDatabase(DB_NAME);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
