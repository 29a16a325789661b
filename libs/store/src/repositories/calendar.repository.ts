/**
 * The office's calendar years (`calendar_years`) and what the effective calendar is built from.
 * Dates are read as `::text` (see clock.repository.ts).
 */
import { queryRows, type Queryable } from '../db';

export interface CalendarYearRow {
  year: number;
  holidays: string[];
  workdays: string[];
  published: boolean;
  revision: string;
  recomputePending: boolean;
  replacedAt: Date;
  replacedBy: string;
}

const YEAR_COLUMNS = `year, holidays::text[] AS holidays, workdays::text[] AS workdays, published, revision::text AS revision,
  recompute_pending AS "recomputePending", replaced_at AS "replacedAt", replaced_by AS "replacedBy"`;

export async function loadCalendarYears(db: Queryable): Promise<CalendarYearRow[]> {
  return queryRows<CalendarYearRow>(db, `SELECT ${YEAR_COLUMNS} FROM calendar_years ORDER BY year`);
}

/** What a cached calendar depends on: the active directory and the latest year replacement. */
export async function calendarStamp(db: Queryable): Promise<string> {
  const rows = await queryRows<{ dir: number | null; rev: string | null }>(
    db,
    `SELECT (SELECT id FROM directory_versions WHERE active) AS dir, (SELECT max(revision)::text FROM calendar_years) AS rev`,
  );
  return `${rows[0]?.dir ?? '-'}:${rows[0]?.rev ?? '-'}`;
}

/** The active directory's calendar and zone (docs/contracts.md#directory). */
export async function directoryCalendar(db: Queryable): Promise<{ calendar: unknown; timeZone: string | null } | undefined> {
  const rows = await queryRows<{ calendar: unknown; timeZone: string | null }>(
    db,
    `SELECT document->'calendar' AS calendar, document->'jurisdiction'->>'timezone' AS "timeZone" FROM directory_versions WHERE active`,
  );
  return rows[0];
}

/** Replaces (or adds) one year, marks it for recomputation and records the change. */
export async function upsertCalendarYear(
  db: Queryable,
  entry: { year: number; holidays: readonly string[]; workdays: readonly string[]; published: boolean },
  by: string,
  at: Date,
): Promise<CalendarYearRow> {
  const rows = await queryRows<CalendarYearRow>(
    db,
    `INSERT INTO calendar_years AS y (year, holidays, workdays, published, replaced_at, replaced_by)
     VALUES ($1, $2::date[], $3::date[], $4, $5, $6)
     ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays, published = EXCLUDED.published,
        revision = nextval('calendar_revision_seq'), recompute_pending = true, replaced_at = EXCLUDED.replaced_at, replaced_by = EXCLUDED.replaced_by
     RETURNING ${YEAR_COLUMNS}`,
    [entry.year, [...entry.holidays], [...entry.workdays], entry.published, at, by],
  );
  const row = rows[0];
  await db.query(
    `INSERT INTO calendar_year_changes (year, holidays, workdays, published, revision, replaced_at, replaced_by)
     VALUES ($1, $2::date[], $3::date[], $4, $5::bigint, $6, $7)`,
    [row.year, row.holidays, row.workdays, row.published, row.revision, at, by],
  );
  return row;
}

/** Years replaced but not yet recomputed, with the revision to clear. */
export async function pendingRecomputes(db: Queryable): Promise<Array<{ year: number; revision: string }>> {
  return queryRows<{ year: number; revision: string }>(db, `SELECT year, revision::text AS revision FROM calendar_years WHERE recompute_pending ORDER BY year`);
}

/** Clears the flag of the given replacements — not of a newer one that landed meanwhile. */
export async function markRecomputed(db: Queryable, done: ReadonlyArray<{ year: number; revision: string }>, counts: { recomputed: number; moved: number }): Promise<void> {
  if (done.length === 0) return;
  const years = done.map((d) => d.year);
  const revisions = done.map((d) => d.revision);
  await db.query(
    `UPDATE calendar_years y SET recompute_pending = false FROM unnest($1::int[], $2::bigint[]) AS d(year, revision)
      WHERE y.year = d.year AND y.revision = d.revision`,
    [years, revisions],
  );
  await db.query(
    `UPDATE calendar_year_changes c SET clocks_recomputed = $3, clocks_moved = $4 FROM unnest($1::int[], $2::bigint[]) AS d(year, revision)
      WHERE c.year = d.year AND c.revision = d.revision`,
    [years, revisions, counts.recomputed, counts.moved],
  );
}
