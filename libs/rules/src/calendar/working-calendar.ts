/**
 * The official working-day calendar (工作日) and working-day arithmetic.
 *
 * A working day is Monday–Friday not listed in its year's `holidays`, or a date listed in
 * `workdays` (a 调休 make-up Saturday/Sunday). The schedule is data: the State Council publishes
 * each year's arrangement in the autumn before, operators import it with the directory
 * (docs/contracts.md#directory), so a year is never hard-coded here. A year with no entry counts weekends only,
 * and every result that depends on a day of such a year (or of an entry marked `published: false`)
 * is flagged `provisional`.
 *
 * Counting follows Civil Code Art. 201 ("按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算")
 * and Art. 203 ("期间的最后一日的截止时间为二十四时"): the day of receipt is not counted, and N
 * working days end at 24:00 of the Nth working day after it.
 *
 * Representation (team decision): a deadline is the *exclusive* end instant, 00:00:00 of the
 * calendar day after the last working day, in the calendar's zone; it is missed when
 * `now >= due`. `dueDate` is that last working day as `YYYY-MM-DD`.
 *
 * Speed: the constructor precomputes, over the span of the scheduled years, a cumulative
 * working-day count per day (`W(d)`) and the list of working days in order, so `addWorkingDays`
 * is two array reads and `workingDaysBetween` two more; outside that span days are weekdays-only
 * and use closed-form arithmetic. Everything is O(1) per call.
 */
import type { CalendarYear } from '../directory/directory.types';
import { daysFromCivil, formatDay, isWeekday, MS_PER_DAY, parseDay, yearOfDay } from './civil-date';
import { DEFAULT_TIME_ZONE, fixedOffsetMinutes } from './time-zone';

/** Result of adding working days to an instant. */
export interface WorkingDeadline {
  /** exclusive end: 00:00 (calendar zone) of the day after `dueDate` */
  due: Date;
  /** the last working day, `YYYY-MM-DD` */
  dueDate: string;
  /** some counted day lies in a year without a published schedule (weekends-only guess) */
  provisional: boolean;
}

/**
 * G(t): number of x in [0, t] with x mod 7 in 1..5 (extended to negative t so that differences are
 * right). With t = day + 4, x mod 7 is the weekday (0 = Sunday), so F(d) = G(d + 4) is a cumulative
 * count of Monday–Friday days.
 */
function weekdaysCumulative(day: number): number {
  const t = day + 4;
  const q = Math.floor((t + 1) / 7);
  const r = t + 1 - 7 * q;
  return 5 * q + Math.min(Math.max(r - 1, 0), 5);
}

/** Smallest day d with weekdaysCumulative(d) === m (always a Monday–Friday). */
function nthWeekday(m: number): number {
  const q = Math.floor((m - 1) / 5);
  const j = m - 5 * q;
  return 7 * q + j - 4;
}

