/**
 * Reports at scale (docs/reports.md "How the figures stay exact and fast"): tickets, their clocks
 * and their report facts generated in PostgreSQL with generate_series (two years, 2025–2026, over
 * the Shanghai directory's units), grown step by step; at each size the report questions are timed
 * through ReportService, the code the API runs.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/reports.bench.ts
 *
 * Env: BENCH_SIZES (cumulative ticket counts, default 250000,500000,1000000,2000000,5000000),
 * BENCH_BUDGET_S (stop growing once generating took this long, default 1500), BENCH_REPEAT (runs per
 * question, the median is reported, default 5), BENCH_DB (hub_bench_reports).
 *
 * The facts are inserted set-based, as the triggers write them (one per counted event, the ticket's
 * receipt, dispatch, callback …), rather than by replaying millions of events through the triggers:
 * the bench measures reading. Targets (issue 16): the assessment year by unit < 2 s, a month
 * < 300 ms, a unit's own < 100 ms, drill-down pages < 100 ms.
 */
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { Client } from 'pg';
import { createDataSource, importDirectory, migrate } from '@hub/store';
import { parsePeriod } from '@hub/rules/reports';
import { ReportService } from '@hub/workflow/reports';

const SIZES = (process.env.BENCH_SIZES ?? '250000,500000,1000000,2000000,5000000').split(',').map(Number);
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 1500);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const DB_NAME = process.env.BENCH_DB ?? 'hub_bench_reports';
/** keep: reuse the database (resume generating after its last ticket), so 5 M tickets are generated once over several runs */
const KEEP = process.env.BENCH_KEEP === '1';
/** generate: only grow the data to the largest size; rebuild: the indexes dropped while generating; time: only time (the data as it is) */
const ONLY = process.env.BENCH_ONLY ?? '';
const DB = `postgres://postgres@127.0.0.1:5432/${DB_NAME}`;
const BATCH = 250_000;
const SPAN_S = 730 * 86_400;

/** One batch of tickets [lo, hi]: rows of tickets, clocks and facts, in three statements. */
async function generate(db: Client, lo: number, hi: number, units: string[]): Promise<void> {
  // one transaction: a run stopped halfway leaves no tickets without their clocks and facts
  await db.query('BEGIN');
  await generateIn(db, lo, hi, units);
  await db.query('COMMIT');
}

