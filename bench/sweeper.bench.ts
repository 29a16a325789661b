/**
 * Sweeper bench: how long the clock sweeper takes to find the due timers among a million open
 * clocks in PostgreSQL, and proof that it reads the index only.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/sweeper.bench.ts
 *
 * A separate database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/hub_bench) is
 * dropped, created and migrated exactly as production (`migrate()`), then filled with
 * generate_series: BENCH_TICKETS tickets (500,000) with a running contact and resolve clock each
 * (1,000,000 open clocks, their timers spread over the next 30 days, BENCH_DUE = 1,000 of them
 * already due) plus 250,000 closed ones (met, no timer: history the partial index leaves out). After
 * VACUUM ANALYZE it times, BENCH_RUNS times each (after warm-up):
 *   - the sweeper's due query (DUE_CLOCKS_SQL from clock-timers.repository.ts, the same text the router
 *     runs): one page of 500, and every due timer (pages of 500 until exhausted);
 *   - the scheduler's claim of the next hour's timers (rolled back each run).
 * and prints EXPLAIN (ANALYZE, BUFFERS) of the due query: Index Only Scan, Heap Fetches: 0.
 * Target: under 50 ms per sweep query, index-only. BENCH_KEEP_DB=1 keeps the database.
 */
import os from 'node:os';
import { Client } from 'pg';
import { DUE_CLOCKS_SQL, migrate } from '@hub/store';

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_bench';
const TICKETS = Number(process.env.BENCH_TICKETS ?? 500_000);
const CLOSED = Math.min(TICKETS, Number(process.env.BENCH_CLOSED ?? 250_000));
const DUE = Number(process.env.BENCH_DUE ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const PAGE = 500;
/** The sweep instant: every open timer is after it except the DUE ones. */
const NOW = new Date('2026-11-23T12:00:00+08:00');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `p50 ${percentile(s, 50).toFixed(2)} ms  p99 ${percentile(s, 99).toFixed(2)} ms  max ${s[s.length - 1].toFixed(2)} ms  mean ${mean.toFixed(2)} ms  (n=${s.length})`;
}

async function time(runs: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < Math.min(20, runs); i++) await fn(); // warm-up: plans cached, pages in memory
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

/** Drops the bench database (migrate() creates it again). */
async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  await c.end();
}

