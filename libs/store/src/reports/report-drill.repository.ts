/**
 * Drill-down (docs/reports.md "Drill-down"): the tickets behind one number of a report, in pages,
 * read in index order so a page costs the same whatever the size of the period.
 */
import { queryRows, type Queryable } from '../db';
import { CLOCK_OUTCOME_SQL, EFFECTIVE_DUE, MOVED_AFTER_ASOF, type GroupBy } from './report.repository';

/** Figures that can be listed, and what each one lists (every count of docs/contracts.md#report-api). */
const FACT_FIGURES: Record<string, string> = {
  'received.all': `f.fact = 'received'`,
  'received.hotline': `f.fact = 'received' AND f.source = 'hotline'`,
  'received.ywtb': `f.fact = 'received' AND f.source = 'ywtb'`,
  'received.national': `f.fact = 'received' AND f.source = 'national'`,
  'received.open311': `f.fact = 'received' AND f.source = 'open311'`,
  notAccepted: `f.fact = 'not_accepted'`,
  // a merge not undone by asOf (an unmerge takes back the merge before it)
  merged: `f.fact = 'merged' AND NOT EXISTS (SELECT 1 FROM report_facts u WHERE u.ticket_id = f.ticket_id AND u.fact = 'unmerged' AND u.id > f.id AND u.at <= $3)`,
  archived: `f.fact = 'archived'`,
  dispatched: `f.fact = 'dispatched'`,
  disputed: `f.fact = 'disputed'`,
  'objections.filed': `f.fact = 'objection.filed'`,
  'objections.accepted': `f.fact = 'objection.accepted'`,
  'objections.refused': `f.fact = 'objection.refused'`,
  'extensions.requested': `f.fact = 'extension.requested'`,
  'extensions.approved': `f.fact = 'extension.approved'`,
  'appeals.filed': `f.fact = 'appeal.filed'`,
  'appeals.upheld': `f.fact = 'appeal.upheld'`,
  reopened: `f.fact = 'reopened'`,
  terminated: `f.fact = 'terminated'`,
  supervised: `f.fact = 'supervised'`,
};
const COUNTED_CALLBACK = `f.fact = 'callback' AND NOT (f.score <= 2 AND EXISTS (SELECT 1 FROM report_facts a WHERE a.ticket_id = f.ticket_id AND a.fact = 'appeal.upheld' AND a.at > f.at AND a.at <= $3))`;
const CALLBACK_FIGURES: Record<string, string> = {
  'callbacks.done': COUNTED_CALLBACK,
  'callbacks.satisfied': `${COUNTED_CALLBACK} AND f.score >= 4`,
  'callbacks.basicallySatisfied': `${COUNTED_CALLBACK} AND f.score = 3`,
  'callbacks.dissatisfied': `${COUNTED_CALLBACK} AND f.score <= 2`,
  'callbacks.resolved': `${COUNTED_CALLBACK} AND COALESCE(f.resolved, f.score >= 4)`,
};
const CLOCK_FIGURES: Record<string, { type: string; where: string }> = {};
for (const type of ['contact', 'resolve'] as const) {
  CLOCK_FIGURES[`${type}.due`] = { type, where: `(${CLOCK_OUTCOME_SQL.onTime} OR ${CLOCK_OUTCOME_SQL.late} OR ${CLOCK_OUTCOME_SQL.pending})` };
  CLOCK_FIGURES[`${type}.onTime`] = { type, where: CLOCK_OUTCOME_SQL.onTime };
  CLOCK_FIGURES[`${type}.late`] = { type, where: CLOCK_OUTCOME_SQL.late };
}

export const DRILL_FIGURES: readonly string[] = [...Object.keys(FACT_FIGURES), ...Object.keys(CALLBACK_FIGURES), ...Object.keys(CLOCK_FIGURES)];

const FACT_KEY: Record<Exclude<GroupBy, 'none'>, string> = { unit: 'f.unit_code', district: 'f.district', source: 'f.source', category: 'f.category' };
const CLOCK_KEY: Record<Exclude<GroupBy, 'none'>, string> = { unit: 'c.unit_code', district: `(SELECT left(region_code, 6) FROM tickets WHERE id = c.ticket_id)`, source: `(SELECT source FROM tickets WHERE id = c.ticket_id)`, category: `(SELECT category_code FROM tickets WHERE id = c.ticket_id)` };

export interface DrillQuery {
  fromInstant: Date;
  toInstant: Date;
  asOf: Date;
  figure: string;
  /** one group's tickets: `groupBy` and its key (null: the group without one) */
  group?: { by: Exclude<GroupBy, 'none'>; key: string | null };
  /** a unit's own report: only facts and clocks of this lead unit */
  unit?: string | null;
  limit: number;
  /** position after the previous page: [instant in µs since the epoch, row id] */
  after?: [string, string] | null;
}

