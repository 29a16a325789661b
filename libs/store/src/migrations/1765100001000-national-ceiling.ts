import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A clock may carry a ceiling counted from another instant than its start: the national 25 working
 * days from the transfer (沪府办〔2020〕49号 Art. 5; docs/clock.md). Kept on the row so a calendar recomputation
 * and an extension apply it again.
 */
export class NationalCeiling1765100001000 implements MigrationInterface {
  name = 'NationalCeiling1765100001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_clocks ADD COLUMN ceiling_from timestamptz, ADD COLUMN ceiling_days int`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_clocks DROP COLUMN ceiling_days, DROP COLUMN ceiling_from`);
  }
}
