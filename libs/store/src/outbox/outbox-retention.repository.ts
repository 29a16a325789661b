/**
 * Outbox retention (docs/delivery.md#retention): delivered messages older than the retention, with
 * their delivery log, are deleted; pending (claimed or not), failed and discarded ones never are.
 * Only delivered rows go, so no ticket's order changes: a message waits only for older *pending*
 * messages of its key (outbox-claim.repository.ts).
 */
import { queryRows, type Queryable } from '../db';

/** Rows looked at per statement: each statement locks and deletes at most this many. */
export const RETENTION_WINDOW = 5_000;

export interface RetentionBatch {
  /** outbox rows deleted */
  deleted: number;
  /** their delivery_attempts rows deleted */
  attempts: number;
  /** the highest id looked at (the next window starts after it); null when there was nothing */
  last: string | null;
  /** rows of the window created before the cutoff (none: the walk has passed every old row) */
  older: number;
}

/**
 * One window of `window` rows by id after `afterId`: deletes its delivered rows delivered more than
 * `days` days ago, and their attempts, in one short statement (the delete of the attempts and the
 * rows in one statement keeps the foreign key satisfied). Rows another transaction holds are skipped.
 * A window of ids rather than "the first N old delivered rows": that would need an index on
 * delivered rows (one more index write per delivery on the hot path) or scan the whole table when
 * nothing is old enough.
 */
export async function deleteDeliveredWindow(db: Queryable, o: { afterId: string; window: number; days: number }): Promise<RetentionBatch> {
  const [r] = await queryRows<RetentionBatch>(
    db,
    `WITH w AS (SELECT id, created_at FROM outbox WHERE id > $1::bigint ORDER BY id LIMIT $2),
     doomed AS (
       SELECT o.id FROM outbox o
        WHERE o.id IN (SELECT id FROM w) AND o.status = 'delivered' AND o.delivered_at < now() - make_interval(days => $3::int)
        FOR UPDATE SKIP LOCKED),
     -- = ANY(ARRAY(…)): an index probe per row; as a join the planner may read the whole log
     log AS (DELETE FROM delivery_attempts a WHERE a.outbox_id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING 1),
     gone AS (DELETE FROM outbox o WHERE o.id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM log)::int AS attempts,
            (SELECT max(id) FROM w)::text AS last,
            (SELECT count(*) FROM w WHERE created_at < now() - make_interval(days => $3::int))::int AS older`,
    [o.afterId, o.window, o.days],
  );
  return r;
}

export interface RetentionPass {
  deleted: number;
  attempts: number;
  /** statements run */
  batches: number;
  /** the most rows one statement deleted */
  largest: number;
}

/**
 * Walks the outbox by id from the oldest row, a window at a time, until a window holds no row
 * created before the cutoff (a row created after it cannot have been delivered before it; ids follow
 * creation, up to transactions still open, whose rows the next pass finds). The old rows kept
 * (dead letters, discarded, long retries) are looked at again by every pass; they are few.
 */
export async function deleteDeliveredOlderThan(db: Queryable, days: number, window = RETENTION_WINDOW, stop: () => boolean = () => false): Promise<RetentionPass> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention must be at least one day, got ${days}`);
  const pass: RetentionPass = { deleted: 0, attempts: 0, batches: 0, largest: 0 };
  let afterId = '0';
  while (!stop()) {
    const b = await deleteDeliveredWindow(db, { afterId, window, days });
    pass.batches++;
    pass.deleted += b.deleted;
    pass.attempts += b.attempts;
    pass.largest = Math.max(pass.largest, b.deleted);
    if (b.last === null || b.older === 0) break;
    afterId = b.last;
  }
  return pass;
}
