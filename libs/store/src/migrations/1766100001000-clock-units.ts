import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a clock's `days` count (docs/clock.md#units): working days (every clock so far), calendar
 * days to 24:00, or hours around the clock (urgent tiers). Only working-day clocks move when a
 * calendar year changes.
 */
export class ClockUnits1766100001000 implements MigrationInterface {
  name = 'ClockUnits1766100001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_clocks ADD COLUMN span_unit text NOT NULL DEFAULT 'workday' CHECK (span_unit IN ('workday', 'day', 'hour'))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_clocks DROP COLUMN span_unit`);
  }
}
