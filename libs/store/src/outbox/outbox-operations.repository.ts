/** The operators' view of deliveries (docs/delivery.md): attempts, lists, retrying and discarding failed messages. */
import { queryRows, type Queryable } from '../db';
import { OUTBOX_ROW_COLUMNS, type OutboxRow } from './outbox.repository';

export interface AttemptLog {
  attempt: number;
  at: Date;
  outcome: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export async function attemptsOf(db: Queryable, id: string): Promise<AttemptLog[]> {
  return await queryRows<AttemptLog>(db, `SELECT attempt, at, outcome, status_code AS "statusCode", duration_ms AS "durationMs", error
       FROM delivery_attempts WHERE outbox_id = $1 ORDER BY attempt, id`,
    [id],
  );
}

export type DeliveryStatus = OutboxRow['status'];
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'discarded'];

export interface DeliveryQuery {
  status: DeliveryStatus;
  target?: string;
  /** keyset paging: rows with a larger id */
  afterId?: string;
  limit: number;
}

/**
 * Messages of one status (dead letters: `failed`), optionally of one target, oldest first.
 * "ORDER BY outbox.id": a bare `id` would sort by the text output column ("10" before "9").
 */
export async function listDeliveries(db: Queryable, q: DeliveryQuery): Promise<OutboxRow[]> {
  return await queryRows<OutboxRow>(db, `SELECT ${OUTBOX_ROW_COLUMNS} FROM outbox
      WHERE status = $1 AND ($2::text IS NULL OR target = $2) AND ($4::bigint IS NULL OR id > $4::bigint)
      ORDER BY outbox.id LIMIT $3`,
    [q.status, q.target ?? null, q.limit, q.afterId ?? null],
  );
}

/** Dead letters: messages that failed for good or ran out of retries, per target. */
export async function listFailed(db: Queryable, target: string | undefined, limit: number, afterId?: string): Promise<OutboxRow[]> {
  return listDeliveries(db, { status: 'failed', target, limit, afterId });
}

/** Puts failed messages back to pending with a fresh retry window. */
export async function retryFailed(db: Queryable, where: { id?: string; target?: string }): Promise<number> {
  const rows = await queryRows<unknown>(db, `UPDATE outbox SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL, queued_attempt = NULL, queued_at = NULL
      WHERE status = 'failed' AND ($1::bigint IS NULL OR id = $1::bigint) AND ($2::text IS NULL OR target = $2)
      RETURNING id`,
    [where.id ?? null, where.target ?? null],
  );
  if (rows.length) await db.query(`SELECT pg_notify('hub_outbox', '')`);
  return rows.length;
}

export async function discardFailed(db: Queryable, id: string, reason: string): Promise<boolean> {
  const rows = await queryRows<unknown>(db, `UPDATE outbox SET status = 'discarded', discard_reason = $2 WHERE id = $1 AND status = 'failed' RETURNING id`,
    [id, reason],
  );
  return rows.length === 1;
}
