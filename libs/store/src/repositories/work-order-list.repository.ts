/** The work-order lists of the units' and the office's API, and the dispute queue. */
import { queryRows, type Queryable } from '../db';
import type { HandlerRole } from './work-order.repository';

// --- lists ----------------------------------------------------------------------------------------------

export interface WorkOrderListFilter {
  /** a unit's list (lead and co-handled tickets); omitted: the office's view of every ticket */
  unitCode?: string;
  states?: readonly string[];
  source?: string;
  /** an open duty clock (contact or resolve) in its warning window (预警) and not yet due */
  dueSoon?: boolean;
  /** an open duty clock past its due (督办) */
  overdue?: boolean;
  /** office: only tickets flagged for bouncing between units */
  flagged?: boolean;
  /** office search (docs/console.md): the source's order number or the hub's ticket id, exactly */
  externalOrId?: string;
  /** office search: the citizen's phone as its keyed hash (docs/security.md) */
  phoneHash?: string;
  /** office search: the 6-digit district the ticket's region lies in */
  district?: string;
  categoryCode?: string;
  /** office search: received at or after / before these instants */
  receivedFrom?: Date;
  receivedBefore?: Date;
  /** office: a unit's extension request waits for review */
  extensionPending?: boolean;
  /** keyset: strictly after this (created_at, id), newest first */
  after?: { createdAt: string; id: string };
  limit: number;
  now: Date;
}

export interface WorkOrderListItem {
  id: string;
  source: string;
  sourceRecord: string;
  externalId: string;
  kind: string;
  title: string;
  state: string;
  unitCode: string | null;
  /** the caller's role (unit lists only) */
  role: HandlerRole | null;
  designated: boolean;
  bounceFlagged: boolean;
  receivedAt: Date;
  createdAt: Date;
  /** `created_at` to the microsecond as text: the cursor must not lose precision to a JS Date */
  createdAtKey: string;
  clocks: Array<{ type: string; state: string; due: string; warnAt: string; dueDate: string; days: number | null; superviseCount: number }> | null;
}

/**
 * A list's total is counted up to this many (docs/lifecycle.md "Lists"): a page never reads more
 * matching rows than that to say how many there are; beyond it the answer is "more than 1000".
 */
export const LIST_COUNT_CAP = 1000;

/**
 * One page of work orders and the total matching the filters, counted up to LIST_COUNT_CAP.
 * Newest first by (created_at, id), which never changes for a ticket, so a cursor stays valid
 * while tickets move between states.
 */
