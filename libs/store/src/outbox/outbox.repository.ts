import { queryRows, type Queryable } from '../db';

/** An outbox row as the relay and the notifier see it. */
export interface OutboxRow {
  id: string;
  eventId: string;
  ticketId: string | null;
  target: string;
  type: string;
  orderKey: string;
  payload: { segments?: string[]; body?: Record<string, unknown> } & Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed' | 'discarded';
  attempts: number;
  firstAttemptAt: Date | null;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  discardReason: string | null;
}

/** the columns of an OutboxRow, unqualified (one outbox in the FROM) */
export const OUTBOX_ROW_COLUMNS = `id::text AS "id", event_id AS "eventId", ticket_id AS "ticketId", target, type, order_key AS "orderKey",
  payload, status, attempts, first_attempt_at AS "firstAttemptAt", next_attempt_at AS "nextAttemptAt",
  last_status AS "lastStatus", last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt",
  discard_reason AS "discardReason"`;

/**
 * "Still pending", for a row found by its id. Written `IS TRUE` (same meaning: status is NOT NULL)
 * so that it does not imply the predicate of the partial index ix_outbox_pending_key, whose
 * statistics say "empty": the row is then found by its primary key, never by scanning that index
 * (docs/performance.md#plans-under-a-backlog-2026-12-04).
 */
export const pendingById = (alias: string): string => `(${alias}.status = 'pending') IS TRUE`;

/**
 * Forgets every claim of a pending row: Redis lost the jobs (docs/reliability.md#redis-wiped), so
 * the relay's next claim queues them all again. A claim a living delivery chain still works on is
 * forgotten too; its duplicate job finds the row moved on, or sends the same eventId again.
 */
export async function forgetQueued(db: Queryable): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    `WITH f AS (UPDATE outbox SET queued_attempt = NULL, queued_at = NULL WHERE status = 'pending' AND queued_attempt IS NOT NULL RETURNING 1)
     SELECT count(*)::int AS n FROM f`,
  );
  return rows[0].n;
}

export async function loadOutbox(db: Queryable, id: string): Promise<OutboxRow | undefined> {
  const rows = await queryRows<OutboxRow>(db, `SELECT ${OUTBOX_ROW_COLUMNS} FROM outbox WHERE id = $1`, [id]);
  return rows[0];
}

/**
 * Several rows in one round trip, answered in the order of `ids` (undefined where none). `behind`:
 * an older message of the row's order key is still pending, so the row must not go yet. The relay
 * only queues heads, but a head is judged on what has committed: a message of the same key whose
 * transaction took its id earlier and committed later would be older and still pending (writers of
 * one ticket normally hold its lock, so this is a guard, not a path).
 */
export async function loadOutboxes(db: Queryable, ids: string[]): Promise<Array<(OutboxRow & { behind: boolean }) | undefined>> {
  const rows = await queryRows<OutboxRow & { behind: boolean }>(db, `SELECT ${OUTBOX_ROW_COLUMNS},
       (SELECT 1 FROM outbox p WHERE p.order_key = o.order_key AND p.status = 'pending' AND p.id < o.id LIMIT 1) IS NOT NULL AS behind
       FROM outbox o WHERE o.id = ANY($1::bigint[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id));
}

/**
 * Gives back the claim of a message that is not the head of its key (loadOutboxes' `behind`), and
 * wakes the relay: whoever delivers the head claims it next, or the relay does.
 */
export async function releaseClaim(db: Queryable, id: string, attempt: number): Promise<void> {
  await db.query(
    `WITH r AS (UPDATE outbox o SET queued_attempt = NULL, queued_at = NULL
                 WHERE o.id = $1 AND o.attempts = $2 AND ${pendingById('o')} AND o.queued_attempt = $2 RETURNING 1)
     SELECT pg_notify('hub_outbox', '') FROM r`,
    [id, attempt],
  );
}
