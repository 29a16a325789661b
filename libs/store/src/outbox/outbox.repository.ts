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
 * ones behind it, and only those). A failed or discarded message holds nothing back: it waits for
 * an operator, and the ticket's later events must not wait with it (docs/delivery.md).
 *
 * The heads are found by walking the distinct order keys of pending rows down the
 * (order_key, id) index, one index probe per key ("loose index scan"): the first entry after the
 * previous key is the next key's oldest pending row. A pass costs O(keys with pending messages),
 * not O(pending rows²) as an anti-join on "no older pending row" does (a backlog of 20,000
 * messages of one ticket took ~10 s per pass that way). FOR UPDATE SKIP LOCKED lets several relays
 * run at once; the row's conditions are re-checked on the locked version.
 */
export async function claimReady(db: Queryable, o: ClaimOptions): Promise<Array<{ id: string; attempts: number; target: string }>> {
  return queryRows<{ id: string; attempts: number; target: string }>(db, `WITH RECURSIVE heads AS (
        (SELECT order_key, id FROM outbox WHERE status = 'pending' ORDER BY order_key, id LIMIT 1)
        UNION ALL
        SELECT n.order_key, n.id FROM heads h CROSS JOIN LATERAL (
          SELECT p.order_key, p.id FROM outbox p WHERE p.status = 'pending' AND p.order_key > h.order_key
           ORDER BY p.order_key, p.id LIMIT 1) n)
      UPDATE outbox SET queued_attempt = attempts, queued_at = now()
      WHERE id IN (
        SELECT o.id FROM outbox o
         WHERE o.id IN (SELECT id FROM heads)
           AND o.status = 'pending' AND o.next_attempt_at <= now()
           AND (o.queued_attempt IS DISTINCT FROM o.attempts OR o.queued_at < now() - make_interval(secs => $4::double precision / 1000))
           AND (o.target = ANY($1::text[]) OR ($2 AND o.target LIKE 'unit:%'))
         ORDER BY o.id
         LIMIT $3
         FOR UPDATE OF o SKIP LOCKED)
      RETURNING id::text AS id, attempts, target`,
    [o.targets, o.units, o.batch, o.requeueAfterMs],
  );
}

export async function loadOutbox(db: Queryable, id: string): Promise<OutboxRow | undefined> {
  const rows = await queryRows<OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
  return rows[0];
}

/** Several rows in one round trip, answered in the order of `ids` (undefined where none). */
export async function loadOutboxes(db: Queryable, ids: string[]): Promise<Array<OutboxRow | undefined>> {
  const rows = await queryRows<OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox WHERE id = ANY($1::bigint[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id));
}

export type AttemptOutcome =
  | { outcome: 'delivered'; status: number; durationMs: number }
  | { outcome: 'retry'; status?: number; error: string; durationMs: number; nextAttemptAt: Date }
  | { outcome: 'permanent' | 'exhausted'; status?: number; error: string; durationMs: number };

/**
 * Records one attempt and its consequence, only if the row is still at the attempt the worker
 * loaded (a stale or duplicate job changes nothing). When the row leaves `pending` and a next
 * message of its order key waits, the relay is woken: it may now go.
 */
export async function recordAttempt(db: Queryable, id: string, attempt: number, r: AttemptOutcome): Promise<boolean> {
  const [result] = await recordAttempts(db, [{ id, attempt, outcome: r, claimNext: false }]);
  return result.recorded;
}

export interface AttemptRecord {
  id: string;
  /** the attempts count the worker loaded the row at */
  attempt: number;
  outcome: AttemptOutcome;
  /** when the row leaves `pending`, claim and return the next message of its order key */
  claimNext: boolean;
}

export interface RecordedAttempt {
  /** false: the row had moved on (another worker recorded this attempt); nothing was changed */
  recorded: boolean;
  /** the claimed next message of the same order key, to be delivered by the caller now */
  next?: OutboxRow;
}

/**
 * Records many attempts in ONE statement (the notifier's deliveries that finish together), each
 * under the same condition as recordAttempt, and for each row that leaves `pending` with
 * `claimNext` also claims the next message of its order key (if due and unclaimed) and returns it:
 * the worker delivers it at once, one round trip per message of a busy ticket instead of a relay
 * pass and a queue hop, shared with the other deliveries in flight. The claim is in the same
 * statement, so no relay or worker can slip in between; the relay is woken only for a next message
 * that was not claimed here. A claimed successor whose worker dies is queued again by the relay
 * after `requeueAfterMs`, like any claimed row.
 *
 * `asyncCommit`: the commit does not wait for the WAL flush (synchronous_commit off for this
 * transaction only). For delivery records that is safe: if PostgreSQL itself crashes within the
 * next few hundred ms, the last records are lost, those messages are sent again with the same
 * eventId, and the target answers 2xx or 409 (contracts §3): nothing is lost or reordered.
 * Results are in the order of `items`; a row may appear once per call.
 */
