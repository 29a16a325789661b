import type { Queryable } from '../db';

export { officeSetting } from './merge.repository';

/** Replaces one of the office's settings (intake, merge, work_order), already validated. */
export async function saveOfficeSetting(db: Queryable, name: string, value: unknown, by: string): Promise<void> {
  await db.query(
    `INSERT INTO office_settings (name, value, updated_by) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [name, JSON.stringify(value), by],
  );
}
