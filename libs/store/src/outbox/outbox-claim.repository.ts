import { queryRows, type Queryable } from '../db';
import { pendingById } from './outbox.repository';

export interface ClaimOptions {
  /** outside targets whose connection is configured; others wait in the outbox (docs/contracts.md#connection-settings) */
  targets: string[];
  /** whether `unit:*` targets can be sent (HUB_UNITS_KEYS set) */
  units: boolean;
  batch: number;
  /** a row queued this long ago and still pending is queued again (Redis wiped, job lost) */
  requeueAfterMs: number;
}

/** A message that no older pending message of its order key precedes: the only kind ever queued. */
const HEAD_OF_KEY = (alias: string): string =>
  `(SELECT p.id FROM outbox p WHERE p.order_key = ${alias}.order_key AND p.status = 'pending' AND p.id < ${alias}.id ORDER BY p.id LIMIT 1) IS NULL`;
/** A target the notifier can send to now ($1: configured outside targets and the router, $2: units' keys set). */
const SENDABLE = (alias: string): string => `(${alias}.target = ANY($1::text[]) OR ($2 AND ${alias}.target LIKE 'unit:%'))`;

/**
 * The relay's usual claim: rows nobody has claimed (new messages, retries come due, claims given
 * back or forgotten) that head their order key, over at most `maxKeys` order keys after `afterKey`
 * (null: from the first). It walks `ix_outbox_claimable`, which holds only those rows, one probe
 * per order key that has one (a loose index scan, repeating the index's predicate word for word),
 * so its cost follows what can be claimed, not the backlog already queued: the walk over every
 * pending key it replaced read 50,000 keys per pass under a backlog of 50,000 claimed rows, and
 * unbounded this one walked 80,000 keys for each batch of 500 (docs/reliability.md#overload-and-catch-up).
 * `nextKey` is where the next call goes on (null: the last key was reached), so keys whose head
 * waits for a retry at the low end cannot hold back the others: the relay goes round. Claims whose
 * job was lost (claimed long ago, still pending) are reclaimStale's.
 */
export async function claimUnclaimedFrom(
  db: Queryable,
  o: Omit<ClaimOptions, 'requeueAfterMs'>,
  afterKey: string | null,
  maxKeys: number,
): Promise<{ rows: Array<{ id: string; attempts: number; target: string }>; nextKey: string | null }> {
  // The candidates are looked up by id in an array, and "not claimed" is spelled so that it does not
  // imply ix_outbox_claimable's predicate: with that index's statistics saying "empty", the planner
  // otherwise scanned the whole index once per candidate (22 s for 500 rows at 100,000 unclaimed).
  const out = await queryRows<{ id: string | null; attempts: number | null; target: string | null; next_key: string | null }>(
    db,
    `WITH RECURSIVE firsts AS (
        (SELECT c.order_key, c.id, 1 AS n FROM outbox c WHERE ${CLAIMABLE_PREDICATE('c')} AND c.order_key > $4 ORDER BY c.order_key, c.id LIMIT 1)
        UNION ALL
        SELECT x.order_key, x.id, f.n + 1 FROM firsts f CROSS JOIN LATERAL (
          SELECT c.order_key, c.id FROM outbox c WHERE ${CLAIMABLE_PREDICATE('c')} AND c.order_key > f.order_key
           ORDER BY c.order_key, c.id LIMIT 1) x
         WHERE f.n < $5),
      claimed AS (
        UPDATE outbox SET queued_attempt = attempts, queued_at = now()
        WHERE id IN (
          SELECT o.id FROM outbox o
           WHERE o.id = ANY (ARRAY(SELECT id FROM firsts))
             AND ${pendingById('o')} AND coalesce(o.queued_attempt, -1) <> o.attempts
             AND o.next_attempt_at <= now() AND ${SENDABLE('o')} AND ${HEAD_OF_KEY('o')}
           ORDER BY o.id
           LIMIT $3
           FOR UPDATE OF o SKIP LOCKED)
        RETURNING id::text AS id, attempts, target)
      SELECT id, attempts, target, NULL::text AS next_key FROM claimed
      UNION ALL
      SELECT NULL, NULL, NULL, (SELECT order_key FROM firsts ORDER BY n DESC LIMIT 1) WHERE (SELECT max(n) FROM firsts) >= $5`,
    [o.targets, o.units, o.batch, afterKey ?? '', maxKeys],
  );
  const rows = out.filter((r) => r.id !== null).map((r) => ({ id: r.id!, attempts: r.attempts!, target: r.target! }));
  return { rows, nextKey: out.find((r) => r.id === null)?.next_key ?? null };
}

/**
 * Claims whose job was lost (Redis wiped or replaced, a job removed): rows claimed over
 * `requeueAfterMs` ago and still pending, at the head of their key, queued again; a job that still
 * exists keeps its id, so queuing it again is a no-op in BullMQ. Found among the pending rows that
 * are due (ix_outbox_pending_due) rather than by walking every pending key as the relay once
 * did: that walk took over the statement timeout at 100,000 pending keys, failed every pass, and the relay, which
 * tried it again at once, claimed nothing more (docs/reliability.md#overload-and-catch-up).
 */
export async function reclaimStale(db: Queryable, o: ClaimOptions): Promise<Array<{ id: string; attempts: number; target: string }>> {
  return queryRows<{ id: string; attempts: number; target: string }>(
    db,
    `UPDATE outbox SET queued_at = now()
      WHERE id IN (
        SELECT o.id FROM outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= now()
           AND o.queued_attempt = o.attempts AND o.queued_at < now() - make_interval(secs => $4::double precision / 1000)
           AND ${SENDABLE('o')} AND ${HEAD_OF_KEY('o')}
         ORDER BY o.next_attempt_at, o.id
         LIMIT $3
         FOR UPDATE OF o SKIP LOCKED)
      RETURNING id::text AS id, attempts, target`,
    [o.targets, o.units, o.batch, o.requeueAfterMs],
  );
}

/** The predicate of ix_outbox_claimable (migration 1766500000000), for a query to repeat exactly. */
export const CLAIMABLE_PREDICATE = (alias: string): string => `(${alias}.status = 'pending') IS TRUE AND ${alias}.queued_attempt IS DISTINCT FROM ${alias}.attempts`;
