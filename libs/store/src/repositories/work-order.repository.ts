/**
 * The work-order tables (migration 1764000003000): the machine's context on the ticket row, who
 * handles the ticket (`ticket_units`), and the records of the life of a work order. Plain SQL, no
 * decisions: the decisions are the state machine's (`@hub/rules/lifecycle`) and the executor's
 * (`@hub/workflow`). Every write runs inside the caller's transaction, under the ticket's row lock.
 */
import type { Attachment } from '@hub/rules/model/ticket';
import { protectionOf, queryRows, type Queryable } from '../db';
import { knownMerged, type TicketRef } from '../outbox/outbox-message';
import { toTicketRow, type RawRow, type TicketRow } from './ticket.repository';

/** bigserial ids arrive from URLs: anything else is simply not found (never a database error). */
export const isRecordId = (id: string): boolean => /^\d{1,18}$/.test(id);
export const isTicketId = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

// --- the machine's context on the ticket ---------------------------------------------------------

export interface StoredWorkOrder {
  /** the machine's WorkOrderContext as last written; null for tickets no executor has touched */
  context: unknown;
  designated: boolean;
  assignedAt: Date | null;
  bounces: number;
  bounceFlaggedAt: Date | null;
}

export async function loadStoredWorkOrder(db: Queryable, ticketId: string): Promise<StoredWorkOrder | undefined> {
  const rows = await queryRows<StoredWorkOrder>(
    db,
    `SELECT work_order AS context, designated, assigned_at AS "assignedAt", bounces, bounce_flagged_at AS "bounceFlaggedAt"
       FROM tickets WHERE id = $1`,
    [ticketId],
  );
  return rows[0];
}

/**
 * Locks a ticket and reads it with its work order in ONE statement (the executor's first step;
 * loadTicket plus loadStoredWorkOrder read the same row twice).
 */
export async function lockTicketWithWorkOrder(db: Queryable, ticketId: string): Promise<{ ticket: TicketRow; stored: StoredWorkOrder } | undefined> {
  const rows = await queryRows<
    RawRow & { work_order: unknown; designated: boolean; assigned_at: Date | null; bounces: number; bounce_flagged_at: Date | null; merged_refs: TicketRef[] }
  >(
    db,
    `SELECT t.*, t.id::text AS id, t.merged_into::text AS merged_into,
            (SELECT coalesce(json_agg(json_build_object('id', m.id::text, 'source', m.source, 'sourceRecord', m.source_record, 'externalId', m.external_id)
                                      ORDER BY m.created_at), '[]')
               FROM tickets m WHERE m.merged_into = t.id) AS merged_refs
       FROM tickets t WHERE t.id = $1 FOR UPDATE OF t`,
    [ticketId],
  );
  const r = rows[0];
  if (!r) return undefined;
  // The status messages of this transaction go to these tickets' sources too (001 Art. 13).
  knownMerged(db, r.id, r.merged_refs);
  return {
    ticket: toTicketRow(r, protectionOf(db)),
    stored: { context: r.work_order, designated: r.designated, assignedAt: r.assigned_at, bounces: r.bounces, bounceFlaggedAt: r.bounce_flagged_at },
  };
}

export interface WorkOrderWrite {
  context: unknown;
  state: string;
  unitCode: string | null;
  designated: boolean;
  bounces: number;
  /** undefined: unchanged */
  assignedAt?: Date | null;
  /** undefined: unchanged */
  mergedInto?: string | null;
  /** undefined or null: unchanged */
  directoryVersion?: string | null;
}

