import type { DataSource, EntityManager } from 'typeorm';
import { OutboxRow, loadOutbox, recordAttempt } from './outbox.repository';
import { queryRows } from './outbox-message';

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
      const locked = await queryRows<unknown>(tx, `SELECT id FROM outbox WHERE id = $1 AND status = 'pending' AND attempts = $2 FOR UPDATE SKIP LOCKED`, [
        job.outboxId,
        job.attempt,
      ]);
      if (locked.length === 0) return false;
      const row = await loadOutbox(tx, job.outboxId);
      if (!row) return false;
      await handler(tx, row);
      await recordAttempt(tx, job.outboxId, job.attempt, { outcome: 'delivered', status: 200, durationMs: Date.now() - started });
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