export async function recordAttempts(db: Queryable, items: AttemptRecord[], opts: { asyncCommit?: boolean } = {}): Promise<RecordedAttempt[]> {
  if (items.length === 0) return [];
  const col = <T>(f: (i: AttemptRecord) => T): T[] => items.map(f);
  const statusOf = (r: AttemptOutcome): string => (r.outcome === 'delivered' ? 'delivered' : r.outcome === 'retry' ? 'pending' : 'failed');
  const errorOf = (r: AttemptOutcome): string | null => (r.outcome === 'delivered' ? null : r.outcome === 'exhausted' ? `retries exhausted: ${r.error}` : r.error);
  const rows = await queryRows<{ ord: string; recordedStatus: string | null; prevId: string | null } & Partial<OutboxRow>>(db, `WITH
     cfg AS (SELECT set_config('synchronous_commit', CASE WHEN $10::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true) AS v),
     input AS (
       SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::int[], $9::boolean[])
         WITH ORDINALITY AS i(id, attempt, status, next_at, status_code, error, outcome, duration_ms, claim_next, ord)),
     upd AS (
       UPDATE outbox o SET
         status = i.status, attempts = o.attempts + 1,
         first_attempt_at = COALESCE(o.first_attempt_at, now()),
         next_attempt_at = COALESCE(i.next_at, o.next_attempt_at),
         last_status = i.status_code, last_error = i.error,
         delivered_at = CASE WHEN i.status = 'delivered' THEN now() ELSE o.delivered_at END
       FROM input i
       WHERE o.id = i.id AND o.attempts = i.attempt AND o.status = 'pending'
       RETURNING o.id, o.attempts, o.status, o.order_key, i.outcome, i.status_code, i.duration_ms, i.error, i.claim_next),
     log AS (
       INSERT INTO delivery_attempts (outbox_id, attempt, outcome, status_code, duration_ms, error)
       SELECT id, attempts, outcome, status_code, duration_ms, error FROM upd),
     heads AS (
       -- each key's oldest other pending row is its new head (this statement's snapshot still sees
       -- the recorded rows as pending, hence "not one of upd")
       SELECT u.id AS prev_id, n.id AS next_id, u.claim_next FROM upd u CROSS JOIN LATERAL (
         SELECT p.id FROM outbox p
          WHERE p.order_key = u.order_key AND p.status = 'pending' AND p.id NOT IN (SELECT id FROM upd)
          ORDER BY p.id LIMIT 1) n
        WHERE u.status <> 'pending'),
     nxt AS (
       UPDATE outbox SET queued_attempt = attempts, queued_at = now()
         FROM heads h
        WHERE h.claim_next AND outbox.id = h.next_id AND outbox.status = 'pending' AND outbox.next_attempt_at <= now()
          AND outbox.queued_attempt IS DISTINCT FROM outbox.attempts
       RETURNING h.prev_id::text AS "prevId", ${COLUMNS})
     -- The relay is woken only for a new head this statement did not take: waking it after every
     -- delivery made it scan the outbox once per message for nothing. (A message committed while
     -- this statement runs is seen by the relay's own wake-up or its next timed pass.)
     SELECT i.ord::text AS ord, u.status AS "recordedStatus", n.*,
            CASE WHEN h.next_id IS NOT NULL AND n."prevId" IS NULL THEN pg_notify('hub_outbox', '') END AS woke
       FROM input i CROSS JOIN cfg
       LEFT JOIN upd u ON u.id = i.id
       LEFT JOIN heads h ON h.prev_id = i.id
       LEFT JOIN nxt n ON n."prevId" = i.id::text
      ORDER BY i.ord`,
    [
      col((i) => i.id),
      col((i) => i.attempt),
      col((i) => statusOf(i.outcome)),
      col((i) => (i.outcome.outcome === 'retry' ? i.outcome.nextAttemptAt : null)),
      col((i) => i.outcome.status ?? null),
      col((i) => errorOf(i.outcome)),
      col((i) => i.outcome.outcome),
      col((i) => Math.round(i.outcome.durationMs)),
      col((i) => i.claimNext),
      opts.asyncCommit ?? false,
    ],
  );
  return rows.map((row) => {
    if (row.recordedStatus === null) return { recorded: false };
    if (row.prevId === null || row.prevId === undefined) return { recorded: true };
    const { ord: _o, recordedStatus: _s, prevId: _p, woke: _w, ...next } = row as typeof row & { woke?: unknown };
    return { recorded: true, next: next as OutboxRow };
  });
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
  return await queryRows<OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox
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
