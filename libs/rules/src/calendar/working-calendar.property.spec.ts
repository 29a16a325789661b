/**
 * Property tests (fast-check). A fixed seed makes every run check the same cases, so a failure is
 * reproducible and CI never flakes; NUM_RUNS = 500 per property keeps the file under a second
 * while covering receipts spread over mid-2023 … mid-2027 (both unscheduled edges included).
 */
import fc from 'fast-check';
import type { CalendarYear } from '../directory/directory.types';
import { formatDay, isWeekday, parseDay } from './civil-date';
import { shanghaiCalendar, shanghaiCalendarYears } from './shanghai-calendar.fixture';
import { WorkingCalendar } from './working-calendar';

const SEED = 20_261_122;
const NUM_RUNS = 500;
const opts = { seed: SEED, numRuns: NUM_RUNS };

const cal = shanghaiCalendar();
const years = shanghaiCalendarYears();

/** instants from 2023-06-01 to 2027-06-30 (+08:00), millisecond resolution */
const instant = fc
  .integer({ min: Date.parse('2023-06-01T00:00:00+08:00'), max: Date.parse('2027-06-30T23:59:59.999+08:00') })
  .map((t) => new Date(t));
const days = fc.integer({ min: 0, max: 40 });

/** Reference implementation: walk day by day (slow, obviously right). */
function referenceAdd(from: Date, n: number): { dueDate: string; provisional: boolean } {
  const published = new Set(years.filter((y) => y.published !== false).map((y) => y.year));
  const holidays = new Set(years.flatMap((y) => y.holidays));
  const workdays = new Set(years.flatMap((y) => y.workdays));
  let day = Math.floor((from.getTime() + 8 * 3_600_000) / 86_400_000);
  let provisional = false;
  let left = n;
  while (left > 0) {
    day += 1;
    const s = formatDay(day);
    if (!published.has(Number(s.slice(0, 4)))) provisional = true;
    if (workdays.has(s) || (isWeekday(day) && !holidays.has(s))) left -= 1;
  }
  return { dueDate: formatDay(day), provisional };
}

const justBefore = (d: Date): Date => new Date(d.getTime() - 1);

describe('WorkingCalendar properties', () => {
  it('agrees with a day-by-day reference walk (dueDate and provisional)', () => {
    fc.assert(
      fc.property(instant, days, (from, n) => {
        const r = cal.addWorkingDays(from, n);
        const ref = referenceAdd(from, n);
        return r.dueDate === ref.dueDate && r.provisional === ref.provisional;
      }),
      opts,
    );
  });

  it('adding N then M working days equals adding N + M (chained from the exclusive end minus 1 ms)', () => {
    fc.assert(
      fc.property(instant, days, days, (from, n, m) => {
        const first = cal.addWorkingDays(from, n);
        const chained = cal.addWorkingDays(justBefore(first.due), m);
        const direct = cal.addWorkingDays(from, n + m);
        return chained.due.getTime() === direct.due.getTime() && chained.dueDate === direct.dueDate;
      }),
      opts,
    );
  });

  it('a deadline of n ≥ 1 working days ends on a working day, at 00:00 +08:00 after it', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), (from, n) => {
        const r = cal.addWorkingDays(from, n);
        return (
          cal.isWorkingDay(r.dueDate) &&
          r.due.getTime() === cal.endOfDay(r.dueDate).getTime() &&
          cal.dateOf(justBefore(r.due)) === r.dueDate &&
          r.due.getTime() > from.getTime()
        );
      }),
      opts,
    );
  });

  it('workingDaysBetween(x, addWorkingDays(x, n).due − 1 ms) === n, and n + 1 days is strictly later', () => {
    fc.assert(
      fc.property(instant, days, (from, n) => {
        const r = cal.addWorkingDays(from, n);
        const next = cal.addWorkingDays(from, n + 1);
        return cal.workingDaysBetween(from, justBefore(r.due)) === n && next.due.getTime() > r.due.getTime();
      }),
      opts,
    );
  });

  it('workingDaysBetween is additive and antisymmetric', () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, c) => {
        const ab = cal.workingDaysBetween(a, b);
        return ab + cal.workingDaysBetween(b, c) === cal.workingDaysBetween(a, c) && ab === -cal.workingDaysBetween(b, a);
      }),
      opts,
    );
  });

  it('warningTime(due, k) is 00:00 of the working day from which k working days remain', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (from, n, kRaw) => {
        const k = Math.min(kRaw, n);
        const { due } = cal.addWorkingDays(from, n);
        const warn = cal.warningTime(due, k);
        const warnDay = cal.dateOf(warn);
        return (
          warn.getTime() === cal.startOfDay(warnDay).getTime() &&
          cal.isWorkingDay(warnDay) &&
          cal.workingDaysBetween(from, warn) === n - k + 1 &&
          warn.getTime() < due.getTime()
        );
      }),
      opts,
    );
  });

  /** weekdays of 2024–2026 that are working days in the directory */
  const plainWorkingDays = (() => {
    const out: string[] = [];
    for (let d = parseDay('2024-01-01'); d <= parseDay('2026-12-31'); d++) {
      const s = formatDay(d);
      if (isWeekday(d) && cal.isWorkingDay(s)) out.push(s);
    }
    return out;
  })();
  const makeUpDays = years.flatMap((y) => y.workdays);

  it('adding holidays (or cancelling make-up days) never moves a deadline earlier', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...plainWorkingDays), { maxLength: 25 }),
        fc.subarray(makeUpDays),
        instant,
        days,
        (extraHolidays, cancelled, from, n) => {
          const changed: CalendarYear[] = years.map((y) => ({
            ...y,
            holidays: [...y.holidays, ...extraHolidays.filter((d) => d.startsWith(String(y.year)))],
            workdays: y.workdays.filter((d) => !cancelled.includes(d)),
          }));
          const fewer = new WorkingCalendar(changed);
          return fewer.addWorkingDays(from, n).due.getTime() >= cal.addWorkingDays(from, n).due.getTime();
        },
      ),
      { ...opts, numRuns: 200 },
    );
  });
});
