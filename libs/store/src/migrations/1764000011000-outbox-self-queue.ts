import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_WAKEUP_LOCK } from './1764000009000-outbox-wakeup';

/**
 * Writers on the hot path queue the messages that start a queue themselves, after their commit
 * (selfQueueInsert: the intake's routing job, routing's first status events and work orders). The
 * relay has nothing to do for those rows, so the outbox trigger wakes it only when a statement
 * inserts a row nobody claimed that is the first of its key among the statement's new rows (a
 * transition table holds them): the rows behind a claimed one go with its delivery. Before, every
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
        -- only a row that starts its key among the new ones can need the relay: the rows behind it
        -- are claimed by whoever delivers it (DISTINCT ON sorts once: a burst may insert 20,000 rows)
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (order_key) queued_attempt FROM inserted ORDER BY order_key, id) f WHERE f.queued_attempt IS NULL)
           AND pg_try_advisory_xact_lock(${OUTBOX_WAKEUP_LOCK}) THEN
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
