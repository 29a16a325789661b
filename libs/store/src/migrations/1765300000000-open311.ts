import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Open311 door (docs/open311.md):
 * - a fourth source `open311` whose tickets are `request` records;
 * - `open311_keys`: the api_keys administrators give Open311 clients (only a SHA-256 of the secret);
 * - an index for GET requests (an Open311 client's list, newest first) and one for the status
 *   changes GET servicerequestupdates reads by time.
 */
export class Open3111765300000000 implements MigrationInterface {
  name = 'Open3111765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP CONSTRAINT tickets_source_check,
      ADD CONSTRAINT tickets_source_check CHECK (source IN ('hotline','ywtb','national','open311'))`);
    await q.query(`ALTER TABLE tickets DROP CONSTRAINT tickets_source_record_check,
      ADD CONSTRAINT tickets_source_record_check CHECK (source_record IN ('order','evaluation','suggestion','transfer','request'))`);
    await q.query(`CREATE INDEX ix_tickets_open311_received ON tickets (received_at DESC, id DESC) WHERE source = 'open311'`);
    await q.query(`CREATE INDEX ix_ticket_events_status_time ON ticket_events (occurred_at, id)
      WHERE type IN ('accepted','dispatched','designated','signed','contacted','replied','merged','not_accepted','returned',
        'redispatched','terminated','unfounded','archived','withdrawn','reopened','called_back')`);
    await q.query(`
      CREATE TABLE open311_keys (
        id uuid PRIMARY KEY,
        key_id text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        replaces text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE open311_keys`);
    await q.query(`DROP INDEX ix_ticket_events_status_time`);
    await q.query(`DROP INDEX ix_tickets_open311_received`);
    await q.query(`ALTER TABLE tickets DROP CONSTRAINT tickets_source_record_check,
      ADD CONSTRAINT tickets_source_record_check CHECK (source_record IN ('order','evaluation','suggestion','transfer'))`);
    await q.query(`ALTER TABLE tickets DROP CONSTRAINT tickets_source_check,
      ADD CONSTRAINT tickets_source_check CHECK (source IN ('hotline','ywtb','national'))`);
  }
}
