/**
 * Cross-check against the independent `chinese-days` package (its own copy of the State Council
 * schedules). A disagreement is reported by a failing test listing the dates — never silenced:
 * either the directory data or the package is wrong, and an operator must look.
 *
 * chinese-days is given `YYYY-MM-DD` strings only: it reads them as UTC midnight but formats
 * with local getters, which is correct in any zone at or east of UTC (the test process runs in
 * UTC or +08:00).
 */
import fc from 'fast-check';
import { findWorkday, isWorkday } from 'chinese-days';
import { formatDay, parseDay } from './civil-date';
import { at, shanghaiCalendar } from './shanghai-calendar.fixture';

const cal = shanghaiCalendar();
const first = parseDay('2024-01-01');
const last = parseDay('2026-12-31');

describe('cross-check with chinese-days (2024–2026)', () => {
  it('the process zone is not west of UTC (chinese-days needs that for string dates)', () => {
    expect(new Date(2026, 0, 1).getTimezoneOffset()).toBeLessThanOrEqual(0);
  });

  it('every date of 2024–2026: isWorkingDay equals chinese-days isWorkday', () => {
    const disagreements: string[] = [];
    for (let d = first; d <= last; d++) {
      const date = formatDay(d);
      const ours = cal.isWorkingDay(date);
      const theirs = isWorkday(date);
      if (ours !== theirs) disagreements.push(`${date}: directory ${ours ? 'working' : 'off'}, chinese-days ${theirs ? 'working' : 'off'}`);
    }
    expect(disagreements).toEqual([]);
    expect(last - first + 1).toBe(1096);
  });

  it('due dates equal chinese-days findWorkday(n, day of receipt) for a sample of dates and N', () => {
    // receipts up to 2026-10-31 so that 30 working days stay inside the published years
    const receipt = fc.integer({ min: first, max: parseDay('2026-10-31') }).map(formatDay);
    const mismatches: string[] = [];
    fc.assert(
      fc.property(receipt, fc.integer({ min: 1, max: 30 }), fc.constantFrom('00:00', '09:30', '23:30'), (date, n, time) => {
        const ours = cal.addWorkingDays(at(`${date}T${time}`), n);
        const theirs = findWorkday(n, date);
        if (ours.dueDate !== theirs || ours.provisional) mismatches.push(`${date} +${n}: ours ${ours.dueDate}, chinese-days ${theirs}`);
        return true;
      }),
      { seed: 20_261_122, numRuns: 2000 },
    );
    expect(mismatches).toEqual([]);
  });

  it('every holiday-adjacent receipt (N = 1…15) agrees as well', () => {
    const mismatches: string[] = [];
    for (let d = first; d <= parseDay('2026-11-30'); d++) {
      const date = formatDay(d);
      const next = formatDay(d + 1);
      // only days where the next day is special (a holiday weekday or a worked weekend)
      if (cal.isWorkingDay(next) === isWeekdayString(next)) continue;
      for (let n = 1; n <= 15; n++) {
        const ours = cal.addWorkingDays(at(`${date}T12:00`), n).dueDate;
        const theirs = findWorkday(n, date);
        if (ours !== theirs) mismatches.push(`${date} +${n}: ours ${ours}, chinese-days ${theirs}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

function isWeekdayString(date: string): boolean {
  const w = new Date(`${date}T00:00:00Z`).getUTCDay();
  return w >= 1 && w <= 5;
}
