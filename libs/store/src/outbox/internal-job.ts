import type { DataSource, EntityManager } from 'typeorm';
import { OUTBOX_ROW_COLUMNS, OutboxRow, pendingById, recordAttempt } from './outbox.repository';
import { queryRows, type Queryable } from '../db';

export type InternalJobResult = 'done' | 'skipped' | 'retry';

/**
 * Runs internal work (target `router`) exactly once per outbox row: the row is locked, the work
 * and the row's `delivered` mark commit together, and a stale or duplicate job finds the row
 * already done and does nothing. A failure rolls the work back and schedules a retry on the row.
 */
export async function runInternalJob(
  ds: DataSource,
  job: { outboxId: string; attempt: number },
  handler: (tx: EntityManager, row: OutboxRow) => Promise<void>,
  retryAt: (failures: number) => Date,
): Promise<{ result: InternalJobResult; error?: unknown }> {
  const started = Date.now();
  try {
    const done = await ds.transaction(async (tx) => {
      // Locked and read in one statement; a row done, retried meanwhile or held by another worker is
      // skipped, and so is a row that is not internal work (a job that reached the wrong queue).
      const [row] = await queryRows<OutboxRow>(tx, `SELECT ${OUTBOX_ROW_COLUMNS} FROM outbox o WHERE o.id = $1 AND ${pendingById('o')} AND o.attempts = $2 AND o.target = 'router' FOR UPDATE SKIP LOCKED`, [
        job.outboxId,
        job.attempt,
      ]);
      if (!row) return false;
      await handler(tx, row);
      await completeInternalJob(tx, job.outboxId, job.attempt, Date.now() - started);
      return true;
    });
    return { result: done ? 'done' : 'skipped' };
  } catch (error) {
    await recordAttempt(ds, job.outboxId, job.attempt, {
      outcome: 'retry',
      error: error instanceof Error ? error.message : String(error),
      durationMs: Date.now() - started,
      nextAttemptAt: retryAt(job.attempt + 1),
    }).catch(() => undefined);
    return { result: 'retry', error };
  }
}

/**
 * Marks an internal job done and logs the attempt, in one statement, under the same condition as
 * recordAttempt (still pending at the attempt the job was for). Leaner than recordAttempts, which
 * also claims successors for the notifier: a ticket's next internal job (a citizen event behind
 * its routing) is left to the relay, woken here only when there is one.
 */
async function completeInternalJob(tx: EntityManager, id: string, attempt: number, durationMs: number): Promise<void> {
  await tx.query(
    `WITH done AS (
       UPDATE outbox SET status = 'delivered', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, now()),
              last_status = 200, last_error = NULL, delivered_at = now()
        WHERE id = $1 AND attempts = $2 AND ${pendingById('outbox')}
       RETURNING id, attempts, order_key),
     log AS (
       INSERT INTO delivery_attempts (outbox_id, attempt, outcome, status_code, duration_ms, error)
       SELECT id, attempts, 'delivered', 200, $3, NULL FROM done)
     -- a scalar subquery with LIMIT, not EXISTS: EXISTS would become a join that may read the whole
     -- pending index (see pendingById); this probes it at the ticket's key
     SELECT pg_notify('hub_outbox', '') FROM done d
      WHERE (SELECT p.id FROM outbox p WHERE p.order_key = d.order_key AND p.status = 'pending' AND p.id > d.id ORDER BY p.id LIMIT 1) IS NOT NULL`,
    [id, attempt, Math.round(durationMs)],
  );
}

/** Subscribes a dedicated connection to the outbox's wake-ups (pg_notify('hub_outbox') on every commit that adds work). */
export async function listenToOutbox(client: Queryable): Promise<void> {
  await client.query('LISTEN hub_outbox');
}
