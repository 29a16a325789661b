import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A pulled national transfer cannot be answered 400: when it lacks required elements it is still
 * stored, with what is missing, so the router returns it as `incomplete_elements` (沪府办〔2020〕49号 Art. 4(一)).
 */
export class IntakeProblems1764000001000 implements MigrationInterface {
  name = 'IntakeProblems1764000001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets ADD COLUMN intake_problems jsonb`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN intake_problems`);
  }
}
