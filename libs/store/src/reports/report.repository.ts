/**
 * The report's SQL (docs/reports.md "How the figures are computed"): the counts of
 * `@hub/rules/reports` `countsOf`, per group, from `report_facts` and `ticket_clocks` at `asOf`.
 * Every statement reads one period's range of an index; nothing here writes.
 */
import { emptyCounts, type Counts } from '@hub/rules/reports';
import { queryRows, type Queryable } from '../db';

export type GroupBy = 'none' | 'unit' | 'district' | 'source' | 'category';

export interface CountQuery {
  fromInstant: Date;
  toInstant: Date;
  asOf: Date;
  groupBy: GroupBy;
  /** only this lead unit's facts and clocks (a unit's own report) */
  unit?: string | null;
}

/** The group key of a fact row (f) and of a clock row joined to its ticket (t); a whitelist, never input. */
export const FACT_KEY: Record<GroupBy, string> = { none: 'NULL::text', unit: 'f.unit_code', district: 'f.district', source: 'f.source', category: 'f.category' };
export const CLOCK_KEY: Record<GroupBy, string> = { none: 'NULL::text', unit: 'c.unit_code', district: 'left(t.region_code, 6)', source: 't.source', category: 't.category_code' };

/**
 * The deadline of a clock as it stood at $3: a move decided after it (an extension approved, a
 * provisional year replaced; `clock_due_changes`) had not happened yet.
 */
export const EFFECTIVE_DUE = `COALESCE((SELECT h.previous_due FROM clock_due_changes h
    WHERE h.clock_id = c.id AND h.changed_at > $3 ORDER BY h.changed_at, h.id LIMIT 1), c.due)`;

/** Clocks whose deadline moved after $3 (few: none for a report about now). */
export const MOVED_AFTER_ASOF = `SELECT DISTINCT clock_id FROM clock_due_changes WHERE changed_at > $3`;

/** The outcome of `clockOutcome` in SQL, on a row with `due` (effective), at $3. */
const MET = `COALESCE(met_at <= $3, false)`;
const STOPPED = `COALESCE(stopped_at <= $3, false)`;
export const CLOCK_OUTCOME_SQL = {
  onTime: `${MET} AND met_at < due`,
  late: `((${MET} AND met_at >= due) OR (NOT ${MET} AND ${STOPPED} AND stopped_at >= due) OR (NOT ${MET} AND NOT ${STOPPED} AND due <= $3))`,
  pending: `(NOT ${MET} AND NOT ${STOPPED} AND due > $3)`,
} as const;

/** Settings of a report's transaction: no JIT (its compile time dwarfs these statements), room to aggregate. */
export async function setReportSession(db: Queryable): Promise<void> {
  await db.query(`SET LOCAL jit = off`);
  await db.query(`SET LOCAL work_mem = '32MB'`);
}

/**
 * One row per (group, fact, detail) with its count: a few hash-aggregate keys per row instead of a
 * FILTER per figure (several times faster on a year of facts); `countsOf` is assembled in code.
 * `d`: the source of a receipt; for a callback its class (s/b/d), `y` solved, `x` not counted
 * (dissatisfied, then an upheld appeal by $3: 不属实).
 */
export function factsSql(q: CountQuery): string {
  const unitFilter = q.unit ? 'AND f.unit_code = $4' : '';
  // The upheld appeals of the period are few (a partial index): joined by hash, the period's facts
  // read once. Any unit's upheld appeal on the ticket counts, as in the groups (the unit's own = its group).
  return `
    WITH up AS (
      SELECT ticket_id, max(at) AS at FROM report_facts
       WHERE fact = 'appeal.upheld' AND received_at >= $1 AND received_at < $2 AND at <= $3
       GROUP BY ticket_id
    )
    SELECT ${FACT_KEY[q.groupBy]} AS k, f.fact,
      CASE WHEN f.fact = 'received' THEN f.source
           WHEN f.fact = 'callback' THEN CASE WHEN f.score >= 4 THEN 's' WHEN f.score = 3 THEN 'b' ELSE 'd' END END AS d,
      CASE WHEN f.fact = 'callback' THEN COALESCE(f.resolved, f.score >= 4) END AS y,
      (f.fact = 'callback' AND f.score <= 2 AND up.at IS NOT NULL AND up.at > f.at) AS x,
      count(*)::int AS n
    FROM report_facts f LEFT JOIN up ON up.ticket_id = f.ticket_id
    WHERE f.received_at >= $1 AND f.received_at < $2 AND f.at <= $3 ${unitFilter}
    GROUP BY 1, 2, 3, 4, 5`;
}

/**
 * One row per (group, clock type, outcome at $3) with its count. Clocks whose deadline moved after
 * $3 (few: none for a report about now) are counted apart at the deadline they had then; every
 * other clock at its deadline as stored: by default one range of ix_ticket_clocks_report (or of
 * ix_ticket_clocks_unit_report for a unit); `candidates` replaces that range (the rollup's live part).
 */
