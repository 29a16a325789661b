import type { Queryable } from '../outbox/outbox-message';
import { queryRows } from '../outbox/outbox-message';

/** When two tickets are one matter (001 Art. 13); office configuration with these defaults. */
export interface MergeConfig {
  enabled: boolean;
  /** the first ticket must have arrived within this many hours */
  windowHours: number;
  /** pg_trgm similarity of title + content, 0..1 */
  minSimilarity: number;
  /** states in which a ticket is still open to absorb others */
  openStates: string[];
}

export const DEFAULT_MERGE_CONFIG: MergeConfig = {
  enabled: true,
  windowHours: 7 * 24,
  minSimilarity: 0.3,
  openStates: ['accepted', 'disputed', 'dispatched', 'signed', 'contacted', 'objected'],
};

export interface MergeCandidate {
  id: string;
  externalId: string;
  source: string;
  similarity: number;
}

/**
 * The open ticket this one repeats, if any: same citizen (phone or ID hash), same respondent
 * unit or same category, same district, similar text, within the window. The oldest wins, so a
 * chain of repeats all join the first.
 */
export async function findMergeTarget(
  db: Queryable,
  t: { id: string; mergeKeys: string[]; respondentUnitCode?: string; categoryCode?: string; regionCode?: string; text: string },
  cfg: MergeConfig,
): Promise<MergeCandidate | undefined> {
  if (!cfg.enabled || t.mergeKeys.length === 0) return undefined;
  const district = t.regionCode ? t.regionCode.slice(0, 6) : null;
  const rows = await queryRows<MergeCandidate>(
    db,
    `SELECT id::text AS id, external_id AS "externalId", source, similarity(title || ' ' || content, $6) AS similarity
       FROM tickets
      WHERE merge_keys && $2::text[] AND merged_into IS NULL AND id <> $1
        AND state = ANY($8::text[])
        AND created_at > now() - make_interval(hours => $7)
        AND ((respondent->>'unitCode' IS NOT NULL AND respondent->>'unitCode' = $3) OR (category_code IS NOT NULL AND category_code = $4))
        AND left(coalesce(region_code, ''), 6) IS NOT DISTINCT FROM coalesce($5, '')
        AND similarity(title || ' ' || content, $6) >= $9
      ORDER BY created_at, id
      LIMIT 1`,
    [t.id, t.mergeKeys, t.respondentUnitCode ?? null, t.categoryCode ?? null, district, t.text, cfg.windowHours, cfg.openStates, cfg.minSimilarity],
  );
  return rows[0];
}

export async function setMergeKeys(db: Queryable, id: string, keys: string[]): Promise<void> {
  await db.query(`UPDATE tickets SET merge_keys = $2 WHERE id = $1`, [id, keys]);
}

export async function officeSetting<T>(db: Queryable, name: string, fallback: T): Promise<T> {
  const rows = await queryRows<{ value: T }>(db, `SELECT value FROM office_settings WHERE name = $1`, [name]);
  return rows[0] ? { ...fallback, ...rows[0].value } : fallback;
}
