/**
 * The reports' rollup (docs/reports.md "How the figures stay exact and fast"): per month (of receipt
 * for facts, of deadline for clocks) × group, the counts of everything final before a watermark W,
 * materialised by the reports job. A report at an asOf ≥ W over whole months reads those rows and
 * adds what came after W; an earlier asOf, and the days of a period outside whole months, read the
 * facts (report.repository.ts). The two give the same counts (test/integration/reports-rollup.test.ts).
 */
import { emptyCounts, type Counts } from '@hub/rules/reports';
import { queryRows, type Queryable } from '../db';
import { CLOCK_OUTCOME_SQL, FACT_KEY, addRows, clocksSql, reportCounts, sortedGroups, type ClockCountRow, type CountQuery, type FactCountRow, type GroupBy } from './report.repository';

const TZ = `'Asia/Shanghai'`;
const DIMS = ['unit', 'district', 'source', 'category'] as const;
/** A fact's columns in the rollup: the receipt's source, the callback's class, whether it was solved. */
const D = `CASE WHEN f.fact = 'received' THEN f.source WHEN f.fact = 'callback' THEN CASE WHEN f.score >= 4 THEN 's' WHEN f.score = 3 THEN 'b' ELSE 'd' END END`;
const Y = `CASE WHEN f.fact = 'callback' THEN COALESCE(f.resolved, f.score >= 4) END`;

/**
 * What the facts with `at` in [$a, $b] (or [$a, $b) when `open`) add to the counts: each fact once,
 * an unmerge as a fact of its own (taken off merged), and −1 for every dissatisfied callback whose
 * first later upheld appeal (不属实) falls in the window — so a callback counts from its moment until
 * an appeal against it is upheld, which is what `countsOf` says for any asOf.
 */
function windowSql(cols: string, ncols: number, a: string, b: string, open: boolean, receipt: string, unit: string): string {
  const lt = open ? '<' : '<=';
  const groups = Array.from({ length: ncols }, (_, i) => i + 1).join(', ');
  return `
    SELECT ${cols}, f.fact, ${D} AS d, ${Y} AS y, count(*)::int AS n FROM report_facts f
     WHERE f.at >= ${a} AND f.at ${lt} ${b} ${receipt} ${unit}
     GROUP BY ${groups}, f.fact, d, y
    UNION ALL
    SELECT ${cols}, f.fact, 'd', ${Y} AS y, -count(*)::int FROM report_facts f
     WHERE f.id IN (
       SELECT c.id FROM report_facts u JOIN report_facts c ON c.ticket_id = u.ticket_id AND c.fact = 'callback' AND c.score <= 2 AND c.at < u.at
        WHERE u.fact = 'appeal.upheld' AND u.at >= ${a} AND u.at ${lt} ${b}
          AND NOT EXISTS (SELECT 1 FROM report_facts u2 WHERE u2.ticket_id = c.ticket_id AND u2.fact = 'appeal.upheld' AND u2.at > c.at AND u2.at < u.at)
     ) ${receipt} ${unit}
     GROUP BY ${groups}, f.fact, y`;
}

/**
 * The latest watermark a refresh may take now: no transaction that could still commit a fact
 * before it is running. A fact's `at` is its transaction's start (`now()`), so every fact with
 * `at` < the oldest running transaction's start is committed — read before the refresh's snapshot,
 * it is in it. Rounded down to a day in Asia/Shanghai (or `upTo` when earlier: tests).
 */
export async function rollupSafeWatermark(db: Queryable, upTo?: Date): Promise<Date> {
  const rows = await queryRows<{ w: Date }>(
    db,
    `SELECT CASE WHEN $1::timestamptz IS NOT NULL THEN least($1::timestamptz, m) ELSE date_trunc('day', m AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ} END AS w
       FROM (SELECT least(now(), min(xact_start)) AS m FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL) s`,
    [upTo ?? null],
  );
  return rows[0]!.w;
}

export async function rollupWatermark(db: Queryable): Promise<Date | null> {
  const rows = await queryRows<{ watermark: Date }>(db, `SELECT watermark FROM report_rollup_state WHERE id = 1`);
  return rows[0]?.watermark ?? null;
}