/** Context and its column copies in one UPDATE, so they can never disagree. Returns the new row_version. */
export async function saveWorkOrder(db: Queryable, ticketId: string, w: WorkOrderWrite): Promise<number> {
  const rows = await queryRows<{ rowVersion: number }>(
    db,
    `UPDATE tickets SET
        work_order = $2::jsonb, state = $3, unit_code = $4, designated = $5, bounces = $6,
        assigned_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE assigned_at END,
        merged_into = CASE WHEN $9::boolean THEN $10::uuid ELSE merged_into END,
        directory_version = COALESCE($11, directory_version),
        updated_at = now(), row_version = row_version + 1
      WHERE id = $1
      RETURNING row_version AS "rowVersion"`,
    [
      ticketId,
      JSON.stringify(w.context),
      w.state,
      w.unitCode,
      w.designated,
      w.bounces,
      w.assignedAt !== undefined,
      w.assignedAt ?? null,
      w.mergedInto !== undefined,
      w.mergedInto ?? null,
      w.directoryVersion ?? null,
    ],
  );
  if (!rows[0]) throw new Error(`ticket ${ticketId} does not exist`);
  return rows[0].rowVersion;
}

/** 推诿扯皮 (003 Art. 8(二)): the first time the ticket went over the bounce limit. */
export async function flagBounced(db: Queryable, ticketId: string, at: Date): Promise<void> {
  await db.query(`UPDATE tickets SET bounce_flagged_at = COALESCE(bounce_flagged_at, $2) WHERE id = $1`, [ticketId, at]);
}

// --- who handles the ticket (主办 / 协办) ------------------------------------------------------------

export type HandlerRole = 'lead' | 'co';

export interface TicketUnit {
  unitCode: string;
  role: HandlerRole;
  addedAt: Date;
}

export async function currentUnits(db: Queryable, ticketId: string): Promise<TicketUnit[]> {
  return queryRows<TicketUnit>(
    db,
    `SELECT unit_code AS "unitCode", role, added_at AS "addedAt" FROM ticket_units WHERE ticket_id = $1 AND removed_at IS NULL ORDER BY role DESC, id`,
    [ticketId],
  );
}

/** Where a unit stands on a ticket now, or undefined when it does not handle it. */
export async function unitRole(db: Queryable, ticketId: string, unitCode: string): Promise<HandlerRole | undefined> {
  const rows = await queryRows<{ role: HandlerRole }>(
    db,
    `SELECT role FROM ticket_units WHERE ticket_id = $1 AND unit_code = $2 AND removed_at IS NULL`,
    [ticketId, unitCode],
  );
  return rows[0]?.role;
}

/**
 * Makes the current rows say exactly `wanted`: units dropped or whose role changed get their row
 * closed, new ones (and new roles) get a row. Units whose role is unchanged keep their row.
 */
export async function syncUnits(
  db: Queryable,
  ticketId: string,
  wanted: ReadonlyArray<{ unitCode: string; role: HandlerRole }>,
  at: Date,
  by: string,
): Promise<void> {
  // One statement: close the open rows not wanted (unit or role), then add the wanted ones that
  // have no open row. The insert's snapshot does not see the update's changes, hence "not closed
  // here" spelled out in `keep`.
  await db.query(
    `WITH wanted AS (SELECT * FROM unnest($2::text[], $3::text[]) AS w(unit_code, role)),
          closed AS (
            UPDATE ticket_units u SET removed_at = $4, removed_by = $5
             WHERE u.ticket_id = $1 AND u.removed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.unit_code = u.unit_code AND w.role = u.role)
            RETURNING u.id),
          keep AS (
            SELECT unit_code, role FROM ticket_units
             WHERE ticket_id = $1 AND removed_at IS NULL AND id NOT IN (SELECT id FROM closed))
     INSERT INTO ticket_units (ticket_id, unit_code, role, ticket_created_at, added_at, added_by)
     SELECT t.id, w.unit_code, w.role, t.created_at, $4, $5
       FROM tickets t CROSS JOIN wanted w
      WHERE t.id = $1 AND NOT EXISTS (SELECT 1 FROM keep k WHERE k.unit_code = w.unit_code AND k.role = w.role)`,
    [ticketId, wanted.map((w) => w.unitCode), wanted.map((w) => w.role), at, by],
  );
}

