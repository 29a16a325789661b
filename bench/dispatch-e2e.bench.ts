/**
 * From intake to `dispatched` delivered: signed hotline orders posted at a fixed rate to the
 * gateway; the router checks, routes and starts the clocks; the notifier delivers `accepted` and
 * `dispatched` to a fake hotline on loopback. Latency = from the scheduled send time to the moment
 * the fake hotline receives `dispatched` (coordinated-omission aware).
 *
 *   npm run build && npx ts-node -r tsconfig-paths/register --transpile-only bench/dispatch-e2e.bench.ts
 *
 * Target (issue 4): p99 under 1 s at 200 tickets/s. Env: BENCH_RATE (200), BENCH_SECONDS (20),
 * BENCH_WARMUP (orders sent at ≤ 100/s before the measured run, then VACUUM ANALYZE; 2000),
 * BENCH_PG_TOP (n: top statements from pg_stat_statements), BENCH_AUTO_EXPLAIN_MS (n: plans of slower
 * statements to the server log, bench database only), BENCH_DB, BENCH_PORT_BASE (3100: gateway, +1
 * router, +2 notifier; BENCH_REPLICAS=n starts n routers and n notifiers, the extra ones on +3, +4 …), BENCH_REDIS_URL, BENCH_REPORT_FACTS=off (the A side of the reports A/B: the
 * report triggers and the reports' clock index removed, docs/reports.md), BENCH_REPORT_ROLLUP=off (the A
 * side of the rollup's A/B: what the rollup added to the hot path removed — ix_report_facts_at, the
 * unit and born-late clock indexes, the moved-deadline trigger).
 */
import { execSync } from 'node:child_process';
import http from 'node:http';
import { createDataSource } from '@hub/store';
import { Client } from 'pg';
import { FakeUpstream } from '../test/fakes/fake-upstream';
import { benchOrder, freshBenchDatabase, hotlineHubEnv, hotlinePoster, importShanghaiDirectory, startHotlineHub } from './support/hotline-hub';
import { cpuSeconds, cpuSecondsByName, peakRssMiB, percentile, startApp } from './support/processes';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const DB_NAME = process.env.BENCH_DB ?? 'hub_bench_e2e';
// Ports and Redis database of this run (several people may bench on one machine).
const PORT = Number(process.env.BENCH_PORT_BASE ?? 3100);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

