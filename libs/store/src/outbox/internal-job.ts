import type { DataSource, EntityManager } from 'typeorm';
import { OUTBOX_ROW_COLUMNS, OutboxRow, pendingById } from './outbox.repository';
import { recordAttempt } from './outbox-record.repository';
import { queryRows, type Queryable } from '../db';

export type InternalJobResult = 'done' | 'skipped' | 'retry';

/**
 * Runs internal work (target `router`) exactly once per outbox row: the row is locked, the work
 * and the row's `delivered` mark commit together, and a stale or duplicate job finds the row
 * already done and does nothing. A failure rolls the work back and schedules a retry on the row.
 */
export async function runInternalJob<T = void>(
  ds: DataSource,
  job: { outboxId: string; attempt: number },
  handler: (tx: EntityManager, row: OutboxRow) => Promise<T>,
  retryAt: (failures: number) => Date,
): Promise<InternalJobOutcome<T>> {
  const started = Date.now();
  try {
    const done = await ds.transaction(async (tx): Promise<{ value: T } | false> => {
      // Locked and read in one statement; a row done, retried meanwhile or held by another worker is
      // skipped, and so is a row that is not internal work (a job that reached the wrong queue).
      const [row] = await queryRows<OutboxRow>(tx, `SELECT ${OUTBOX_ROW_COLUMNS} FROM outbox o WHERE o.id = $1 AND ${pendingById('o')} AND o.attempts = $2 AND o.target = 'router' FOR UPDATE SKIP LOCKED`, [
        job.outboxId,
        job.attempt,
      ]);
      if (!row) return false;
      const value = await handler(tx, row);
      await completeInternalJob(tx, job.outboxId, job.attempt, Date.now() - started);
      return { value };
    });
    return done ? { result: 'done', value: done.value } : { result: 'skipped' };
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

export interface InternalJobOutcome<T = void> {
  result: InternalJobResult;
  error?: unknown;
  /**
   * What the handler returned, only once its transaction committed: metrics counted from it count
   * each job once, where counting inside a batch that rolled back and ran again alone counted twice.
   */
  value?: T;
}

/**
 * Several internal jobs in ONE transaction (the router under a backlog,
 * docs/reliability.md#overload-and-catch-up): their rows locked in one statement, each handler in
 * turn, all marked done in one statement, one commit. A transaction and its commit per ticket cost
 * more than a ticket's routing statements. If any handler fails, the whole transaction rolls back
 * and each job runs again alone (runInternalJob), so one bad ticket records its own retry and
 * delays the others by one attempt only.
 */
export async function runInternalJobs<T = void>(
  ds: DataSource,
  jobs: Array<{ outboxId: string; attempt: number }>,
  handler: (tx: EntityManager, row: OutboxRow) => Promise<T>,
  retryAt: (failures: number) => Date,
): Promise<Array<InternalJobOutcome<T>>> {
  if (jobs.length === 1) return [await runInternalJob(ds, jobs[0], handler, retryAt)];
  try {
    const done = await ds.transaction(async (tx) => {
      const rows = await queryRows<OutboxRow>(tx, `SELECT ${OUTBOX_ROW_COLUMNS} FROM outbox o WHERE o.id = ANY($1::bigint[]) AND ${pendingById('o')} AND o.target = 'router' ORDER BY o.id FOR UPDATE SKIP LOCKED`, [
        jobs.map((j) => j.outboxId),
      ]);
      const wanted = new Map(jobs.map((j) => [j.outboxId, j.attempt]));
      const ran: Array<{ id: string; attempt: number; ms: number }> = [];
      const values = new Map<string, T>();
      for (const row of rows) {
        // a row retried meanwhile (another attempt) is that attempt's job's, not this one's
        if (wanted.get(row.id) !== row.attempts) continue;
        const started = Date.now();
        values.set(row.id, await handler(tx, row));
        ran.push({ id: row.id, attempt: row.attempts, ms: Date.now() - started });
      }
      await completeInternalJobs(tx, ran);
      return values;
    });
    return jobs.map((j) => (done.has(j.outboxId) ? { result: 'done', value: done.get(j.outboxId) } : { result: 'skipped' }));
  } catch {
    return Promise.all(jobs.map((j) => runInternalJob(ds, j, handler, retryAt)));
  }
}

/** completeInternalJob for several rows in one statement; one wake-up if any has a next message. */
async function completeInternalJobs(tx: EntityManager, ran: Array<{ id: string; attempt: number; ms: number }>): Promise<void> {
  if (ran.length === 0) return;
  await tx.query(
    `WITH done AS (
       UPDATE outbox o SET status = 'delivered', attempts = o.attempts + 1, first_attempt_at = COALESCE(o.first_attempt_at, now()),
              last_status = 200, last_error = NULL, delivered_at = now()
         FROM unnest($1::bigint[], $2::int[], $3::int[]) AS j(id, attempt, ms)
        WHERE o.id = j.id AND o.attempts = j.attempt AND ${pendingById('o')}
       RETURNING o.id, o.attempts, o.order_key, j.ms),
     log AS (
       INSERT INTO delivery_attempts (outbox_id, attempt, outcome, status_code, duration_ms, error)
       SELECT id, attempts, 'delivered', 200, ms, NULL FROM done)
     SELECT pg_notify('hub_outbox', '') FROM (
       SELECT 1 FROM done d
        WHERE (SELECT p.id FROM outbox p WHERE p.order_key = d.order_key AND p.status = 'pending' AND p.id > d.id ORDER BY p.id LIMIT 1) IS NOT NULL
        LIMIT 1) x`,
    [ran.map((r) => r.id), ran.map((r) => r.attempt), ran.map((r) => r.ms)],
  );
}