export interface DrillRow {
  ticketId: string;
  /** when the fact happened, or when the clock ends */
  at: string;
  unitCode: string | null;
  /** fact rows: the fact; clock rows: the outcome at asOf */
  what: string;
  /** paging position of this row */
  pos: [string, string];
}

function groupFilter(expr: string, key: string | null, params: unknown[]): string {
  if (key === null) return `AND ${expr} IS NULL`;
  params.push(key);
  return `AND ${expr} = $${params.length}`;
}

export async function drillTickets(db: Queryable, q: DrillQuery): Promise<DrillRow[]> {
  const params: unknown[] = [q.fromInstant, q.toInstant, q.asOf];
  const factWhere = FACT_FIGURES[q.figure] ?? CALLBACK_FIGURES[q.figure];
  if (factWhere !== undefined) {
    let filter = '';
    if (q.group) filter += groupFilter(FACT_KEY[q.group.by], q.group.key, params);
    if (q.unit) filter += groupFilter('f.unit_code', q.unit, params);
    if (q.after) {
      params.push(q.after[0], q.after[1]);
      filter += ` AND (f.received_at, f.id) > (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::bigint)`;
    }
    params.push(q.limit);
    const rows = await queryRows<{ ticket_id: string; at: Date; unit_code: string | null; fact: string; rus: string; fid: string }>(
      db,
      `SELECT f.ticket_id::text, f.at, f.unit_code, f.fact, (extract(epoch FROM f.received_at) * 1000000)::bigint::text AS rus, f.id::text AS fid FROM report_facts f
        WHERE f.received_at >= $1 AND f.received_at < $2 AND f.at <= $3 AND ${factWhere} ${filter}
        ORDER BY f.received_at, f.id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ ticketId: r.ticket_id, at: r.at.toISOString(), unitCode: r.unit_code, what: r.fact, pos: [r.rus, r.fid] }));
  }
  const clock = CLOCK_FIGURES[q.figure];
  if (!clock) throw new RangeError(`unknown figure ${q.figure}`);
  params.push(clock.type);
  let filter = '';
  if (q.group) filter += groupFilter(CLOCK_KEY[q.group.by], q.group.key, params);
  if (q.unit) filter += groupFilter('c.unit_code', q.unit, params);
  const base = params.length;
  const after = q.after ? ` AND (due, id) > (timestamptz 'epoch' + $${base + 1}::bigint * interval '1 microsecond', $${base + 2}::bigint)` : '';
  if (q.after) params.push(q.after[0], q.after[1]);
  params.push(q.limit);
  const movedLater = `EXISTS (SELECT 1 FROM clock_due_changes h WHERE h.clock_id = c.id AND h.changed_at > $3)`;
  const outcome = `CASE WHEN ${CLOCK_OUTCOME_SQL.onTime} THEN 'onTime' WHEN ${CLOCK_OUTCOME_SQL.late} THEN 'late' ELSE 'pending' END`;
  // Clocks whose deadline stood where it is now at asOf: in index order. Those moved after asOf
  // (an extension, a calendar; few): all of them, at the deadline they had then. Merged by (deadline, id).
  const sql = `
    WITH plain AS (
      SELECT c.id, c.ticket_id, c.unit_code, c.met_at, c.stopped_at, c.due FROM ticket_clocks c
       WHERE c.type = $4 AND c.type IN ('contact', 'resolve') AND c.due > $1 AND c.due <= $2 AND c.started_at <= $3 ${filter}
         AND NOT ${movedLater}
       ORDER BY c.due, c.id
    ), moved AS (
      SELECT c.id, c.ticket_id, c.unit_code, c.met_at, c.stopped_at, ${EFFECTIVE_DUE} AS due
        FROM ticket_clocks c
       WHERE c.id IN (${MOVED_AFTER_ASOF})
         AND c.type = $4 AND c.started_at <= $3 ${filter}
    ), both_ AS (
      (SELECT * FROM plain WHERE ${clock.where} ${after} ORDER BY due, id LIMIT $${params.length})
      UNION ALL
      (SELECT * FROM moved WHERE due > $1 AND due <= $2 AND ${clock.where} ${after})
    )
    SELECT id::text, ticket_id::text, unit_code, due, (extract(epoch FROM due) * 1000000)::bigint::text AS dus, ${outcome} AS outcome FROM both_ ORDER BY due, id LIMIT $${params.length}`;
  const rows = await queryRows<{ id: string; ticket_id: string; unit_code: string | null; due: Date; dus: string; outcome: string }>(db, sql, params);
  return rows.map((r) => ({ ticketId: r.ticket_id, at: r.due.toISOString(), unitCode: r.unit_code, what: r.outcome, pos: [r.dus, r.id] }));
}