async function main(): Promise<void> {
  const DB = await freshBenchDatabase(DB_NAME);
  // BENCH_AUTO_EXPLAIN_MS=n: plans of statements slower than n ms go to the server log, for the
  // bench database only (set on the database, which the next run drops; nothing else is touched).
  const explainMs = Number(process.env.BENCH_AUTO_EXPLAIN_MS ?? 0);
  if (explainMs > 0) {
    const a = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await a.connect();
    for (const [k, v] of [['session_preload_libraries', 'auto_explain'], ['auto_explain.log_min_duration', `${explainMs}ms`], ['auto_explain.log_analyze', 'on'], ['auto_explain.log_buffers', 'on']])
      await a.query(`ALTER DATABASE ${DB_NAME} SET ${k} = '${v}'`);
    await a.end();
  }
  const ds = createDataSource({ url: DB, poolSize: 2 });
  await ds.initialize();
  if (process.env.BENCH_REPORT_FACTS === 'off') {
    await ds.query('DROP TRIGGER trg_ticket_events_report_fact ON ticket_events');
    await ds.query('DROP TRIGGER trg_tickets_report_fact ON tickets');
    await ds.query('DROP INDEX ix_ticket_clocks_report');
  }
  if (process.env.BENCH_REPORT_ROLLUP === 'off') {
    for (const ix of ['ix_report_facts_at', 'ix_ticket_clocks_unit_report', 'ix_ticket_clocks_born_late']) await ds.query(`DROP INDEX ${ix}`);
    await ds.query('DROP TRIGGER trg_ticket_clocks_due_change ON ticket_clocks');
  }
  console.log(`uptime at start: ${execSync('uptime').toString().trim()}; BENCH_REPORT_FACTS=${process.env.BENCH_REPORT_FACTS ?? 'on'} BENCH_REPORT_ROLLUP=${process.env.BENCH_REPORT_ROLLUP ?? 'on'}`);
  await importShanghaiDirectory(ds);

  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const fake = await FakeUpstream.start({});
  fake.setHandler((req) => {
    const body = req.body as { type?: string; orderNo?: string };
    if (body?.type === 'dispatched' && body.orderNo) {
      const t0 = sent.get(body.orderNo);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    }
    return { status: 200, body: { ok: true } };
  });

  const env = hotlineHubEnv({ db: DB, redisUrl: REDIS_URL, queuePrefix: 'bench-e2e', port: PORT, hotlineUrl: fake.url });
  const { gateway, router, notifier } = await startHotlineHub(env, PORT);
  // more replicas of router and notifier, each on its own health port (docs/reliability.md#replicas-on-this-machine)
  const extra = [];
  for (let k = 1; k < Number(process.env.BENCH_REPLICAS ?? 1); k++) {
    extra.push(await startApp('router', { ...env, ROUTER_PORT: String(PORT + 1 + 2 * k) }, PORT + 1 + 2 * k));
    extra.push(await startApp('notifier', { ...env, NOTIFIER_PORT: String(PORT + 2 + 2 * k) }, PORT + 2 + 2 * k));
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = hotlinePoster(PORT, agent);

  let errors = 0;
  let next = 0;
  /** Posts `count` orders at `rate`/s (a fixed schedule) and waits until all are answered and `dispatched` arrived (or 30 s). */
  const offer = async (rate: number, count: number): Promise<number> => {
    const t0 = performance.now();
    const pending: Array<Promise<number>> = [];
    const before = latencies.length;
    for (let k = 0; k < count; k++) {
      const i = next++;
      const at = t0 + (k * 1000) / rate;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const order = benchOrder(i);
      sent.set(order.orderNo as string, at);
      pending.push(post(order).then((s) => (s === 201 ? s : (errors++, s))));
    }
    await Promise.all(pending);
    const deadline = performance.now() + 30_000;
    while (latencies.length - before < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return performance.now() - t0;
  };

  // Warm-up, then statistics: a hub that has run for a while has analysed tables. On a database
  // created a second ago the planner's statistics say "empty", and plans chosen then (prepared
  // statements keep a generic plan) would be measured instead of the hub.
  if (WARMUP > 0) {
    await offer(Math.min(RATE, 100), WARMUP);
    await ds.query('VACUUM ANALYZE');
    latencies.length = 0;
    errors = 0;
  }

  const total = RATE * SECONDS;
  // Where PostgreSQL's time goes, per order, when pg_stat_statements is loaded (BENCH_PG_TOP=n).
  const pgTop = Number(process.env.BENCH_PG_TOP ?? 0);
  // The extension lives in the `postgres` database; its view covers every database.
  const stats = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  if (pgTop > 0) {
    await stats.connect();
    await stats.query('SELECT pg_stat_statements_reset()').catch(() => undefined);
  }
  const apps: Record<string, (typeof extra)[number]> = { gateway, router, notifier, ...Object.fromEntries(extra.map((c, k) => [`${k % 2 ? 'notifier' : 'router'}${Math.floor(k / 2) + 2}`, c])) };
  const appCpu0: Record<string, number> = Object.fromEntries(Object.entries(apps).map(([k, c]) => [k, cpuSeconds(c.pid)]));
  const cpu0 = { postgres: cpuSecondsByName('postgres'), redis: cpuSecondsByName('redis-server'), bench: process.cpuUsage() };
  const start = performance.now();
  await offer(RATE, total);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const benchCpu = process.cpuUsage(cpu0.bench);
  const cpuMs = (s: number): string => `${((s * 1000) / total).toFixed(2)} ms`;
  const cpuLine = [
    ...Object.entries(apps).map(([k, c]) => `${k} ${cpuMs(cpuSeconds(c.pid) - appCpu0[k])}`),
    `postgres ${cpuMs(cpuSecondsByName('postgres') - cpu0.postgres)}`,
    `redis ${cpuMs(cpuSecondsByName('redis-server') - cpu0.redis)}`,
    `bench client ${cpuMs((benchCpu.user + benchCpu.system) / 1e6)}`,
  ].join(', ');
  const rows = [
    ['offered rate', `${RATE}/s for ${SECONDS} s (${total} orders)`],
    ['intake errors (non-201)', String(errors)],
    ['dispatched delivered', `${latencies.length} of ${total} in ${elapsed.toFixed(1)} s`],
    ['intake → dispatched p50', `${percentile(latencies, 50).toFixed(1)} ms`],
    ['intake → dispatched p99', `${percentile(latencies, 99).toFixed(1)} ms`],
    ['intake → dispatched max', `${latencies[latencies.length - 1]?.toFixed(1)} ms`],
    ['CPU per order', cpuLine],
    ['peak RSS gateway / router / notifier', `${peakRssMiB(gateway.pid)} / ${peakRssMiB(router.pid)} / ${peakRssMiB(notifier.pid)} MiB`],
  ];
  console.log(`\nintake → dispatched (issue 4 target: p99 < 1 s at 200/s), ${1 + extra.length / 2} router(s) and notifier(s)`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(40)} ${v}`);
  console.log(`  uptime at the end: ${execSync('uptime').toString().trim()}`);
  if (pgTop > 0) {
    await printPgTop(stats, pgTop, total);
    await stats.end();
  }
  await Promise.all([gateway, router, notifier, ...extra].map((c) => new Promise((r) => { c.once("exit", r); c.kill("SIGTERM"); })));
  agent.destroy();
  await fake.close();
  await ds.destroy();
  process.exit(latencies.length === total ? 0 : 1);
}

/** The statements that took most of PostgreSQL's time in the measured run: calls and ms per order. */
async function printPgTop(db: Client, n: number, orders: number): Promise<void> {
  const rows = (await db
    .query(
      `SELECT s.calls, s.total_exec_time + s.total_plan_time AS ms, s.shared_blks_hit + s.shared_blks_read AS blks, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 110) AS q
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $2 ORDER BY ms DESC LIMIT $1`,
      [n, DB_NAME],
    )
    .then((r) => r.rows)
    .catch(() => [])) as Array<{ calls: string; ms: number; blks: string; q: string }>;
  if (rows.length === 0) return console.log('  (pg_stat_statements not loaded)');
  const all = (
    await db.query(
      `SELECT sum(s.calls) AS calls, sum(s.total_exec_time + s.total_plan_time) AS ms FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
      [DB_NAME],
    )
  ).rows as Array<{ calls: string; ms: number }>;
  console.log(`\n  PostgreSQL statements per order: ${(Number(all[0].calls) / orders).toFixed(1)}, time per order ${(all[0].ms / orders).toFixed(2)} ms`);
  for (const r of rows) {
    console.log(`  ${(Number(r.calls) / orders).toFixed(2).padStart(6)} calls ${(r.ms / orders).toFixed(3).padStart(7)} ms ${(Number(r.blks) / Math.max(1, Number(r.calls))).toFixed(0).padStart(5)} blk/call  ${r.q}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
