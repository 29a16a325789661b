/**
 * The effective working-day calendar: the active directory's `calendar` (docs/contracts.md#directory) overlaid by
 * the years the office replaced through the API (`calendar_years`, which win for their year).
 * Shared by the gateway (calendar API, year replacement) and the router (clocks).
 *
 * Consistency between replicas: every clock write takes CALENDAR_LOCK *shared* before reading the
 * calendar, and a year replacement takes it *exclusive* while it writes the year. So a clock is
 * either computed under the old calendar and committed before the replacement (then the
 * recomputation that follows sees it), or computed under the new one — never computed under the
 * old one and committed unseen after the recomputation.
 */
import { WorkingCalendar, DEFAULT_TIME_ZONE } from '@hub/rules/calendar';
import type { CalendarYear } from '@hub/rules/directory';
import { queryRows, type Queryable } from '../db';
import { calendarStamp, directoryCalendar, loadCalendarYears } from './calendar.repository';
import { txMemo, txPeek } from '../tx-memo';

/** Advisory lock: clock writers shared, a calendar-year replacement exclusive. */
export const CALENDAR_LOCK = 72012347;
/** Advisory lock: one recomputation of open clocks at a time. */
export const CALENDAR_RECOMPUTE_LOCK = 72012348;

export type CalendarYearSource = 'directory' | 'office';

export interface EffectiveCalendarYear extends CalendarYear {
  published: boolean;
  source: CalendarYearSource;
}

export interface EffectiveCalendar {
  calendar: WorkingCalendar;
  years: EffectiveCalendarYear[];
  timeZone: string;
  /** active directory id and latest replacement revision it was built from */
  stamp: string;
}

/** Builds the effective calendar from the database (no cache). */
export async function loadEffectiveCalendar(db: Queryable): Promise<EffectiveCalendar> {
  // The stamp first: if a replacement commits between the reads, the stamp is older than the data
  // and the next call simply rebuilds.
  const stamp = await calendarStamp(db);
  const dir = await directoryCalendar(db);
  const office = await loadCalendarYears(db);
  const byYear = new Map<number, EffectiveCalendarYear>();
  if (dir && Array.isArray(dir.calendar)) {
    for (const y of dir.calendar as CalendarYear[]) {
      byYear.set(y.year, { year: y.year, published: y.published !== false, holidays: [...y.holidays], workdays: [...y.workdays], source: 'directory' });
    }
  }
  for (const y of office) {
    byYear.set(y.year, { year: y.year, published: y.published, holidays: [...y.holidays], workdays: [...y.workdays], source: 'office' });
  }
  const years = [...byYear.values()].sort((a, b) => a.year - b.year);
  const timeZone = dir?.timeZone || DEFAULT_TIME_ZONE;
  return { calendar: new WorkingCalendar(years, timeZone), years, timeZone, stamp };
}

/**
 * The effective calendar, rebuilt only when the active directory or a replaced year changed. The
 * freshness check is one query on two tiny indexes, so a replacement made on any replica is seen by
 * the very next transaction everywhere. Inside a transaction the check is made once (txMemo), and
 * once more by loadForWrite under the lock: routing one ticket read the calendar four times.
 */
export class CalendarLoader {
  private cached?: EffectiveCalendar;

  effective(db: Queryable): Promise<EffectiveCalendar> {
    return txPeek<EffectiveCalendar>(db, 'calendar:locked') ?? txMemo(db, 'calendar', () => this.fresh(db));
  }

  async load(db: Queryable): Promise<WorkingCalendar> {
    return (await this.effective(db)).calendar;
  }

  /**
   * For a transaction that will write a clock computed from the calendar: takes CALENDAR_LOCK
   * shared first (see the file comment) and reads the calendar under it; the rest of the
   * transaction keeps that one. Take it before locking clock rows.
   */
  async loadForWrite(tx: Queryable): Promise<WorkingCalendar> {
    const locked = await txMemo(tx, 'calendar:locked', async () => {
      await queryRows(tx, `SELECT pg_advisory_xact_lock_shared($1)`, [CALENDAR_LOCK]);
      return this.fresh(tx);
    });
    return locked.calendar;
  }

  private async fresh(db: Queryable): Promise<EffectiveCalendar> {
    const stamp = await calendarStamp(db);
    if (this.cached && this.cached.stamp === stamp) return this.cached;
    this.cached = await loadEffectiveCalendar(db);
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