export async function listWorkOrders(db: Queryable, f: WorkOrderListFilter): Promise<{ items: WorkOrderListItem[]; total: number; totalExact: boolean }> {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  let from = `tickets t`;
  if (f.unitCode !== undefined) {
    // The lead is the ticket's unit_code (indexed with created_at for the page order); co-handlers
    // come from ticket_units. So a ticket is listed for its lead even if it was routed before the
    // handler table existed.
    const unit = p(f.unitCode);
    from = `tickets t LEFT JOIN ticket_units tu ON tu.ticket_id = t.id AND tu.unit_code = ${unit} AND tu.role = 'co' AND tu.removed_at IS NULL`;
    where.push(`(t.unit_code = ${unit} OR tu.id IS NOT NULL)`);
  }
  if (f.states && f.states.length > 0) where.push(`t.state = ANY(${p([...f.states])}::text[])`);
  if (f.source !== undefined) where.push(`t.source = ${p(f.source)}`);
  if (f.flagged) where.push(`t.bounce_flagged_at IS NOT NULL`);
  if (f.externalOrId !== undefined) {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(f.externalOrId);
    where.push(isUuid ? `t.id = ${p(f.externalOrId)}::uuid` : `t.external_id = ${p(f.externalOrId)}`);
  }
  if (f.phoneHash !== undefined) where.push(`t.citizen_phone_hash = ${p(f.phoneHash)}`);
  if (f.district !== undefined) where.push(`left(t.region_code, 6) = ${p(f.district)}`);
  if (f.categoryCode !== undefined) where.push(`t.category_code = ${p(f.categoryCode)}`);
  if (f.receivedFrom !== undefined) where.push(`t.received_at >= ${p(f.receivedFrom)}`);
  if (f.receivedBefore !== undefined) where.push(`t.received_at < ${p(f.receivedBefore)}`);
  if (f.extensionPending) where.push(`EXISTS (SELECT 1 FROM extension_requests e WHERE e.ticket_id = t.id AND e.status = 'pending')`);
  const now = f.now;
  if (f.dueSoon) {
    where.push(`EXISTS (SELECT 1 FROM ticket_clocks c WHERE c.ticket_id = t.id AND c.type IN ('contact','resolve')
      AND c.state = 'running' AND c.warn_at <= ${p(now)} AND c.due > ${p(now)})`);
  }
  if (f.overdue) {
    where.push(`EXISTS (SELECT 1 FROM ticket_clocks c WHERE c.ticket_id = t.id AND c.type IN ('contact','resolve')
      AND (c.state = 'missed' OR (c.state = 'running' AND c.due <= ${p(now)})))`);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // Bounded: the count stops one row past the cap (a count(*) of every match on each page read the
  // whole table for the office's unfiltered list).
  const totalRows = await queryRows<{ total: number }>(db, `SELECT count(*)::int AS total FROM (SELECT 1 FROM ${from} ${filter} LIMIT ${LIST_COUNT_CAP + 1}) m`, params);

  const pageWhere = [...where];
  if (f.after) pageWhere.push(`(t.created_at, t.id) < (${p(f.after.createdAt)}::timestamptz, ${p(f.after.id)}::uuid)`);
  const pageFilter = pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : '';
  const items = await queryRows<WorkOrderListItem>(
    db,
    `SELECT t.id::text AS id, t.source, t.source_record AS "sourceRecord", t.external_id AS "externalId", t.kind, t.title, t.state,
            t.unit_code AS "unitCode", ${f.unitCode !== undefined ? `CASE WHEN tu.id IS NOT NULL THEN 'co' ELSE 'lead' END` : 'NULL::text'} AS role, t.designated,
            t.bounce_flagged_at IS NOT NULL AS "bounceFlagged", t.received_at AS "receivedAt", t.created_at AS "createdAt",
            to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey",
            (SELECT jsonb_agg(jsonb_build_object('type', c.type, 'state', c.state, 'due', c.due, 'warnAt', c.warn_at, 'dueDate', c.due_date::text, 'days', c.days, 'superviseCount', c.supervise_count) ORDER BY c.id)
               FROM ticket_clocks c WHERE c.ticket_id = t.id AND c.state IN ('running','missed')) AS clocks
       FROM ${from} ${pageFilter}
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT ${p(f.limit)}`,
    params,
  );
  const counted = totalRows[0]?.total ?? 0;
  return { items, total: Math.min(counted, LIST_COUNT_CAP), totalExact: counted <= LIST_COUNT_CAP };
}

/** The office's queue of matters waiting for it to name a unit or review an objection (沪府办〔2020〕49号 Art. 4(二), 7). */
export interface DisputeItem {
  id: string;
  source: string;
  externalId: string;
  title: string;
  state: string;
  unitCode: string | null;
  designated: boolean;
  since: Date;
  objectionId: string | null;
  objectingUnit: string | null;
  suggestedUnit: string | null;
  objectionReason: string | null;
  /** the objecting unit got the order through an earlier objection: only designation settles it */
  secondObjection: boolean;
  /** why a `disputed` ticket is there (the last `disputed` event): no unit fits, no directory, `routing_failed` … */
  disputeReasonCode: string | null;
  disputeReason: string | null;
}

export async function disputes(db: Queryable, limit: number): Promise<DisputeItem[]> {
  return queryRows<DisputeItem>(
    db,
    `SELECT t.id::text AS id, t.source, t.external_id AS "externalId", t.title, t.state, t.unit_code AS "unitCode", t.designated,
            COALESCE(o.created_at, t.updated_at) AS since, o.id::text AS "objectionId", o.unit_code AS "objectingUnit",
            o.suggested_unit AS "suggestedUnit", o.reason AS "objectionReason",
            COALESCE((t.work_order->>'viaObjection')::boolean, false) AS "secondObjection",
            d.reason_code AS "disputeReasonCode", d.reason AS "disputeReason"
       FROM tickets t
       LEFT JOIN work_order_objections o ON o.ticket_id = t.id AND o.status = 'pending'
       LEFT JOIN LATERAL (
         SELECT e.data->>'reasonCode' AS reason_code, e.data->>'reason' AS reason FROM ticket_events e
          WHERE e.ticket_id = t.id AND e.type = 'disputed' ORDER BY e.id DESC LIMIT 1) d ON t.state = 'disputed'
      WHERE t.state IN ('disputed','objected')
      ORDER BY since, t.id
      LIMIT $1`,
    [limit],
  );
}