export function clocksSql(q: CountQuery, candidates?: (cols: string, join: string, where: string) => string): string {
  const unitFilter = q.unit ? 'AND c.unit_code = $4' : '';
  const join = q.groupBy === 'none' || q.groupBy === 'unit' ? '' : 'JOIN tickets t ON t.id = c.ticket_id';
  const outcome = `CASE WHEN ${CLOCK_OUTCOME_SQL.onTime} THEN 'onTime' WHEN ${CLOCK_OUTCOME_SQL.late} THEN 'late' WHEN ${CLOCK_OUTCOME_SQL.pending} THEN 'pending' END`;
  const cols = `${CLOCK_KEY[q.groupBy]} AS k, c.type, c.met_at, c.stopped_at`;
  const where = `c.type IN ('contact', 'resolve') AND c.started_at <= $3 ${unitFilter} AND NOT EXISTS (SELECT 1 FROM moved WHERE moved.clock_id = c.id)`;
  const plain = candidates ? candidates(cols, join, where) : `SELECT ${cols}, c.due FROM ticket_clocks c ${join} WHERE c.due > $1 AND c.due <= $2 AND ${where}`;
  return `
    WITH moved AS (${MOVED_AFTER_ASOF}), plain AS (${plain}), shifted AS (
      SELECT * FROM (
        SELECT ${cols}, ${EFFECTIVE_DUE} AS due FROM ticket_clocks c ${join}
         WHERE c.id IN (SELECT clock_id FROM moved) AND c.type IN ('contact', 'resolve') AND c.started_at <= $3 ${unitFilter}
      ) m WHERE due > $1 AND due <= $2
    )
    SELECT k, type, ${outcome} AS o, count(*)::int AS n FROM plain GROUP BY 1, 2, 3
    UNION ALL
    SELECT k, type, ${outcome} AS o, count(*)::int AS n FROM shifted GROUP BY 1, 2, 3`;
}

export type FactCountRow = { k: string | null; fact: string; d: string | null; y: boolean | null; x: boolean; n: number };
export type ClockCountRow = { k: string | null; type: 'contact' | 'resolve'; o: 'onTime' | 'late' | 'pending' | null; n: number };

const SIMPLE: Partial<Record<string, keyof Counts>> = {
  not_accepted: 'notAccepted', merged: 'merged', archived: 'archived', dispatched: 'dispatched', disputed: 'disputed',
  'objection.filed': 'objectionsFiled', 'objection.accepted': 'objectionsAccepted', 'objection.refused': 'objectionsRefused',
  'extension.requested': 'extensionsRequested', 'extension.approved': 'extensionsApproved',
  'appeal.filed': 'appealsFiled', 'appeal.upheld': 'appealsUpheld',
  reopened: 'reopened', terminated: 'terminated', supervised: 'supervised',
};
const CALLBACK_CLASS = { s: 'satisfied', b: 'basicallySatisfied', d: 'dissatisfied' } as const;

/** Counts per group key from the facts and clocks themselves, for any asOf (the rollup's reference). */
export async function reportCounts(db: Queryable, q: CountQuery): Promise<Map<string | null, Counts>> {
  const params: unknown[] = [q.fromInstant, q.toInstant, q.asOf];
  if (q.unit) params.push(q.unit);
  const facts = await queryRows<FactCountRow>(db, factsSql(q), params);
  const clocks = await queryRows<ClockCountRow>(db, clocksSql(q), params);
  return sortedGroups(addRows(new Map(), facts, clocks));
}

/** Adds rows of counts (negative for what an unmerge or an upheld appeal takes back) into `out`. */
export function addRows(out: Map<string | null, Counts>, facts: readonly FactCountRow[], clocks: readonly ClockCountRow[]): Map<string | null, Counts> {
  const get = (k: string | null): Counts => {
    let c = out.get(k);
    if (!c) out.set(k, (c = emptyCounts()));
    return c;
  };
  for (const r of facts) {
    const c = get(r.k);
    if (r.fact === 'received') {
      if (r.d === 'hotline' || r.d === 'ywtb' || r.d === 'national' || r.d === 'open311') c.received[r.d] += r.n;
    } else if (r.fact === 'callback') {
      if (r.x) continue;
      c.callbacks[CALLBACK_CLASS[r.d as 's' | 'b' | 'd']] += r.n;
      if (r.y) c.callbacks.solved += r.n;
    } else if (r.fact === 'unmerged') {
      c.merged -= r.n;
    } else {
      const key = SIMPLE[r.fact];
      if (key) (c[key] as number) += r.n;
    }
  }
  // o null: stopped before its end (not counted), yet the group exists
  for (const r of clocks) {
    const c = get(r.k);
    if (r.o !== null) c[r.type][r.o] += r.n;
  }
  return out;
}

/** Groups sorted by key, null first (the answer's fixed order). */
export function sortedGroups(m: Map<string | null, Counts>): Map<string | null, Counts> {
  return new Map([...m.entries()].sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0)));
}