async function generateIn(db: Client, lo: number, hi: number, units: string[]): Promise<void> {
  const base = `SELECT g, u.codes[1 + (g * 7) % array_length(u.codes, 1)] AS unit,
      timestamptz '2025-01-01 00:00:00+08' + ((g::bigint * 2654435761) % ${SPAN_S}) * interval '1 second' AS rec
    FROM generate_series(${lo}, ${hi}) g, (SELECT $1::text[] AS codes) u`;
  await db.query(
    `INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, title, content, citizen, received_at, created_at, raw_payload, state, unit_code, region_code, category_code)
     SELECT md5('t' || g)::uuid, CASE WHEN g % 10 < 7 THEN 'hotline' WHEN g % 10 < 9 THEN 'ywtb' ELSE 'national' END,
            CASE WHEN g % 10 < 7 THEN 'order' WHEN g % 10 < 9 THEN 'suggestion' ELSE 'transfer' END,
            'b' || g, md5(g::text), 'complaint', 'phone', 't', 'c', '{}', rec, rec, '{}', 'closed', unit, left(unit, 6), '0101'
       FROM (${base}) s`,
    [units],
  );
  // contact: 1 WD (ends at 00:00 two days after receipt), late for 1 in 7; resolve: 5 WD, late for 1 in 11, open for 1 in 50
  await db.query(
    `INSERT INTO ticket_clocks (ticket_id, type, policy_id, state, unit_code, started_at, days, base_days, due, due_date, warn_at, met_at, created_at)
     SELECT md5('t' || g)::uuid, 'contact', 'shanghai', 'met', unit, rec + interval '10 minutes', 1, 1,
            date_trunc('day', rec AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' + interval '2 days',
            (rec AT TIME ZONE 'Asia/Shanghai')::date + 1, rec, rec + CASE WHEN g % 7 = 0 THEN interval '3 days' ELSE interval '4 hours' END, rec + interval '10 minutes'
       FROM (${base}) s WHERE g % 100 >= 3
     UNION ALL
     SELECT md5('t' || g)::uuid, 'resolve', 'shanghai', CASE WHEN g % 50 = 0 THEN 'running' ELSE 'met' END, unit, rec + interval '10 minutes', 5, 5,
            date_trunc('day', rec AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' + interval '8 days',
            (rec AT TIME ZONE 'Asia/Shanghai')::date + 7, rec,
            CASE WHEN g % 50 = 0 THEN NULL WHEN g % 11 = 0 THEN rec + interval '10 days' ELSE rec + interval '5 days' END, rec + interval '10 minutes'
       FROM (${base}) s WHERE g % 100 >= 3`,
    [units],
  );
  // facts: receipt; 2% not accepted, 1% merged; 97% dispatched; callbacks for 90%; a few supervised,
  // reopened, objections, extensions, appeals
  await db.query(
    `INSERT INTO report_facts (ticket_id, fact, at, received_at, source, district, category, unit_code, score, resolved)
     SELECT id, f.fact, s.rec + f.after, s.rec, s.source, left(s.unit, 6), '0101', CASE WHEN f.office THEN NULL ELSE s.unit END, f.score, f.resolved
       FROM (SELECT g, md5('t' || g)::uuid AS id, unit, rec, CASE WHEN g % 10 < 7 THEN 'hotline' WHEN g % 10 < 9 THEN 'ywtb' ELSE 'national' END AS source FROM (${base}) b) s
       CROSS JOIN LATERAL (VALUES
         ('received', interval '0', true, NULL::smallint, NULL::boolean, true),
         ('not_accepted', interval '5 minutes', true, NULL, NULL, s.g % 100 < 2),
         ('merged', interval '5 minutes', false, NULL, NULL, s.g % 100 = 2),
         ('dispatched', interval '10 minutes', false, NULL, NULL, s.g % 100 >= 3),
         ('callback', interval '6 days', false, (ARRAY[5, 5, 5, 5, 5, 4, 4, 3, 2, 1])[1 + s.g % 10]::smallint, CASE WHEN s.g % 3 = 0 THEN NULL ELSE s.g % 4 <> 0 END, s.g % 100 >= 3 AND s.g % 10 <> 9),
         ('supervised', interval '9 days', false, NULL, NULL, s.g % 100 >= 3 AND s.g % 33 = 0),
         ('reopened', interval '7 days', false, NULL, NULL, s.g % 100 >= 3 AND s.g % 47 = 0),
         ('objection.filed', interval '1 hour', false, NULL, NULL, s.g % 100 >= 3 AND s.g % 97 = 0),
         ('extension.requested', interval '2 days', false, NULL, NULL, s.g % 100 >= 3 AND s.g % 89 = 0),
         ('appeal.filed', interval '7 days', false, NULL, NULL, s.g % 100 >= 3 AND s.g % 10 = 8 AND s.g % 7 = 0)
       ) AS f(fact, after, office, score, resolved, present)
      WHERE f.present`,
    [units],
  );
}

const uptime = (): string => execSync('uptime').toString().trim();

