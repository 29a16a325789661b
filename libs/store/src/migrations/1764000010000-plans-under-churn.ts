import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plans that stay right while the queue tables churn (bench/dispatch-e2e.bench.ts, 200 tickets/s).
 *
 * - The merge search (storeMergeKeysAndFindTarget) starts from the GIN index on `merge_keys`. With
 *   GIN's default fast update, new entries wait in a pending list that every search reads in full
 *   until autovacuum merges it: at 200 tickets/s each search read ~100 pages. Each ticket's keys
 *   are written once, so entries now go straight into the index.
 * - `ix_outbox_pending_due` (next_attempt_at, id) WHERE pending is dropped: no query reads the
 *   outbox by due time (the relay and the notifier find each ticket's head through
 *   `ix_outbox_pending_key`, then check the due time). But having the same predicate, it was a
 *   candidate for their index probes: when the statistics said "no pending rows" (the outbox is
 *   analysed when it is drained), the planner chose it and scanned every pending row once per
 *   order key, thousands of pages per relay pass as soon as a backlog formed.
 * - The outbox turns most rows from pending to delivered within a second; each leaves a dead entry
 *   in the pending index until vacuum. Autovacuum visits it after 1,000 changed rows plus 2 %
 *   instead of 50 plus 20 %, without the cost delay.
 */
export class PlansUnderChurn1764000010000 implements MigrationInterface {
  name = 'PlansUnderChurn1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX ix_tickets_merge_keys SET (fastupdate = off)`);
    await q.query(`SELECT gin_clean_pending_list('ix_tickets_merge_keys'::regclass)`);
    await q.query(`DROP INDEX ix_outbox_pending_due`);
    await q.query(
      `ALTER TABLE outbox SET (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_threshold = 1000,
         autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE outbox RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor, autovacuum_analyze_threshold, autovacuum_analyze_scale_factor,
         autovacuum_vacuum_cost_delay)`,
    );
    await q.query(`CREATE INDEX ix_outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending'`);
    await q.query(`ALTER INDEX ix_tickets_merge_keys RESET (fastupdate)`);
  }
}
