import { MigrationInterface, QueryRunner } from 'typeorm';

/** Key of the transaction-level advisory lock that elects the one notifier among concurrent writers. */
export const OUTBOX_WAKEUP_LOCK = 72012350;

/**
 * The outbox trigger wakes the relay with NOTIFY. PostgreSQL serialises every transaction that has
 * called NOTIFY on one global lock held through its commit, WAL flush included: with a NOTIFY per
 * ticket, concurrent intakes committed one after the other and the store topped out at ~1/fsync
 * (bench/intake.bench.ts: 600–900 tickets/s with it, ~1,800 without on the same machine).
 *
 * Now only one of the transactions writing the outbox at a given moment notifies (whichever takes
 * the advisory lock); the others commit without NOTIFY and so without waiting. The relay drains
 * everything that is ready when woken, so under load every row is still picked up by the next
 * wake-up; at the end of a burst a row whose transaction committed after the last drain waits for
 * the relay's own timer. As before, a missed notification costs latency only, never a message.
 */
export class OutboxWakeup1764000009000 implements MigrationInterface {
  name = 'OutboxWakeup1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF pg_try_advisory_xact_lock(${OUTBOX_WAKEUP_LOCK}) THEN PERFORM pg_notify('hub_outbox', ''); END IF;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('hub_outbox', ''); RETURN NULL; END $$`);
  }
}
