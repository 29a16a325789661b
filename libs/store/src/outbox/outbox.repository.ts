import { Queryable, queryRows } from './outbox-message';

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

const COLUMNS = `id::text AS "id", event_id AS "eventId", ticket_id AS "ticketId", target, type, order_key AS "orderKey",
  payload, status, attempts, first_attempt_at AS "firstAttemptAt", next_attempt_at AS "nextAttemptAt",
  last_status AS "lastStatus", last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt",
  discard_reason AS "discardReason"`;

export interface ClaimOptions {
  /** outside targets whose connection is configured; others wait in the outbox (contracts §8) */
  targets: string[];
  /** whether `unit:*` targets can be sent (HUB_UNITS_KEYS set) */
  units: boolean;
  batch: number;
  /** a row queued this long ago and still pending is queued again (Redis wiped, job lost) */
  requeueAfterMs: number;
}

/**
 * Claims the messages that are due and at the head of their order key (the events of one ticket
 * reach a target in the order they were written; a message waiting for a retry holds back the
 * ones behind it, and only those). FOR UPDATE SKIP LOCKED lets several relays run at once.
 */
export async function claimReady(db: Queryable, o: ClaimOptions): Promise<Array<{ id: string; attempts: number; target: string }>> {
  return queryRows<{ id: string; attempts: number; target: string }>(db, `UPDATE outbox SET queued_attempt = attempts, queued_at = now()
      WHERE id IN (
        SELECT o.id FROM outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= now()
           AND (o.queued_attempt IS DISTINCT FROM o.attempts OR o.queued_at < now() - make_interval(secs => $4::double precision / 1000))
           AND (o.target = ANY($1::text[]) OR ($2 AND o.target LIKE 'unit:%'))
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.order_key = o.order_key AND p.status = 'pending' AND p.id < o.id)
         ORDER BY o.id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, attempts, target`,
    [o.targets, o.units, o.batch, o.requeueAfterMs],
  );
}

export async function loadOutbox(db: Queryable, id: string): Promise<OutboxRow | undefined> {
  const rows = await queryRows<OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
  return rows[0];
}

export type AttemptOutcome =
  | { outcome: 'delivered'; status: number; durationMs: number }
  | { outcome: 'retry'; status?: number; error: string; durationMs: number; nextAttemptAt: Date }
  | { outcome: 'permanent' | 'exhausted'; status?: number; error: string; durationMs: number };

/**
 * Records one attempt and its consequence in one statement, only if the row is still at the
 * attempt the worker loaded (a stale or duplicate job changes nothing). When the row leaves
 * `pending`, the relay is woken: the next message of the same ticket may now go.
 */
export async function recordAttempt(db: Queryable, id: string, attempt: number, r: AttemptOutcome): Promise<boolean> {
  const status = r.outcome === 'delivered' ? 'delivered' : r.outcome === 'retry' ? 'pending' : 'failed';
  const error = r.outcome === 'delivered' ? null : r.outcome === 'exhausted' ? `retries exhausted: ${r.error}` : r.error;
  const next = r.outcome === 'retry' ? r.nextAttemptAt : null;
  const rows = await queryRows<{ status: string }>(db, `WITH upd AS (
       UPDATE outbox SET
         status = $3, attempts = attempts + 1,
         first_attempt_at = COALESCE(first_attempt_at, now()),
         next_attempt_at = COALESCE($4::timestamptz, next_attempt_at),
         last_status = $5, last_error = $6,
         delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
       WHERE id = $1 AND attempts = $2 AND status = 'pending'
       RETURNING id, attempts, status),
     log AS (
       INSERT INTO delivery_attempts (outbox_id, attempt, outcome, status_code, duration_ms, error)
       SELECT id, attempts, $7, $5, $8, $6 FROM upd)
     SELECT status, CASE WHEN status <> 'pending' THEN pg_notify('hub_outbox', '') END AS woke FROM upd`,
    [id, attempt, status, next, r.status ?? null, error, r.outcome, Math.round(r.durationMs)],
  );
  return rows.length === 1;
}

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

/** Dead letters: messages that failed for good or ran out of retries, per target. */
export async function listFailed(db: Queryable, target: string | undefined, limit: number, afterId?: string): Promise<OutboxRow[]> {
  return await queryRows<OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox
      WHERE status = 'failed' AND ($1::text IS NULL OR target = $1) AND ($3::bigint IS NULL OR id > $3::bigint)
      ORDER BY id LIMIT $2`,
    [target ?? null, limit, afterId ?? null],
  );
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