// --- replies (办结) ----------------------------------------------------------------------------------

export interface SealedDocument {
  name: string;
  sha256: string;
  url: string;
}

export interface ReplyRow {
  id: string;
  ticketId: string;
  unitCode: string;
  report: string;
  replyPoints: string;
  attachments: Attachment[];
  approvedBy: string | null;
  sealedDocument: SealedDocument | null;
  maintainsPrevious: boolean;
  repliedBy: string;
  createdAt: Date;
}

const REPLY_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", unit_code AS "unitCode", report, reply_points AS "replyPoints",
  attachments, approved_by AS "approvedBy", sealed_document AS "sealedDocument", maintains_previous AS "maintainsPrevious",
  replied_by AS "repliedBy", created_at AS "createdAt"`;

export async function insertReply(
  db: Queryable,
  r: Omit<ReplyRow, 'id' | 'createdAt' | 'ticketId'> & { ticketId: string; at: Date },
): Promise<ReplyRow> {
  const rows = await queryRows<ReplyRow>(
    db,
    `INSERT INTO work_order_replies (ticket_id, unit_code, report, reply_points, attachments, approved_by, sealed_document, maintains_previous, replied_by, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9, $10) RETURNING ${REPLY_COLUMNS}`,
    [
      r.ticketId,
      r.unitCode,
      r.report,
      r.replyPoints,
      JSON.stringify(r.attachments),
      r.approvedBy,
      r.sealedDocument ? JSON.stringify(r.sealedDocument) : null,
      r.maintainsPrevious,
      r.repliedBy,
      r.at,
    ],
  );
  return rows[0];
}

export async function latestReply(db: Queryable, ticketId: string): Promise<ReplyRow | undefined> {
  const rows = await queryRows<ReplyRow>(db, `SELECT ${REPLY_COLUMNS} FROM work_order_replies WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, [ticketId]);
  return rows[0];
}

