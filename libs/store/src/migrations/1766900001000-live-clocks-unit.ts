import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A unit's own report reads the clocks the rollup left live by unit (docs/reports.md "The
 * rollup"): without the unit on the row, it read the whole city's live clocks and dropped the
 * other units' — 96 ms of a unit's A2026 at 5 M tickets, whatever the unit's size. A clock's unit
 * never changes (a new unit gets new clocks).
 */
export class LiveClocksUnit1766900001000 implements MigrationInterface {
  name = 'LiveClocksUnit1766900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_rollup_live_clocks ADD COLUMN unit_code text`);
    await q.query(`UPDATE report_rollup_live_clocks l SET unit_code = c.unit_code FROM ticket_clocks c WHERE c.id = l.clock_id`);
    await q.query(`CREATE INDEX ix_report_rollup_live_clocks_unit ON report_rollup_live_clocks (unit_code, due, clock_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_report_rollup_live_clocks_unit`);
    await q.query(`ALTER TABLE report_rollup_live_clocks DROP COLUMN unit_code`);
  }
}
