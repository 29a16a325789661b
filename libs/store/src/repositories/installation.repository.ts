import { queryRows, type Queryable } from '../db';

/**
 * The installation's short identity (16 hex digits of its row's uuid), which job ids and Redis
 * markers carry (docs/reliability.md#job-identity). The row is made by the first migration; a
 * database emptied by hand gets a new one here.
 */
export async function installationId(db: Queryable): Promise<string> {
  const rows = await queryRows<{ id: string }>(
    db,
    `WITH made AS (INSERT INTO installation DEFAULT VALUES ON CONFLICT (one_row) DO NOTHING RETURNING id)
     SELECT left(replace(id::text, '-', ''), 16) AS id FROM made
     UNION ALL SELECT left(replace(id::text, '-', ''), 16) FROM installation
     LIMIT 1`,
  );
  return rows[0].id;
}