function assertInstant(date: Date, what: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${what} is not a valid Date`);
  return t;
}

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

export class WorkingCalendar {
  /** fixed offset of `timeZone`, minutes east of UTC */
  readonly offsetMinutes: number;
  private readonly offsetMs: number;
  private readonly byYear: ReadonlyMap<number, CalendarYear>;
  private readonly publishedYears: ReadonlySet<number>;
  /** first and last day number of the dense span (scheduled years, gaps included); empty when start > end */
  private readonly start: number;
  private readonly end: number;
  /** working[i] = 1 when day start+i is a working day */
  private readonly working: Uint8Array;
  /** cum[i] = working days in [start, start+i] */
  private readonly cum: Int32Array;
  /** day numbers of the working days in [start, end], in order */
  private readonly workList: Int32Array;
  /** unpub[i] = days in [start, start+i] whose year is not published */
  private readonly unpub: Int32Array;
  private readonly dayStrings: (string | undefined)[];

  /**
   * @param years the directory's `calendar` (docs/contracts.md#directory-validation); validated: a duplicate year, a date that
   *   is not a real date or not in its entry's year, or a date listed both as holiday and workday
   *   throws a RangeError naming it.
   * @param timeZone a fixed-offset zone (see time-zone.ts); default Asia/Shanghai.
   */
  constructor(
    years: readonly CalendarYear[],
    readonly timeZone: string = DEFAULT_TIME_ZONE,
  ) {
    this.offsetMinutes = fixedOffsetMinutes(timeZone);
    this.offsetMs = this.offsetMinutes * 60_000;

    const byYear = new Map<number, CalendarYear>();
    const special = new Map<number, boolean>();
    for (const entry of years) {
      if (!Number.isInteger(entry.year)) throw new RangeError(`calendar year ${String(entry.year)} is not an integer`);
      if (byYear.has(entry.year)) throw new RangeError(`calendar year ${entry.year} is listed twice`);
      byYear.set(entry.year, {
        year: entry.year,
        published: entry.published,
        holidays: [...entry.holidays],
        workdays: [...entry.workdays],
      });
      const mark = (list: readonly string[], isWork: boolean, field: string): void => {
        for (const date of list) {
          let day: number;
          try {
            day = parseDay(date);
          } catch (e) {
            throw new RangeError(`calendar ${entry.year} ${field}: ${(e as Error).message}`);
          }
          if (yearOfDay(day) !== entry.year) throw new RangeError(`calendar ${entry.year} ${field}: ${date} is not in ${entry.year}`);
          if (special.has(day) && special.get(day) !== isWork) {
            throw new RangeError(`calendar ${entry.year}: ${date} is both a holiday and a workday`);
          }
          special.set(day, isWork);
        }
      };
      mark(entry.holidays, false, 'holidays');
      mark(entry.workdays, true, 'workdays');
    }
    this.byYear = byYear;
    // An entry without `published` counts as published (the schema's directories list only
    // published schedules); `published: false` is an operator's draft: applied, but provisional.
    this.publishedYears = new Set([...byYear.values()].filter((y) => y.published !== false).map((y) => y.year));

    const yearNumbers = [...byYear.keys()];
    if (yearNumbers.length === 0) {
      this.start = 0;
      this.end = -1;
    } else {
      this.start = daysFromCivil(Math.min(...yearNumbers), 1, 1);
      this.end = daysFromCivil(Math.max(...yearNumbers), 12, 31);
    }
    const len = Math.max(0, this.end - this.start + 1);
    this.working = new Uint8Array(len);
    this.cum = new Int32Array(len);
    this.unpub = new Int32Array(len);
    this.dayStrings = new Array<string | undefined>(len);
    let count = 0;
    let unpublished = 0;
    let year = len > 0 ? yearOfDay(this.start) : 0;
    let nextYearStart = len > 0 ? daysFromCivil(year + 1, 1, 1) : 0;
    let yearPublished = this.publishedYears.has(year);
    for (let i = 0; i < len; i++) {
      const day = this.start + i;
      if (day === nextYearStart) {
        year += 1;
        nextYearStart = daysFromCivil(year + 1, 1, 1);
        yearPublished = this.publishedYears.has(year);
      }
      const s = special.get(day);
      const isWork = s ?? isWeekday(day);
      this.working[i] = isWork ? 1 : 0;
      if (isWork) count++;
      this.cum[i] = count;
      if (!yearPublished) unpublished++;
      this.unpub[i] = unpublished;
    }
    this.workList = new Int32Array(count);
    for (let i = 0, k = 0; i < len; i++) if (this.working[i] === 1) this.workList[k++] = this.start + i;
  }

  /** Build from a directory document (its calendar and jurisdiction zone). */
  static fromDirectory(doc: { calendar: readonly CalendarYear[]; jurisdiction: { timezone: string } }): WorkingCalendar {
    return new WorkingCalendar(doc.calendar, doc.jurisdiction.timezone);
  }

  /**
   * A new calendar with `entry` replacing (or adding) its year. The office imports a year's schedule
   * when the State Council publishes it; the old calendar is left untouched so open clocks can be
   * compared before and after (see recomputeClock).
   */
  withYear(entry: CalendarYear): WorkingCalendar {
    const rest = [...this.byYear.values()].filter((y) => y.year !== entry.year);
    return new WorkingCalendar([...rest, entry], this.timeZone);
  }

  /** The schedule this calendar was built from (copies), sorted by year. */
  years(): CalendarYear[] {
    return [...this.byYear.values()]
      .sort((a, b) => a.year - b.year)
      .map((y) => ({ ...y, holidays: [...y.holidays], workdays: [...y.workdays] }));
  }

  /** The year has an entry (published or draft). */
  hasSchedule(year: number): boolean {
    return this.byYear.has(year);
  }

  /** The year has an entry not marked `published: false`; only then are its results final. */
  isPublished(year: number): boolean {
    return this.publishedYears.has(year);
  }

  /** Working day? `date` is `YYYY-MM-DD` (a local date in the calendar's zone). */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(parseDay(date));
  }

  /** Local date (`YYYY-MM-DD`, calendar zone) of an instant. */
  dateOf(instant: Date): string {
    return this.format(this.dayOf(assertInstant(instant, 'instant')));
  }

  /** 00:00 (calendar zone) of a local date. */
  startOfDay(date: string): Date {
    return new Date(parseDay(date) * MS_PER_DAY - this.offsetMs);
  }

  /** Exclusive end of a local date: 00:00 of the next day (Civil Code Art. 203: "二十四时"). */
  endOfDay(date: string): Date {
    return new Date((parseDay(date) + 1) * MS_PER_DAY - this.offsetMs);
  }

  /**
   * The deadline `n` working days after the day of `from` (that day itself is not counted, Civil
   * Code Art. 201, whatever the hour and whether or not it is a working day): the exclusive end of
   * the nth working day. n = 0 means "the same day" (e.g. Yunnan's on-site class, Yunnan Measures Art. 13(一)):
   * the end of the day of `from`, which may then be a non-working day; nothing is counted, so it
   * is never provisional. A result is provisional when any day in (day of `from`, dueDate] lies in a
   * year without a published schedule.
   */
  addWorkingDays(from: Date, n: number): WorkingDeadline {
    assertCount(n, 'n');
    const day = this.dayOf(assertInstant(from, 'from'));
    const last = n === 0 ? day : this.nth(this.cumulative(day) + n);
    return {
      due: new Date((last + 1) * MS_PER_DAY - this.offsetMs),
      dueDate: this.format(last),
      provisional: this.spanProvisional(day, last),
    };
  }

  /**
   * Working days after `a`'s day up to and including `b`'s day (local dates), i.e. the number of
   * working days d with day(a) < d <= day(b); negative (minus the count over day(b) < d <= day(a))
   * when b's day is before a's. The times of day do not matter. Consistent with addWorkingDays:
   * `workingDaysBetween(x, new Date(addWorkingDays(x, n).due.getTime() - 1)) === n`.
   */
  workingDaysBetween(a: Date, b: Date): number {
    const da = this.dayOf(assertInstant(a, 'a'));
    const db = this.dayOf(assertInstant(b, 'b'));
    return this.cumulative(db) - this.cumulative(da);
  }

  /**
   * Whether a result spanning the days after `a`'s day up to `b`'s day depends on an unpublished
   * year (the same test addWorkingDays uses for `provisional`).
   */
  isProvisionalBetween(a: Date, b: Date): boolean {
    return this.spanProvisional(this.dayOf(assertInstant(a, 'a')), this.dayOf(assertInstant(b, 'b')));
  }

  /**
   * Start of the 预警 window: 00:00 of the working day from which `daysBefore` working days remain
   * until `due` (that day included). With the last day L = the day of `due - 1 ms` and D(i) the
   * working days, it is the start of the (daysBefore − 1)th working day before L, counting L as
   * the 0th when it is a working day. For a 1-day deadline and daysBefore = 1 it is the start of
   * working day 1 (not the end of the day of receipt: after a Friday-night receipt the warning comes
   * on Monday morning, not Saturday 00:00). daysBefore = 0 returns `due` itself (no warning).
   * The result may lie before the clock started; startClocks clamps it.
   */
  warningTime(due: Date, daysBefore: number): Date {
    assertCount(daysBefore, 'daysBefore');
    const t = assertInstant(due, 'due');
    if (daysBefore === 0) return new Date(t);
    const lastDay = this.dayOf(t - 1);
    const day = this.nth(this.cumulative(lastDay) - daysBefore + 1);
    return new Date(day * MS_PER_DAY - this.offsetMs);
  }

  // --- internals -----------------------------------------------------------------------------

  private dayOf(epochMs: number): number {
    return Math.floor((epochMs + this.offsetMs) / MS_PER_DAY);
  }

  private isWorkingDayNumber(day: number): boolean {
    if (day >= this.start && day <= this.end) return this.working[day - this.start] === 1;
    return isWeekday(day);
  }

  /** W(d): a cumulative working-day count, W(d) − W(d−1) = 1 exactly when d is a working day. */
  private cumulative(day: number): number {
    if (this.end < this.start) return weekdaysCumulative(day);
    if (day < this.start) return weekdaysCumulative(day) - weekdaysCumulative(this.start - 1);
    if (day <= this.end) return this.cum[day - this.start];
    return this.workList.length + weekdaysCumulative(day) - weekdaysCumulative(this.end);
  }

  /** Smallest day with W(day) === k: the kth working day (always a working day). */
  private nth(k: number): number {
    if (this.end < this.start) return nthWeekday(k);
    if (k <= 0) return nthWeekday(k + weekdaysCumulative(this.start - 1));
    if (k <= this.workList.length) return this.workList[k - 1];
    return nthWeekday(k - this.workList.length + weekdaysCumulative(this.end));
  }

  /** Some day in (from, to] lies in a year without a published schedule. */
  private spanProvisional(from: number, to: number): boolean {
    if (to <= from) return false;
    if (this.end < this.start || from + 1 < this.start || to > this.end) return true;
    const before = from + 1 === this.start ? 0 : this.unpub[from - this.start];
    return this.unpub[to - this.start] !== before;
  }

  private format(day: number): string {
    if (day >= this.start && day <= this.end) {
      const i = day - this.start;
      return (this.dayStrings[i] ??= formatDay(day));
    }
    return formatDay(day);
  }
}