export interface RollupRefresh {
  from: Date | null;
  to: Date;
  facts: number;
  clocks: number;
  live: number;
}

/**
 * Moves the watermark to `to` (from `rollupSafeWatermark`, read before this transaction began), in a
 * REPEATABLE READ transaction: adds the facts of [old, new), and the clocks due by `to` that became
 * final before it; clocks due by it and not final (open, or closed at or after it, or moved at or
 * after it) go to `report_rollup_live_clocks`, read live. A final clock never changes again (only
 * open clocks are closed, extended or recomputed), so its outcome at `to` is its outcome at any
 * later asOf. A concurrent refresh fails on the state row (serialization): one at a time.
 */
export async function refreshRollupIn(tx: Queryable, to: Date): Promise<RollupRefresh | null> {
  const state = await queryRows<{ watermark: Date }>(tx, `SELECT watermark FROM report_rollup_state WHERE id = 1 FOR UPDATE`);
  const from = state[0]?.watermark ?? null;
  if (from !== null && from.getTime() >= to.getTime()) return null;
  const a = from ?? new Date(0);
  const month = (col: string): string => `date_trunc('month', ${col} AT TIME ZONE ${TZ})::date`;

  await tx.query(`CREATE TEMP TABLE rollup_f ON COMMIT DROP AS ${windowSql(`${month('f.received_at')} AS month, f.unit_code, f.district, f.source, f.category`, 5, '$1', '$2', true, '', '')}`, [a, to]);
  const keyOfFact: Record<(typeof DIMS)[number], string> = { unit: 'unit_code', district: 'district', source: 'source', category: 'category' };
  let facts = 0;
  for (const dim of DIMS) {
    const r = await queryRows<{ n: number }>(
      tx,
      `WITH ins AS (INSERT INTO report_rollup_facts (month, dim, key, fact, d, y, n)
         SELECT month, '${dim}', ${keyOfFact[dim]}, fact, d, y, sum(n) FROM rollup_f GROUP BY month, ${keyOfFact[dim]}, fact, d, y
         ON CONFLICT ON CONSTRAINT uq_report_rollup_facts DO UPDATE SET n = report_rollup_facts.n + EXCLUDED.n RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
    );
    if (dim === 'unit') facts = r[0]!.n;
  }

  // Candidates: clocks due in (old, new], those left live by the previous refresh and those whose end
  // moved since (an open clock's end can move before the old watermark); none of them is rolled up
  // yet. Clocks born after their end are always read live (ix_ticket_clocks_born_late), never rolled up.
  await tx.query(
    `CREATE TEMP TABLE rollup_c ON COMMIT DROP AS
     SELECT c.id, c.due, c.type, ${month(`(c.due - interval '1 microsecond')`)} AS month, c.unit_code, t.source, left(t.region_code, 6) AS district, t.category_code AS category,
            (c.state IN ('met', 'stopped') AND COALESCE(c.met_at, c.stopped_at) < $2 AND c.started_at < $2
              AND NOT EXISTS (SELECT 1 FROM clock_due_changes h WHERE h.clock_id = c.id AND h.changed_at >= $2)) AS final,
            CASE WHEN ${CLOCK_OUTCOME_SQL.onTime.replaceAll('$3', '$2')} THEN 'onTime' WHEN ${CLOCK_OUTCOME_SQL.late.replaceAll('$3', '$2')} THEN 'late' END AS outcome
       FROM ticket_clocks c JOIN tickets t ON t.id = c.ticket_id
      WHERE c.type IN ('contact', 'resolve') AND c.due <= $2 AND NOT (c.due <= c.created_at)
        AND (c.due > $1 OR c.id IN (SELECT clock_id FROM report_rollup_live_clocks)
             OR c.id IN (SELECT clock_id FROM clock_due_changes WHERE changed_at >= $1))`,
    [a, to],
  );
  const keyOfClock: Record<(typeof DIMS)[number], string> = { unit: 'unit_code', district: 'district', source: 'source', category: 'category' };
  let clocks = 0;
  for (const dim of DIMS) {
    const r = await queryRows<{ n: number }>(
      tx,
      `WITH ins AS (INSERT INTO report_rollup_clocks (month, dim, key, type, outcome, n)
         SELECT month, '${dim}', ${keyOfClock[dim]}, type, outcome, count(*) FROM rollup_c WHERE final AND outcome IS NOT NULL GROUP BY month, ${keyOfClock[dim]}, type, outcome
         ON CONFLICT ON CONSTRAINT uq_report_rollup_clocks DO UPDATE SET n = report_rollup_clocks.n + EXCLUDED.n RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
    );
    if (dim === 'unit') clocks = r[0]!.n;
  }
  await tx.query(`DELETE FROM report_rollup_live_clocks WHERE clock_id IN (SELECT id FROM rollup_c WHERE final)`);
  await tx.query(`INSERT INTO report_rollup_live_clocks (clock_id, due, unit_code) SELECT id, due, unit_code FROM rollup_c WHERE NOT final ON CONFLICT (clock_id) DO UPDATE SET due = EXCLUDED.due`);
  const live = await queryRows<{ n: number }>(tx, `SELECT count(*)::int AS n FROM report_rollup_live_clocks`);
  await tx.query(
    `INSERT INTO report_rollup_state (id, watermark, refreshed_at) VALUES (1, $1, now())
     ON CONFLICT (id) DO UPDATE SET watermark = EXCLUDED.watermark, refreshed_at = EXCLUDED.refreshed_at`,
    [to],
  );
  return { from, to, facts, clocks, live: live[0]!.n };
}

/** The Shanghai first-of-month instants inside [from, to): [first whole month, end of the last one). */
function wholeMonths(from: Date, to: Date): [Date, Date] | null {
  const H8 = 8 * 3_600_000;
  const f = new Date(from.getTime() + H8);
  const t = new Date(to.getTime() + H8);
  const startOf = (y: number, m: number): Date => new Date(Date.UTC(y, m, 1) - H8);
  const m1 = f.getUTCDate() === 1 && f.getUTCHours() === 0 && f.getUTCMinutes() === 0 && f.getUTCSeconds() === 0 && f.getUTCMilliseconds() === 0 ? from : startOf(f.getUTCFullYear(), f.getUTCMonth() + 1);
  const m2 = startOf(t.getUTCFullYear(), t.getUTCMonth());
  return m1.getTime() < m2.getTime() ? [m1, m2] : null;
}

const shanghaiDay = (d: Date): string => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * The counts of docs/reports.md from the rollup when it can answer (asOf at or after its watermark,
 * the whole months of the period), from the facts for the rest; the same numbers either way.
 */
export async function countsWithRollup(db: Queryable, q: CountQuery, watermark: Date | null): Promise<Map<string | null, Counts>> {
  const months = watermark !== null && q.asOf.getTime() >= watermark.getTime() ? wholeMonths(q.fromInstant, q.toInstant) : null;
  if (!months) return reportCounts(db, q);
  const [m1, m2] = months;
  const out = new Map<string | null, Counts>();
  const merge = (m: Map<string | null, Counts>): void => {
    for (const [k, c] of m) {
      if (!out.has(k)) out.set(k, emptyCounts());
      addInto(out.get(k)!, c);
    }
  };
  if (q.fromInstant.getTime() < m1.getTime()) merge(await reportCounts(db, { ...q, toInstant: m1 }));
  if (m2.getTime() < q.toInstant.getTime()) merge(await reportCounts(db, { ...q, fromInstant: m2 }));
  const mq = { ...q, fromInstant: m1, toInstant: m2 };
  const [facts, clocks] = await rollupRows(db, mq, watermark!);
  addRows(out, facts, clocks);
  return sortedGroups(out);
}

function addInto(a: Counts, b: Counts): void {
  for (const s of Object.keys(a.received) as (keyof Counts['received'])[]) a.received[s] += b.received[s];
  for (const k of ['notAccepted', 'merged', 'archived', 'dispatched', 'disputed', 'objectionsFiled', 'objectionsAccepted', 'objectionsRefused', 'extensionsRequested', 'extensionsApproved', 'appealsFiled', 'appealsUpheld', 'reopened', 'terminated', 'supervised'] as const) a[k] += b[k];
  for (const t of ['contact', 'resolve'] as const) for (const o of ['onTime', 'late', 'pending'] as const) a[t][o] += b[t][o];
  for (const k of ['satisfied', 'basicallySatisfied', 'dissatisfied', 'solved'] as const) a.callbacks[k] += b.callbacks[k];
}

/**
 * Clocks due by the watermark read live: those the refresh left live (by the end it saw; a unit's
 * own, $4, by its index) and those moved since.
 */
const liveOrMoved = (unit: boolean): string =>
  `SELECT clock_id FROM report_rollup_live_clocks WHERE due > $1 AND due <= least($2::timestamptz, $5::timestamptz)${unit ? ' AND unit_code = $4' : ''}
   UNION SELECT clock_id FROM clock_due_changes WHERE changed_at >= $5`;

/** The rollup's rows of whole months [$1, $2) plus what came after the watermark ($5), at $3. */
async function rollupRows(db: Queryable, q: CountQuery, watermark: Date): Promise<[FactCountRow[], ClockCountRow[]]> {
  const params: unknown[] = [q.fromInstant, q.toInstant, q.asOf, q.unit ?? null, watermark, shanghaiDay(q.fromInstant), shanghaiDay(q.toInstant)];
  const dim: Exclude<GroupBy, 'none'> = q.groupBy === 'none' ? 'unit' : q.groupBy;
  const rkey = q.groupBy === 'none' ? 'NULL::text' : 'r.key';
  const rollupWhere = `r.dim = '${dim}' AND r.month >= $6::date AND r.month < $7::date AND ${q.unit ? 'r.key = $4' : '$4::text IS NULL'}`;
  const facts = await queryRows<FactCountRow>(
    db,
    `SELECT ${rkey} AS k, r.fact, r.d, r.y, false AS x, sum(r.n)::int AS n FROM report_rollup_facts r WHERE ${rollupWhere} GROUP BY 1, 2, 3, 4
     UNION ALL
     SELECT k, fact, d, y, false AS x, n FROM (${windowSql(`${FACT_KEY[q.groupBy]} AS k`, 1, '$5', '$3', false, 'AND f.received_at >= $1 AND f.received_at < $2', q.unit ? 'AND f.unit_code = $4' : '')}) live`,
    params,
  );
  // Clocks: due after the watermark (an index range); due by it: those the refresh left live, those
  // whose end moved since (an open clock moved before the watermark), and those born late.
  const liveOrMovedIds = liveOrMoved(!!q.unit);
  const live = (cols: string, join: string, where: string): string => `
      SELECT ${cols}, c.due FROM ticket_clocks c ${join} WHERE c.due > greatest($1::timestamptz, $5::timestamptz) AND c.due <= $2 AND ${where}
      UNION ALL
      SELECT ${cols}, c.due FROM ticket_clocks c ${join}
       WHERE c.id IN (${liveOrMovedIds}) AND c.due > $1 AND c.due <= least($2::timestamptz, $5::timestamptz) AND ${where}
      UNION ALL
      SELECT ${cols}, c.due FROM ticket_clocks c ${join}
       WHERE c.due <= c.created_at AND c.type IN ('contact', 'resolve') AND c.due > $1 AND c.due <= least($2::timestamptz, $5::timestamptz) AND ${where}
         AND c.id NOT IN (${liveOrMovedIds})`;
  const clocks = await queryRows<ClockCountRow>(
    db,
    `SELECT ${rkey} AS k, r.type, r.outcome AS o, sum(r.n)::int AS n FROM report_rollup_clocks r WHERE ${rollupWhere} GROUP BY 1, 2, 3
     UNION ALL
     SELECT * FROM (${clocksSql(q, live)}) l`,
    params,
  );
  return [facts, clocks];
}
