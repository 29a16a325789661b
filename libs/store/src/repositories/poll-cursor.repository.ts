import { queryRows, type Queryable } from '../db';

/** Where a feed pulled from an upstream (the national platform's) stands; null before the first page. */
export async function pollCursor(db: Queryable, name: string): Promise<string | null> {
  const rows = await queryRows<{ cursor: string | null }>(db, `SELECT cursor FROM poll_cursors WHERE name = $1`, [name]);
  return rows[0]?.cursor ?? null;
}

/** Moves the feed's cursor, in the transaction that stored the page it ends. */
export async function savePollCursor(db: Queryable, name: string, cursor: string | null): Promise<void> {
  await db.query(
    `INSERT INTO poll_cursors (name, cursor, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (name) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [name, cursor],
  );
}
