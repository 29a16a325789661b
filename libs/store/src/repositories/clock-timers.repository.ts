/**
 * The clock sweeper's queries on `ticket_clocks`: which timers are due, which to queue as delayed
 * jobs, and forgetting what was queued when a job came early or Redis lost its jobs. The rows
 * themselves (start, close, move) are clock.repository.ts's.
 */
import { queryRows, type Queryable } from '../db';

/**
 * The sweeper's question: which timers are due at `$1`? A range scan of ix_ticket_clocks_next_fire
 * that reads nothing but the index (Index Only Scan; bench/sweeper.bench.ts measures it on a
 * million open clocks). Paged by (next_fire_at, id) after (`$2`, `$3`): a clock that keeps failing
 * must not hide the ones behind it, and thousands of dues share the instant 00:00. The ORDER BY
 * names the table's columns (not the `id::text` output): the index's order, so no sort, and the
 * same order as the keyset comparison.
 */
export const DUE_CLOCKS_SQL = `SELECT c.id::text AS id, c.next_fire_at AS "nextFireAt" FROM ticket_clocks c
  WHERE c.next_fire_at IS NOT NULL AND c.next_fire_at <= $1 AND (c.next_fire_at, c.id) > ($2::timestamptz, $3::bigint)
  ORDER BY c.next_fire_at, c.id LIMIT $4`;

export interface DueClock {
  id: string;
  nextFireAt: Date;
}

export async function dueClocks(db: Queryable, now: Date, limit: number, after?: DueClock): Promise<DueClock[]> {
  return queryRows<DueClock>(db, DUE_CLOCKS_SQL, [now, after ? after.nextFireAt : '-infinity', after ? after.id : 0, limit]);
}

/**
 * Marks the timers of (now, until] that have no delayed job yet as queued and returns them; the
 * caller adds the jobs in the same transaction, so a failed add leaves them unmarked.
 */
export async function claimClocksToSchedule(db: Queryable, now: Date, until: Date, limit: number): Promise<Array<{ id: string; nextFireAt: Date }>> {
  return queryRows<{ id: string; nextFireAt: Date }>(
    db,
    `UPDATE ticket_clocks c SET scheduled_for = c.next_fire_at
      WHERE c.id IN (
        SELECT id FROM ticket_clocks
         WHERE next_fire_at IS NOT NULL AND next_fire_at > $1 AND next_fire_at <= $2 AND scheduled_for IS DISTINCT FROM next_fire_at
         ORDER BY next_fire_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING c.id::text AS id, c.next_fire_at AS "nextFireAt"`,
    [now, until, limit],
  );
}

/** A clock whose job came early (clock skew): queue it again at the next scheduling pass. */
export async function unmarkScheduled(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE ticket_clocks SET scheduled_for = NULL WHERE id = $1`, [id]);
}

/**
 * Redis lost its jobs: every timer up to `until` is to be queued again. Queued timers always lie
 * within the horizon of the pass that queued them, so the range scan finds them all.
 */
export async function forgetScheduled(db: Queryable, until: Date): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    `UPDATE ticket_clocks SET scheduled_for = NULL
      WHERE next_fire_at IS NOT NULL AND next_fire_at <= $1 AND scheduled_for IS NOT NULL
      RETURNING id::text AS id`,
    [until],
  );
  return rows.length;
}