async function timed(fn: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, max: ms[ms.length - 1]! };
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB_NAME])).rowCount === 1;
  if (!KEEP || !exists) await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.end();
  const fresh = !KEEP || !exists;
  await migrate(DB);
  const ds = createDataSource({ url: DB, poolSize: 2 });
  await ds.initialize();
  const doc = JSON.parse(readFileSync('data/shanghai-directory.json', 'utf8')) as { units: { code: string; kind?: string }[] };
  if (fresh) {
    const imp = await importDirectory(ds, doc, 'bench', true);
    if (!imp.ok) throw new Error('directory import failed');
  }
  const units = doc.units.filter((u) => u.kind !== 'office').map((u) => u.code);
  const db = new Client({ connectionString: DB });
  await db.connect();
  // Clocks generated before created_at was set looked born after their end (never rolled up): fix once.
  if (!fresh) await db.query(`UPDATE ticket_clocks SET created_at = started_at WHERE created_at > due`);
  // Generating: the secondary indexes are dropped (kept in bench_dropped_indexes) and built again once
  // the size is reached — inserting millions of rows in receipt order into a dozen random-order
  // indexes is what made generating take hours on a loaded machine.
  await db.query(`CREATE TABLE IF NOT EXISTS bench_dropped_indexes (name text PRIMARY KEY, def text NOT NULL)`);
  if (ONLY === 'generate') {
    const defs = (await db.query(
      `SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename IN ('tickets', 'ticket_clocks', 'report_facts')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    )).rows as { indexname: string; indexdef: string }[];
    for (const d of defs) {
      await db.query(`INSERT INTO bench_dropped_indexes (name, def) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [d.indexname, d.indexdef]);
      await db.query(`DROP INDEX ${d.indexname}`);
    }
  }
  const rebuild = async (): Promise<void> => {
    // the tickets' own indexes (state, merge keys, citizens …) serve intake and lists, not reports: left out
    for (const r of (await db.query(`SELECT name, def FROM bench_dropped_indexes WHERE name NOT LIKE 'ix_tickets_%' ORDER BY name`)).rows as { name: string; def: string }[]) {
      const t = performance.now();
      await db.query(r.def);
      await db.query(`DELETE FROM bench_dropped_indexes WHERE name = $1`, [r.name]);
      console.log(`${new Date().toISOString()} rebuilt ${r.name} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
  };
  if (ONLY === 'time' || ONLY === 'rebuild') await rebuild();
  if (ONLY === 'rebuild') {
    await db.query('VACUUM ANALYZE tickets, ticket_clocks, report_facts');
    console.log(`${new Date().toISOString()} indexes rebuilt, vacuumed; uptime: ${uptime()}`);
    await db.end();
    await ds.destroy();
    return;
  }
  // Bulk load: the receipt fact is inserted with the others, set-based (the trigger would write it row by row).
  await db.query('ALTER TABLE tickets DISABLE TRIGGER trg_tickets_report_fact');

  const reports = new ReportService(ds, () => new Date('2026-12-06T12:00:00+08:00'));
  const period = (p: string) => {
    const r = parsePeriod(p);
    if (!r.ok) throw new Error(p);
    return r.value;
  };
  // After the rollup's watermark (the day's start): the rollup answers (BENCH_ASOF to choose another).
  const asOf = new Date(process.env.BENCH_ASOF ?? Math.ceil(Date.now() / 1000) * 1000);
  /** also time each summary from the facts alone (the hub before the rollup) and compare the answers */
  const FACTS = process.env.BENCH_FACTS !== '0';
  const unit = units[3]!;
  // Tickets are numbered g = 1..n (their id is md5('t' || g)); a kept database resumes after its count.
  let done = fresh ? 0 : Number((await db.query(`SELECT count(*)::int AS n FROM tickets`)).rows[0].n);
  let genS = 0;
  console.log(`${new Date().toISOString()} ${DB_NAME}: ${done} tickets at start; uptime: ${uptime()}`);
  const lines: string[] = [];
  for (const size of ONLY === 'time' ? [done] : ONLY === 'generate' ? [Math.max(...SIZES)] : SIZES) {
    if (size < done && ONLY !== 'time') continue;
    if (genS > BUDGET_S) {
      lines.push(`stopped before ${size}: generation had taken ${genS.toFixed(0)} s (budget ${BUDGET_S} s)`);
      break;
    }
    const t0 = performance.now();
    while (done < size) {
      const hi = Math.min(size, done + BATCH);
      await generate(db, done + 1, hi, units);
      done = hi;
      console.log(`${new Date().toISOString()} generated ${done}`);
      if ((performance.now() - t0) / 1000 > BUDGET_S) break;
    }
    if (done < size) {
      lines.push(`stopped at ${done} of ${size}: generation had taken over ${BUDGET_S} s (resume with BENCH_KEEP=1)`);
      break;
    }
    genS += (performance.now() - t0) / 1000;
    if (ONLY === 'generate') {
      lines.push(`generated ${done} tickets in ${genS.toFixed(0)} s`);
      break;
    }
    await rebuild();
    await db.query('VACUUM ANALYZE tickets, ticket_clocks, report_facts');
    const counts = (await db.query(`SELECT (SELECT count(*) FROM report_facts)::int AS facts, (SELECT count(*) FROM ticket_clocks)::int AS clocks`)).rows[0] as { facts: number; clocks: number };
    const q = {
      'A2026 by unit': () => reports.summary({ period: period('A2026'), asOf, groupBy: 'unit' }),
      'A2026 total': () => reports.summary({ period: period('A2026'), asOf, groupBy: 'none' }),
      'month 2026-03 by unit': () => reports.summary({ period: period('2026-03'), asOf, groupBy: 'unit' }),
      "a unit's own, month": () => reports.summary({ period: period('2026-03'), asOf, groupBy: 'none', unit }),
      "a unit's own, A2026": () => reports.summary({ period: period('A2026'), asOf, groupBy: 'none', unit }),
      'drill resolve.late A2026, page 1': () => reports.drill({ question: { period: period('A2026'), asOf, groupBy: 'none' }, figure: 'resolve.late', limit: 50 }),
      'drill callbacks.dissatisfied A2026, page 1': () => reports.drill({ question: { period: period('A2026'), asOf, groupBy: 'none' }, figure: 'callbacks.dissatisfied', limit: 50 }),
      "drill a unit's dispatched, month": () => reports.drill({ question: { period: period('2026-03'), asOf, groupBy: 'none' }, figure: 'dispatched', unit, limit: 50 }),
      "drill a unit's resolve.late, A2026": () => reports.drill({ question: { period: period('A2026'), asOf, groupBy: 'none' }, figure: 'resolve.late', unit, limit: 50 }),
    };
    const t1 = performance.now();
    const rolled = await reports.refreshRollup();
    const live = (await db.query(`SELECT (SELECT count(*) FROM report_rollup_facts)::int AS f, (SELECT count(*) FROM report_rollup_clocks)::int AS c`)).rows[0] as { f: number; c: number };
    lines.push(`\nrollup refresh: ${(performance.now() - t1).toFixed(0)} ms, watermark ${rolled?.to.toISOString() ?? '(unchanged)'}; rollup rows: ${live.f} facts, ${live.c} clocks; clocks left live: ${rolled?.live ?? '?'}; asOf ${asOf.toISOString()}`);
    lines.push(`\nuptime before: ${uptime()}`);
    lines.push(`\n${size.toLocaleString('en')} tickets (${counts.facts.toLocaleString('en')} facts, ${counts.clocks.toLocaleString('en')} clocks), generated in ${genS.toFixed(0)} s so far`);
    for (const [name, fn] of Object.entries(q)) {
      reports.useRollup = true;
      const r = await timed(fn);
      let facts = '';
      if (FACTS && !name.startsWith('drill')) {
        reports.useRollup = false;
        const t = performance.now();
        const reference = await fn();
        facts = `   from the facts ${(performance.now() - t).toFixed(0).padStart(6)} ms`;
        reports.useRollup = true;
        if (JSON.stringify(reference) !== JSON.stringify(await fn())) throw new Error(`${name}: the rollup and the facts disagree`);
        facts += ' (same answer)';
      }
      lines.push(`  ${name.padEnd(44)} median ${r.median.toFixed(0).padStart(6)} ms   max ${r.max.toFixed(0).padStart(6)} ms${facts}`);
    }
    // A deep page: the 20th of resolve.late (keyset: the same cost as the first)
    let after: [string, string] | null = null;
    for (let i = 0; i < 19; i++) {
      const rows = await reports.drill({ question: { period: period('A2026'), asOf, groupBy: 'none' }, figure: 'resolve.late', limit: 50, after });
      after = rows[rows.length - 1]?.pos ?? null;
    }
    const deep = await timed(() => reports.drill({ question: { period: period('A2026'), asOf, groupBy: 'none' }, figure: 'resolve.late', limit: 50, after }));
    lines.push(`  ${'drill resolve.late A2026, page 20'.padEnd(44)} median ${deep.median.toFixed(0).padStart(6)} ms   max ${deep.max.toFixed(0).padStart(6)} ms`);
    lines.push(`uptime after: ${uptime()}`);
    console.log(lines.slice(-16).join('\n'));
  }
  console.log('\nreports bench (issue 16 targets: A2026 by unit < 2 s, month < 300 ms, unit < 100 ms, drill page < 100 ms)');
  console.log(lines.join('\n'));
  await db.end();
  await ds.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