export async function repliesOf(db: Queryable, ticketId: string): Promise<ReplyRow[]> {
  return queryRows<ReplyRow>(db, `SELECT ${REPLY_COLUMNS} FROM work_order_replies WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

// --- objections (退单) ---------------------------------------------------------------------------------

export type ObjectionStatus = 'pending' | 'accepted' | 'refused' | 'settled' | 'lapsed';

export interface ObjectionRow {
  id: string;
  ticketId: string;
  unitCode: string;
  reason: string;
  legalBasis: string;
  suggestedUnit: string;
  status: ObjectionStatus;
  objectedBy: string;
  createdAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
  redispatchedTo: string | null;
}

const OBJECTION_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", unit_code AS "unitCode", reason, legal_basis AS "legalBasis",
  suggested_unit AS "suggestedUnit", status, objected_by AS "objectedBy", created_at AS "createdAt", reviewed_by AS "reviewedBy",
  reviewed_at AS "reviewedAt", review_note AS "reviewNote", redispatched_to AS "redispatchedTo"`;

export async function insertObjection(
  db: Queryable,
  o: { ticketId: string; unitCode: string; reason: string; legalBasis: string; suggestedUnit: string; objectedBy: string; at: Date },
): Promise<ObjectionRow> {
  const rows = await queryRows<ObjectionRow>(
    db,
    `INSERT INTO work_order_objections (ticket_id, unit_code, reason, legal_basis, suggested_unit, objected_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${OBJECTION_COLUMNS}`,
    [o.ticketId, o.unitCode, o.reason, o.legalBasis, o.suggestedUnit, o.objectedBy, o.at],
  );
  return rows[0];
}

export async function loadObjection(db: Queryable, id: string): Promise<ObjectionRow | undefined> {
  if (!isRecordId(id)) return undefined;
  const rows = await queryRows<ObjectionRow>(db, `SELECT ${OBJECTION_COLUMNS} FROM work_order_objections WHERE id = $1`, [id]);
  return rows[0];
}

export async function pendingObjection(db: Queryable, ticketId: string): Promise<ObjectionRow | undefined> {
  const rows = await queryRows<ObjectionRow>(db, `SELECT ${OBJECTION_COLUMNS} FROM work_order_objections WHERE ticket_id = $1 AND status = 'pending'`, [ticketId]);
  return rows[0];
}

export async function objectionsOf(db: Queryable, ticketId: string): Promise<ObjectionRow[]> {
  return queryRows<ObjectionRow>(db, `SELECT ${OBJECTION_COLUMNS} FROM work_order_objections WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

/** Closes the pending objection of a ticket (if any) with its outcome. */
export async function closeObjection(
  db: Queryable,
  ticketId: string,
  d: { status: Exclude<ObjectionStatus, 'pending'>; by: string; at: Date; note: string | null; redispatchedTo?: string | null },
): Promise<ObjectionRow | undefined> {
  const rows = await queryRows<ObjectionRow>(
    db,
    `UPDATE work_order_objections SET status = $2, reviewed_by = $3, reviewed_at = $4, review_note = $5, redispatched_to = $6
      WHERE ticket_id = $1 AND status = 'pending' RETURNING ${OBJECTION_COLUMNS}`,
    [ticketId, d.status, d.by, d.at, d.note, d.redispatchedTo ?? null],
  );
  return rows[0];
}

// --- appeals (差评申诉) ----------------------------------------------------------------------------------

export type AppealStatus = 'pending' | 'upheld' | 'refused' | 'lapsed';

export interface AppealRow {
  id: string;
  ticketId: string;
  unitCode: string;
  reason: string;
  evidence: Attachment[];
  status: AppealStatus;
  appealedBy: string;
  createdAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
}

const APPEAL_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", unit_code AS "unitCode", reason, evidence, status,
  appealed_by AS "appealedBy", created_at AS "createdAt", reviewed_by AS "reviewedBy", reviewed_at AS "reviewedAt", review_note AS "reviewNote"`;

export async function insertAppeal(
  db: Queryable,
  a: { ticketId: string; unitCode: string; reason: string; evidence: Attachment[]; appealedBy: string; at: Date },
): Promise<AppealRow> {
  const rows = await queryRows<AppealRow>(
    db,
    `INSERT INTO work_order_appeals (ticket_id, unit_code, reason, evidence, appealed_by, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING ${APPEAL_COLUMNS}`,
    [a.ticketId, a.unitCode, a.reason, JSON.stringify(a.evidence), a.appealedBy, a.at],
  );
  return rows[0];
}

export async function loadAppeal(db: Queryable, id: string): Promise<AppealRow | undefined> {
  if (!isRecordId(id)) return undefined;
  const rows = await queryRows<AppealRow>(db, `SELECT ${APPEAL_COLUMNS} FROM work_order_appeals WHERE id = $1`, [id]);
  return rows[0];
}

export async function appealsOf(db: Queryable, ticketId: string): Promise<AppealRow[]> {
  return queryRows<AppealRow>(db, `SELECT ${APPEAL_COLUMNS} FROM work_order_appeals WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

export async function closeAppeal(
  db: Queryable,
  ticketId: string,
  d: { status: Exclude<AppealStatus, 'pending'>; by: string; at: Date; note: string | null },
): Promise<AppealRow | undefined> {
  const rows = await queryRows<AppealRow>(
    db,
    `UPDATE work_order_appeals SET status = $2, reviewed_by = $3, reviewed_at = $4, review_note = $5
      WHERE ticket_id = $1 AND status = 'pending' RETURNING ${APPEAL_COLUMNS}`,
    [ticketId, d.status, d.by, d.at, d.note],
  );
  return rows[0];
}

// --- callbacks (回访) ------------------------------------------------------------------------------------

export interface CallbackRow {
  id: string;
  ticketId: string;
  unitCode: string | null;
  replyId: string | null;
  satisfied: boolean;
  /** the citizen says it was solved; null: not asked (callbacks before 2026-12 count by result ≥ 4) */
  resolved: boolean | null;
  result: number | null;
  efficiency: number | null;
  attitude: number | null;
  note: string | null;
  calledBy: string;
  createdAt: Date;
}

const CALLBACK_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", unit_code AS "unitCode", reply_id::text AS "replyId", satisfied, resolved,
  result, efficiency, attitude, note, called_by AS "calledBy", created_at AS "createdAt"`;

export async function insertCallback(db: Queryable, c: Omit<CallbackRow, 'id' | 'createdAt'> & { at: Date }): Promise<CallbackRow> {
  const rows = await queryRows<CallbackRow>(
    db,
    `INSERT INTO work_order_callbacks (ticket_id, unit_code, reply_id, satisfied, resolved, result, efficiency, attitude, note, called_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${CALLBACK_COLUMNS}`,
    [c.ticketId, c.unitCode, c.replyId, c.satisfied, c.resolved, c.result, c.efficiency, c.attitude, c.note, c.calledBy, c.at],
  );
  return rows[0];
}

export async function callbacksOf(db: Queryable, ticketId: string): Promise<CallbackRow[]> {
  return queryRows<CallbackRow>(db, `SELECT ${CALLBACK_COLUMNS} FROM work_order_callbacks WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

// --- co-handlers' input (协办意见) -----------------------------------------------------------------------

export interface CoInputRow {
  id: string;
  ticketId: string;
  unitCode: string;
  leadUnitCode: string;
  content: string;
  attachments: Attachment[];
  submittedBy: string;
  createdAt: Date;
}

const CO_INPUT_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", unit_code AS "unitCode", lead_unit_code AS "leadUnitCode", content,
  attachments, submitted_by AS "submittedBy", created_at AS "createdAt"`;

export async function insertCoInput(db: Queryable, c: Omit<CoInputRow, 'id' | 'createdAt'> & { at: Date }): Promise<CoInputRow> {
  const rows = await queryRows<CoInputRow>(
    db,
    `INSERT INTO work_order_co_inputs (ticket_id, unit_code, lead_unit_code, content, attachments, submitted_by, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING ${CO_INPUT_COLUMNS}`,
    [c.ticketId, c.unitCode, c.leadUnitCode, c.content, JSON.stringify(c.attachments), c.submittedBy, c.at],
  );
  return rows[0];
}

export async function coInputsOf(db: Queryable, ticketId: string): Promise<CoInputRow[]> {
  return queryRows<CoInputRow>(db, `SELECT ${CO_INPUT_COLUMNS} FROM work_order_co_inputs WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

// --- merges (合并, 001 Art. 13) -------------------------------------------------------------------------

export interface MergeRow {
  id: string;
  ticketId: string;
  intoTicketId: string;
  stateBefore: string;
  reason: string | null;
  mergedBy: string;
  mergedAt: Date;
  unmergedBy: string | null;
  unmergedAt: Date | null;
  unmergeReason: string | null;
}

const MERGE_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", into_ticket_id::text AS "intoTicketId", state_before AS "stateBefore",
  reason, merged_by AS "mergedBy", merged_at AS "mergedAt", unmerged_by AS "unmergedBy", unmerged_at AS "unmergedAt",
  unmerge_reason AS "unmergeReason"`;

export async function insertMerge(
  db: Queryable,
  m: { ticketId: string; intoTicketId: string; stateBefore: string; reason: string | null; mergedBy: string; at: Date },
): Promise<MergeRow> {
  const rows = await queryRows<MergeRow>(
    db,
    `INSERT INTO ticket_merges (ticket_id, into_ticket_id, state_before, reason, merged_by, merged_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${MERGE_COLUMNS}`,
    [m.ticketId, m.intoTicketId, m.stateBefore, m.reason, m.mergedBy, m.at],
  );
  return rows[0];
}

/** Ends the live merge record of a ticket (none for a merge made before this table existed). */
export async function endMerge(db: Queryable, ticketId: string, d: { by: string; at: Date; reason: string }): Promise<MergeRow | undefined> {
  const rows = await queryRows<MergeRow>(
    db,
    `UPDATE ticket_merges SET unmerged_by = $2, unmerged_at = $3, unmerge_reason = $4
      WHERE ticket_id = $1 AND unmerged_at IS NULL RETURNING ${MERGE_COLUMNS}`,
    [ticketId, d.by, d.at, d.reason],
  );
  return rows[0];
}

export async function mergesOf(db: Queryable, ticketId: string): Promise<MergeRow[]> {
  return queryRows<MergeRow>(db, `SELECT ${MERGE_COLUMNS} FROM ticket_merges WHERE ticket_id = $1 OR into_ticket_id = $1 ORDER BY id`, [ticketId]);
}

// --- which ticket a record belongs to (reviews arrive by record id) ------------------------------------

export type ReviewedRecord = 'objection' | 'appeal' | 'extension';

const RECORD_TABLES: Record<ReviewedRecord, string> = {
  objection: 'work_order_objections',
  appeal: 'work_order_appeals',
  extension: 'extension_requests',
};

export async function ticketOfRecord(db: Queryable, kind: ReviewedRecord, id: string): Promise<string | undefined> {
  if (!isRecordId(id)) return undefined;
  const rows = await queryRows<{ ticketId: string }>(db, `SELECT ticket_id::text AS "ticketId" FROM ${RECORD_TABLES[kind]} WHERE id = $1`, [id]);
  return rows[0]?.ticketId;
}

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
 * One page of work orders and the total matching the filters. Newest first by (created_at, id),
 * which never changes for a ticket, so a cursor stays valid while tickets move between states.
 */
export async function listWorkOrders(db: Queryable, f: WorkOrderListFilter): Promise<{ items: WorkOrderListItem[]; total: number }> {
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
  const totalRows = await queryRows<{ total: number }>(db, `SELECT count(*)::int AS total FROM ${from} ${filter}`, params);

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
  return { items, total: totalRows[0]?.total ?? 0 };
}

/** The office's queue of matters waiting for it to name a unit or review an objection (003 Art. 4(二), 7). */
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

/** National transfers merged into `ticketId`: its result goes to each (contracts §5). */
export async function mergedNationalTransfers(db: Queryable, ticketId: string): Promise<Array<{ id: string; externalId: string }>> {
  return queryRows<{ id: string; externalId: string }>(
    db,
    `SELECT id::text AS id, external_id AS "externalId" FROM tickets WHERE merged_into = $1 AND source = 'national' ORDER BY created_at`,
    [ticketId],
  );
}

/** How many national transfers were merged into `ticketId`. */
export async function countMergedNational(db: Queryable, ticketId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, `SELECT count(*)::int AS n FROM tickets WHERE merged_into = $1 AND source = 'national'`, [ticketId]);
  return rows[0]?.n ?? 0;
}

/** The ticket `ticketId` was merged into, if any (no lock). */
export async function mergedIntoOf(db: Queryable, ticketId: string): Promise<string | null> {
  const rows = await queryRows<{ into: string | null }>(db, `SELECT merged_into::text AS into FROM tickets WHERE id = $1`, [ticketId]);
  return rows[0]?.into ?? null;
}

/** When the ticket was last sent to a unit (dispatched, designated or redispatched), per its event log. */
export async function lastAssignedAt(db: Queryable, ticketId: string): Promise<Date | undefined> {
  const rows = await queryRows<{ at: Date }>(
    db,
    `SELECT occurred_at AS at FROM ticket_events WHERE ticket_id = $1 AND type IN ('dispatched','designated','redispatched') ORDER BY id DESC LIMIT 1`,
    [ticketId],
  );
  return rows[0]?.at;
}
