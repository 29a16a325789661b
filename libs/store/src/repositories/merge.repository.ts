import { queryRows, type Queryable } from '../db';
import { txMemo } from '../tx-memo';

/** When two tickets are one matter (Yunnan Measures Art. 13); office configuration with these defaults. */
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
 * Stores the ticket's merge keys (so that later repeats find it) and returns the open ticket it
 * repeats, if any, in one statement: same citizen (phone or ID hash) within the window, and then —
 * for a 差评 (`projectNo` given, `mergeScope` in @hub/rules/dispatch) — an evaluation of the same
 * 办件; for any other ticket, not an evaluation, same respondent unit or same category, same
 * district, similar text. The oldest wins, so a chain of repeats
 * all join the first. (The search's snapshot does not see the keys just stored; it excludes this
 * ticket anyway.)
 */
export async function storeMergeKeysAndFindTarget(
  db: Queryable,
  t: { id: string; mergeKeys: string[]; respondentUnitCode?: string; categoryCode?: string; regionCode?: string; text: string; projectNo?: string },
  cfg: MergeConfig,
): Promise<MergeCandidate | undefined> {
  if (t.mergeKeys.length === 0) return undefined;
  if (!cfg.enabled) {
    await setMergeKeys(db, t.id, t.mergeKeys);
    return undefined;
  }
  const district = t.regionCode ? t.regionCode.slice(0, 6) : null;
  const rows = await queryRows<MergeCandidate>(
    db,
    // The same citizen is the selective condition: `same_citizen` is read through the GIN index on
    // merge_keys (MATERIALIZED keeps the planner from starting at the state or created_at indexes,
    // which match every open ticket of the window: ~1,000 pages per ticket at 2,000 open tickets).
    `WITH stored AS (UPDATE tickets SET merge_keys = $2 WHERE id = $1),
          same_citizen AS MATERIALIZED (
            SELECT id, external_id, source, title, content, state, created_at, respondent, category_code, region_code, kind, evaluation
              FROM tickets WHERE merge_keys && $2::text[] AND merged_into IS NULL)
     SELECT id::text AS id, external_id AS "externalId", source, similarity(title || ' ' || content, $6) AS similarity
       FROM same_citizen
      WHERE id <> $1
        AND state = ANY($8::text[])
        AND created_at > now() - make_interval(hours => $7)
        AND CASE WHEN $10::text IS NOT NULL THEN kind = 'evaluation' AND evaluation->>'projectNo' = $10
            ELSE kind <> 'evaluation'
              AND ((respondent->>'unitCode' IS NOT NULL AND respondent->>'unitCode' = $3) OR (category_code IS NOT NULL AND category_code = $4))
              AND left(coalesce(region_code, ''), 6) IS NOT DISTINCT FROM coalesce($5, '')
              AND similarity(title || ' ' || content, $6) >= $9 END
      ORDER BY created_at, id
      LIMIT 1`,
    [t.id, t.mergeKeys, t.respondentUnitCode ?? null, t.categoryCode ?? null, district, t.text, cfg.windowHours, cfg.openStates, cfg.minSimilarity, t.projectNo ?? null],
  );
  return rows[0];
}

export async function setMergeKeys(db: Queryable, id: string, keys: string[]): Promise<void> {
  await db.query(`UPDATE tickets SET merge_keys = $2 WHERE id = $1`, [id, keys]);
}

/**
 * One office setting over its defaults. Inside a transaction every setting is read in one query,
 * once (txMemo): routing a ticket consults three of them.
 */
export async function officeSetting<T>(db: Queryable, name: string, fallback: T): Promise<T> {
  const all = await txMemo(db, 'office_settings', async () => {
    const rows = await queryRows<{ name: string; value: unknown }>(db, `SELECT name, value FROM office_settings`);
    return new Map(rows.map((r) => [r.name, r.value]));
  });
  const value = all.get(name) as Partial<T> | undefined;
  return value ? { ...fallback, ...value } : fallback;
}
