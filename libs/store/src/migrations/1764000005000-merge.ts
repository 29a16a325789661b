import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merging (Yunnan Measures Art. 13): the same matter through several channels while the first is open.
 * `merge_keys` are hashes of the citizen's phone and ID number (never the numbers), so matching
 * works whatever encryption the citizen columns carry; the text is compared with pg_trgm.
 */
export class Merge1764000005000 implements MigrationInterface {
  name = 'Merge1764000005000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets ADD COLUMN merge_keys text[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX ix_tickets_merge_keys ON tickets USING gin (merge_keys) WHERE merged_into IS NULL`);
    await q.query(`CREATE INDEX ix_tickets_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL`);
    await q.query(`
      CREATE TABLE office_settings (
        name text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE office_settings`);
    await q.query(`DROP INDEX ix_tickets_merged_into`);
    await q.query(`DROP INDEX ix_tickets_merge_keys`);
    await q.query(`ALTER TABLE tickets DROP COLUMN merge_keys`);
  }
}
