/**
 * The report's SQL (docs/reports.md "How the figures are computed"): the counts of
 * `@hub/rules/reports` `countsOf`, per group, from `report_facts` and `ticket_clocks` at `asOf`.
 * Every statement reads one period's range of an index; nothing here writes.
 */
import { emptyCounts, type Counts } from '@hub/rules/reports';
import { Queryable, queryRows } from '../outbox/outbox-message';

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
const FACT_KEY: Record<GroupBy, string> = { none: 'NULL::text', unit: 'f.unit_code', district: 'f.district', source: 'f.source', category: 'f.category' };
const CLOCK_KEY: Record<GroupBy, string> = { none: 'NULL::text', unit: 'c.unit_code', district: 'left(t.region_code, 6)', source: 't.source', category: 't.category_code' };

/**
 * The deadline of a clock as it stood at $3: an extension approved after it had not moved it yet.
 * Only clocks whose days differ from their base days were ever extended (docs/clock.md).
 */
const EFFECTIVE_DUE = `CASE WHEN c.days IS DISTINCT FROM c.base_days THEN COALESCE(
    (SELECT ((e.previous_due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') FROM extension_requests e
      WHERE e.clock_id = c.id AND e.status = 'approved' AND e.decided_at > $3 ORDER BY e.decided_at LIMIT 1), c.due) ELSE c.due END`;

/** Clocks that may end in the period at $3: by their deadline now, or by one an extension after $3 moved. */
function clockCandidates(groupBy: GroupBy, unitFilter: string): string {
  const join = groupBy === 'none' || groupBy === 'unit' ? '' : 'JOIN tickets t ON t.id = c.ticket_id';
  const cols = `c.id, c.ticket_id, c.type, c.unit_code, c.started_at, c.met_at, c.stopped_at, ${CLOCK_KEY[groupBy]} AS k, ${EFFECTIVE_DUE} AS due`;
  return `
    SELECT ${cols} FROM ticket_clocks c ${join}
     WHERE c.type IN ('contact', 'resolve') AND c.due > $1 AND c.due <= $2 AND c.started_at <= $3 ${unitFilter}
    UNION ALL
    SELECT ${cols} FROM ticket_clocks c ${join}
     WHERE c.id IN (SELECT clock_id FROM extension_requests WHERE status = 'approved' AND decided_at > $3 AND clock_id IS NOT NULL)
       AND NOT (c.due > $1 AND c.due <= $2) AND c.started_at <= $3 ${unitFilter}`;
}

/** The outcome of `clockOutcome` in SQL, on a row with `due` (effective), at $3. */
const MET = `COALESCE(met_at <= $3, false)`;
const STOPPED = `COALESCE(stopped_at <= $3, false)`;
export const CLOCK_OUTCOME_SQL = {
  onTime: `${MET} AND met_at < due`,
  late: `((${MET} AND met_at >= due) OR (NOT ${MET} AND ${STOPPED} AND stopped_at >= due) OR (NOT ${MET} AND NOT ${STOPPED} AND due <= $3))`,
  pending: `(NOT ${MET} AND NOT ${STOPPED} AND due > $3)`,
} as const;

/** A dissatisfied callback later found 不属实 by an upheld appeal (by $3) is not counted. */
const CALLBACK_COUNTED = `(f.fact = 'callback' AND NOT (f.score <= 2 AND up.at IS NOT NULL AND up.at > f.at))`;

