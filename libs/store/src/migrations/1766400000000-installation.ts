import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The installation's identity (docs/reliability.md#job-identity): one row, made at the first
 * migration, whose id every job id the hub queues carries, so that two hubs pointed at one Redis by
 * mistake neither take nor swallow each other's jobs.
 */
export class Installation1766400000000 implements MigrationInterface {
  name = 'Installation1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS installation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      created_at timestamptz NOT NULL DEFAULT now(),
      one_row boolean NOT NULL DEFAULT true UNIQUE CHECK (one_row))`);
    await q.query(`INSERT INTO installation DEFAULT VALUES ON CONFLICT (one_row) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS installation`);
  }
}
