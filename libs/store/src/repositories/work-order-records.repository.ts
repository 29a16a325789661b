/**
 * The records of a work order's life, each beside the event that made it: replies (办结),
 * objections (退单), appeals (差评申诉), callbacks (回访), co-handlers' input, merges. Plain SQL on the
 * caller's transaction; the executor's actions (libs/workflow/src/actions) write them.
 */
import type { Attachment } from '@hub/rules/model/ticket';
import { queryRows, type Queryable } from '../db';
import { isRecordId } from './work-order.repository';

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

// --- merges (合并, Yunnan Measures Art. 13) -------------------------------------------------------------------------

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
