/**
 * The work-order tables (migration 1764000003000): the machine's context on the ticket row, who
 * handles the ticket (`ticket_units`), and the records of the life of a work order. Plain SQL, no
 * decisions: the decisions are the state machine's (`@hub/rules/lifecycle`) and the executor's
 * (`@hub/workflow`). Every write runs inside the caller's transaction, under the ticket's row lock.
 */
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
  // The status messages of this transaction go to these tickets' sources too (Yunnan Measures Art. 13).
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

/** 推诿扯皮 (沪府办〔2020〕49号 Art. 8(二)): the first time the ticket went over the bounce limit. */
export async function flagBounced(db: Queryable, ticketId: string, at: Date): Promise<void> {
  await db.query(`UPDATE tickets SET bounce_flagged_at = COALESCE(bounce_flagged_at, $2) WHERE id = $1`, [ticketId, at]);
}

// --- who handles the ticket (主办 / 协办) ------------------------------------------------------------

export type HandlerRole = 'lead' | 'co';

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

/** National transfers merged into `ticketId`: its result goes to each (docs/contracts.md#national-messages). */
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
