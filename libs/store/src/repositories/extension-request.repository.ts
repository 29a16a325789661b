/** Extension requests (延期申请): a unit asks, the office decides (ClockService). */
import { queryRows, type Queryable } from '../db';


export type ExtensionStatus = 'pending' | 'approved' | 'refused';

export interface ExtensionRequestRow {
  id: string;
  ticketId: string;
  clockType: 'resolve';
  clockId: string | null;
  requestedDueDate: string;
  reason: string;
  status: ExtensionStatus;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  previousDueDate: string | null;
  createdAt: Date;
}

const EXTENSION_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", clock_type AS "clockType", clock_id::text AS "clockId",
  requested_due_date::text AS "requestedDueDate", reason, status, requested_by AS "requestedBy", decided_by AS "decidedBy",
  decided_at AS "decidedAt", decision_note AS "decisionNote", previous_due_date::text AS "previousDueDate", created_at AS "createdAt"`;

/** Inserts a pending request; null when the ticket already has one pending (unique index). */
export async function insertExtensionRequest(
  db: Queryable,
  r: { ticketId: string; clockId: string; requestedDueDate: string; reason: string; requestedBy: string; at: Date },
): Promise<ExtensionRequestRow | null> {
  const rows = await queryRows<ExtensionRequestRow>(
    db,
    `INSERT INTO extension_requests (ticket_id, clock_id, requested_due_date, reason, requested_by, created_at)
     VALUES ($1, $2, $3::date, $4, $5, $6)
     ON CONFLICT (ticket_id) WHERE status = 'pending' DO NOTHING
     RETURNING ${EXTENSION_COLUMNS}`,
    [r.ticketId, r.clockId, r.requestedDueDate, r.reason, r.requestedBy, r.at],
  );
  return rows[0] ?? null;
}

export async function loadExtensionRequest(db: Queryable, id: string, lock = false): Promise<ExtensionRequestRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const rows = await queryRows<ExtensionRequestRow>(db, `SELECT ${EXTENSION_COLUMNS} FROM extension_requests WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/** The extension request still waiting for the office, if any. */
export async function pendingExtensionRequestId(db: Queryable, ticketId: string): Promise<string | null> {
  const rows = await queryRows<{ id: string }>(db, `SELECT id::text AS id FROM extension_requests WHERE ticket_id = $1 AND status = 'pending'`, [ticketId]);
  return rows[0]?.id ?? null;
}

export async function extensionRequestsOf(db: Queryable, ticketId: string): Promise<ExtensionRequestRow[]> {
  return queryRows<ExtensionRequestRow>(db, `SELECT ${EXTENSION_COLUMNS} FROM extension_requests WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

export async function decideExtensionRequest(
  db: Queryable,
  id: string,
  d: { status: 'approved' | 'refused'; by: string; note: string | null; at: Date; previousDueDate: string | null },
): Promise<ExtensionRequestRow> {
  const rows = await queryRows<ExtensionRequestRow>(
    db,
    `UPDATE extension_requests SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5, previous_due_date = $6::date
      WHERE id = $1 AND status = 'pending' RETURNING ${EXTENSION_COLUMNS}`,
    [id, d.status, d.by, d.note, d.at, d.previousDueDate],
  );
  if (!rows[0]) throw new Error(`extension request ${id} is not pending`);
  return rows[0];
}