async function main(): Promise<void> {
  console.log(`sweeper bench: ${TICKETS.toLocaleString('en-US')} tickets, ${(2 * TICKETS).toLocaleString('en-US')} open clocks (${DUE} due), ${CLOSED.toLocaleString('en-US')} closed; ${URL_}`);
  await dropDatabase(URL_);
  const applied = await migrate(URL_);
  console.log(`migrated: ${applied.length} migrations`);
  const db = new Client({ connectionString: URL_, application_name: 'hub-bench-sweeper' });
  await db.connect();
  try {
    let t0 = Date.now();
    await db.query(
      `INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, title, content, citizen, received_at, state, unit_code, raw_payload)
       SELECT md5('t' || i)::uuid, 'hotline', 'order', 'HL-' || i, md5(i::text), 'complaint', 'phone', '商户拒不退款', '内容', '{"anonymous":false,"confidential":false}'::jsonb,
              $1::timestamptz - interval '1 day', 'dispatched', '310115-MARKET', '{}'::jsonb
         FROM generate_series(1, $2::int) i`,
      [NOW, TICKETS],
    );
    console.log(`tickets: ${TICKETS.toLocaleString('en-US')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Open clocks: next_fire_at spread over the next 30 days (warnings and dues), except the first
    // DUE rows (in ticket order) whose timer passed in the last hour: what a sweep must find.
    t0 = Date.now();
    await db.query(
      `INSERT INTO ticket_clocks (ticket_id, type, policy_id, state, unit_code, started_at, days, base_days, due, due_date, warn_before_days, warn_at, next_fire_at)
       SELECT md5('t' || i)::uuid, ty.type, 'shanghai-1-5-15', 'running', '310115-MARKET', $1::timestamptz - interval '1 day', 5, 5,
              f.at + interval '1 day', (f.at + interval '1 day')::date, 1, f.at, f.at
         FROM generate_series(1, $2::int) i
        CROSS JOIN (VALUES ('contact', 0), ('resolve', 1)) AS ty(type, k)
        CROSS JOIN LATERAL (SELECT CASE WHEN 2 * (i - 1) + ty.k < $3
                                        THEN $1::timestamptz - make_interval(secs => 1 + ((2 * (i - 1) + ty.k) % 3600))
                                        ELSE $1::timestamptz + make_interval(secs => 1 + (hashint4(2 * i + ty.k)::bigint & 2147483647) % (30 * 86400))
                                   END AS at) f`,
      [NOW, TICKETS, DUE],
    );
    // History: met resolve clocks of earlier rounds (no timer; outside the partial index).
    await db.query(
      `INSERT INTO ticket_clocks (ticket_id, type, policy_id, state, unit_code, started_at, days, base_days, due, due_date, warn_before_days, warn_at, met_at)
       SELECT md5('t' || i)::uuid, 'resolve', 'shanghai-1-5-15', 'met', '310115-MARKET', $1::timestamptz - interval '20 days', 5, 5,
              $1::timestamptz - interval '10 days', ($1::timestamptz - interval '10 days')::date, 1, $1::timestamptz - interval '11 days', $1::timestamptz - interval '12 days'
         FROM generate_series(1, $2::int) i`,
      [NOW, CLOSED],
    );
    console.log(`clocks: ${(2 * TICKETS + CLOSED).toLocaleString('en-US')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    t0 = Date.now();
    await db.query(`VACUUM ANALYZE ticket_clocks`);
    console.log(`VACUUM ANALYZE in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const [{ open, due }] = (
      await db.query(`SELECT count(*) FILTER (WHERE next_fire_at IS NOT NULL)::int AS open, count(*) FILTER (WHERE next_fire_at <= $1)::int AS due FROM ticket_clocks`, [NOW])
    ).rows as Array<{ open: number; due: number }>;
    const sizes = (
      await db.query(
        `SELECT pg_size_pretty(pg_relation_size('ticket_clocks')) AS heap, pg_size_pretty(pg_relation_size('ix_ticket_clocks_next_fire')) AS sweeper_index`,
      )
    ).rows[0] as { heap: string; sweeper_index: string };
    console.log(`open timers ${open.toLocaleString('en-US')}, due at ${NOW.toISOString()}: ${due}; heap ${sizes.heap}, sweeper index ${sizes.sweeper_index}`);

    const firstPage = [NOW, '-infinity', 0, PAGE];
    const plan = (await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${DUE_CLOCKS_SQL}`, firstPage)).rows.map((r: Record<string, string>) => r['QUERY PLAN']);
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the sweeper query, first page:');
    for (const line of plan) console.log(`  ${line}`);
    const indexOnly = plan.some((l) => l.includes('Index Only Scan using ix_ticket_clocks_next_fire'));
    const heapFetches = plan.map((l) => /Heap Fetches: (\d+)/.exec(l)?.[1]).find((v) => v !== undefined);

    // The server's own time for one page (EXPLAIN ANALYZE's Execution Time): what the index costs,
    // without the client, the socket and the scheduler of a busy 2-core machine.
    const server: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await db.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${DUE_CLOCKS_SQL}`, firstPage);
      server.push((r.rows[0] as { 'QUERY PLAN': Array<{ 'Execution Time': number }> })['QUERY PLAN'][0]['Execution Time']);
    }
    // One sweep page, the way the router asks (unnamed parameterised statement, like TypeORM).
    const page = await time(RUNS, async () => {
      const r = await db.query(DUE_CLOCKS_SQL, firstPage);
      if (r.rowCount !== Math.min(PAGE, DUE)) throw new Error(`expected ${Math.min(PAGE, DUE)} rows, got ${r.rowCount}`);
    });
    // Every due timer, paged by (next_fire_at, id) as ClockTimersService.fireDue pages.
    const all = await time(RUNS, async () => {
      let after: [unknown, unknown] = ['-infinity', 0];
      let found = 0;
      for (;;) {
        const r = await db.query<{ id: string; nextFireAt: Date }>(DUE_CLOCKS_SQL, [NOW, after[0], after[1], PAGE]);
        found += r.rowCount ?? 0;
        if ((r.rowCount ?? 0) < PAGE) break;
        const last = r.rows[r.rows.length - 1];
        after = [last.nextFireAt, last.id];
      }
      if (found !== DUE) throw new Error(`expected ${DUE} due, found ${found}`);
    });
    // The scheduler's claim of the next hour (an UPDATE; rolled back so every run sees the same rows).
    let claimed = 0;
    const claim = await time(Math.min(RUNS, 100), async () => {
      await db.query('BEGIN');
      const r = await db.query(
        `UPDATE ticket_clocks c SET scheduled_for = c.next_fire_at
          WHERE c.id IN (SELECT id FROM ticket_clocks WHERE next_fire_at IS NOT NULL AND next_fire_at > $1 AND next_fire_at <= $2
                          AND scheduled_for IS DISTINCT FROM next_fire_at ORDER BY next_fire_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING c.id`,
        [NOW, new Date(NOW.getTime() + 3_600_000), PAGE],
      );
      claimed = r.rowCount ?? 0;
      await db.query('ROLLBACK');
    });

    console.log(`\nfigures (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores)`);
    console.log(`  sweeper due query, server execution:     ${summary(server)}`);
    console.log(`  sweeper due query, one page of ${PAGE}:      ${summary(page)}`);
    console.log(`  sweeper, all ${DUE} due (pages of ${PAGE}):   ${summary(all)}`);
    console.log(`  scheduler claim, next hour (${claimed} rows):  ${summary(claim)}`);
    console.log(`  plan: ${indexOnly ? 'Index Only Scan on ix_ticket_clocks_next_fire' : 'NOT index-only'}, heap fetches ${heapFetches ?? '?'}`);
    const p99 = (ms: number[]): number => percentile([...ms].sort((a, b) => a - b), 99);
    const verdict = (ms: number[]): string => (p99(ms) < 50 ? 'met' : 'NOT met');
    console.log(
      `  target < 50 ms per sweep, index-only: index-only ${indexOnly && heapFetches === '0' ? 'met' : 'NOT met'}; ` +
        `server p99 ${verdict(server)}; round trip (all due) p99 ${verdict(all)}` +
        (os.loadavg()[0] > os.cpus().length ? ' — the machine was busy (load above its cores): round-trip tails include waiting for a CPU' : ''),
    );
  } finally {
    await db.end();
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(URL_);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
