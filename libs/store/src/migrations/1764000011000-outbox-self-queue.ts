import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_WAKEUP_LOCK } from './1764000009000-outbox-wakeup';

/**
 * Writers on the hot path queue the messages that start a queue themselves, after their commit
 * (selfQueueInsert: the intake's routing job, routing's first status events and work orders). The
 * relay has nothing to do for those rows, so the outbox trigger wakes it only when a statement
 * inserts a row nobody claimed (a transition table holds the statement's new rows). Before, every
 * routed ticket woke it, and each wake-up was a pass over the queue heads: at 220 tickets/s those
 * passes grew with the backlog until the hub fell behind (docs/performance.md).
 */
export class OutboxSelfQueue1764000011000 implements MigrationInterface {
  name = 'OutboxSelfQueue1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_outbox_notify ON outbox`);
    await q.query(`
      CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM inserted WHERE queued_attempt IS NULL) AND pg_try_advisory_xact_lock(${OUTBOX_WAKEUP_LOCK}) THEN
          PERFORM pg_notify('hub_outbox', '');
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_outbox_notify AFTER INSERT ON outbox
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_outbox_notify ON outbox`);
    await q.query(`
      CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF pg_try_advisory_xact_lock(${OUTBOX_WAKEUP_LOCK}) THEN PERFORM pg_notify('hub_outbox', ''); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER trg_outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox()`);
  }
}
