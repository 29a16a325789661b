import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The office's ticket search in the console (docs/console.md): by the source's order number
 * alone (the unique key starts with the source, so it cannot serve it) and pending extension
 * requests for the to-do tab.
 */
export class ConsoleSearch1765500001000 implements MigrationInterface {
  name = 'ConsoleSearch1765500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS ix_tickets_external_id ON tickets (external_id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS ix_extension_requests_pending ON extension_requests (ticket_id) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_extension_requests_pending`);
    await q.query(`DROP INDEX IF EXISTS ix_tickets_external_id`);
  }
}