function factsSql(q: CountQuery): string {
  const unitFilter = q.unit ? 'AND f.unit_code = $4' : '';
  const from = q.unit ? 'report_facts f' : 'report_facts f';
  return `
    WITH f AS (
      SELECT f.ticket_id, f.fact, f.at, f.source, f.score, f.resolved, ${FACT_KEY[q.groupBy]} AS k
        FROM ${from}
       WHERE f.received_at >= $1 AND f.received_at < $2 AND f.at <= $3 ${unitFilter}
    ), up AS (
      SELECT ticket_id, max(at) AS at FROM f WHERE fact = 'appeal.upheld' GROUP BY ticket_id
    )
    SELECT f.k,
      count(*) FILTER (WHERE f.fact = 'received' AND f.source = 'hotline')::int AS r_hotline,
      count(*) FILTER (WHERE f.fact = 'received' AND f.source = 'ywtb')::int AS r_ywtb,
      count(*) FILTER (WHERE f.fact = 'received' AND f.source = 'national')::int AS r_national,
      count(*) FILTER (WHERE f.fact = 'received' AND f.source = 'open311')::int AS r_open311,
      count(*) FILTER (WHERE f.fact = 'not_accepted')::int AS not_accepted,
      count(*) FILTER (WHERE f.fact = 'merged')::int AS merged,
      count(*) FILTER (WHERE f.fact = 'archived')::int AS archived,
      count(*) FILTER (WHERE f.fact = 'dispatched')::int AS dispatched,
      count(*) FILTER (WHERE f.fact = 'disputed')::int AS disputed,
      count(*) FILTER (WHERE f.fact = 'objection.filed')::int AS obj_filed,
      count(*) FILTER (WHERE f.fact = 'objection.accepted')::int AS obj_accepted,
      count(*) FILTER (WHERE f.fact = 'objection.refused')::int AS obj_refused,
      count(*) FILTER (WHERE f.fact = 'extension.requested')::int AS ext_requested,
      count(*) FILTER (WHERE f.fact = 'extension.approved')::int AS ext_approved,
      count(*) FILTER (WHERE f.fact = 'appeal.filed')::int AS app_filed,
      count(*) FILTER (WHERE f.fact = 'appeal.upheld')::int AS app_upheld,
      count(*) FILTER (WHERE f.fact = 'reopened')::int AS reopened,
      count(*) FILTER (WHERE f.fact = 'terminated')::int AS terminated,
      count(*) FILTER (WHERE f.fact = 'supervised')::int AS supervised,
      count(*) FILTER (WHERE ${CALLBACK_COUNTED} AND f.score >= 4)::int AS cb_satisfied,
      count(*) FILTER (WHERE ${CALLBACK_COUNTED} AND f.score = 3)::int AS cb_basic,
      count(*) FILTER (WHERE ${CALLBACK_COUNTED} AND f.score <= 2)::int AS cb_dissatisfied,
      count(*) FILTER (WHERE ${CALLBACK_COUNTED} AND COALESCE(f.resolved, f.score >= 4))::int AS cb_solved
    FROM f LEFT JOIN up ON up.ticket_id = f.ticket_id
    GROUP BY f.k`;
}

function clocksSql(q: CountQuery): string {
  const unitFilter = q.unit ? 'AND c.unit_code = $4' : '';
  return `
    WITH c AS (${clockCandidates(q.groupBy, unitFilter)})
    SELECT k,
      count(*) FILTER (WHERE type = 'contact' AND ${CLOCK_OUTCOME_SQL.onTime})::int AS contact_on_time,
      count(*) FILTER (WHERE type = 'contact' AND ${CLOCK_OUTCOME_SQL.late})::int AS contact_late,
      count(*) FILTER (WHERE type = 'contact' AND ${CLOCK_OUTCOME_SQL.pending})::int AS contact_pending,
      count(*) FILTER (WHERE type = 'resolve' AND ${CLOCK_OUTCOME_SQL.onTime})::int AS resolve_on_time,
      count(*) FILTER (WHERE type = 'resolve' AND ${CLOCK_OUTCOME_SQL.late})::int AS resolve_late,
      count(*) FILTER (WHERE type = 'resolve' AND ${CLOCK_OUTCOME_SQL.pending})::int AS resolve_pending
    FROM c WHERE due > $1 AND due <= $2
    GROUP BY k`;
}

type FactRow = { k: string | null } & Record<string, number>;

/** Counts per group key (null: the office's facts, or no such attribute), keys in code order. */
export async function reportCounts(db: Queryable, q: CountQuery): Promise<Map<string | null, Counts>> {
  const params: unknown[] = [q.fromInstant, q.toInstant, q.asOf];
  if (q.unit) params.push(q.unit);
  const [facts, clocks] = await Promise.all([queryRows<FactRow>(db, factsSql(q), params), queryRows<FactRow>(db, clocksSql(q), params)]);
  const out = new Map<string | null, Counts>();
  const get = (k: string | null): Counts => {
    let c = out.get(k);
    if (!c) out.set(k, (c = emptyCounts()));
    return c;
  };
  for (const r of facts) {
    const c = get(r.k);
    c.received = { hotline: r.r_hotline!, ywtb: r.r_ywtb!, national: r.r_national!, open311: r.r_open311! };
    c.notAccepted = r.not_accepted!;
    c.merged = r.merged!;
    c.archived = r.archived!;
    c.dispatched = r.dispatched!;
    c.disputed = r.disputed!;
    c.objectionsFiled = r.obj_filed!;
    c.objectionsAccepted = r.obj_accepted!;
    c.objectionsRefused = r.obj_refused!;
    c.extensionsRequested = r.ext_requested!;
    c.extensionsApproved = r.ext_approved!;
    c.appealsFiled = r.app_filed!;
    c.appealsUpheld = r.app_upheld!;
    c.reopened = r.reopened!;
    c.terminated = r.terminated!;
    c.supervised = r.supervised!;
    c.callbacks = { satisfied: r.cb_satisfied!, basicallySatisfied: r.cb_basic!, dissatisfied: r.cb_dissatisfied!, solved: r.cb_solved! };
  }
  for (const r of clocks) {
    const c = get(r.k);
    c.contact = { onTime: r.contact_on_time!, late: r.contact_late!, pending: r.contact_pending! };
    c.resolve = { onTime: r.resolve_on_time!, late: r.resolve_late!, pending: r.resolve_pending! };
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0)));
}
