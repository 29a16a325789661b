import type { CalendarYear } from '../directory/directory.types';
import { formatDue, formatInstant } from './rfc3339-format';
import { at, shanghaiCalendar, shanghaiCalendarYears, SHANGHAI_DIRECTORY_PATH } from './shanghai-calendar.fixture';
import { WorkingCalendar } from './working-calendar';

const cal = shanghaiCalendar();

describe('WorkingCalendar with the Shanghai directory calendar', () => {
  it('loads the example directory file', () => {
    expect(SHANGHAI_DIRECTORY_PATH.endsWith('/data/shanghai-directory.json')).toBe(true);
    expect(cal.years().map((y) => y.year)).toEqual([2024, 2025, 2026]);
    expect(cal.timeZone).toBe('Asia/Shanghai');
    expect(cal.offsetMinutes).toBe(480);
  });

  describe('isWorkingDay', () => {
    it.each([
      ['2026-02-13', true, 'Friday before Spring Festival'],
      ['2026-02-14', true, 'make-up Saturday (调休)'],
      ['2026-02-15', false, 'Spring Festival holiday (a Sunday)'],
      ['2026-02-16', false, 'Spring Festival holiday (a Monday)'],
      ['2026-02-23', false, 'last Spring Festival holiday (Monday)'],
      ['2026-02-24', true, 'first day back'],
      ['2026-02-28', true, 'make-up Saturday'],
      ['2026-03-01', false, 'plain Sunday'],
      ['2026-01-02', false, 'New Year holiday (Friday)'],
      ['2026-01-04', true, 'make-up Sunday'],
      ['2026-09-20', true, 'make-up Sunday before National Day'],
      ['2026-09-25', false, 'Mid-Autumn (Friday)'],
      ['2026-10-07', false, 'National Day (Wednesday)'],
      ['2026-10-10', true, 'make-up Saturday after National Day'],
      ['2024-02-09', true, '除夕 2024 was not an official holiday'],
      ['2025-05-31', false, 'Dragon Boat (Saturday, inside the holiday)'],
      ['2025-06-02', false, 'Dragon Boat (Monday)'],
      ['2027-01-01', true, 'no 2027 schedule: weekdays only'],
      ['2027-01-02', false, 'no 2027 schedule: Saturday'],
      ['2023-10-02', true, 'no 2023 schedule: weekdays only'],
    ])('%s → %s (%s)', (date, expected) => {
      expect(cal.isWorkingDay(date)).toBe(expected);
    });

    it('rejects malformed and impossible dates', () => {
      expect(() => cal.isWorkingDay('2026-2-3')).toThrow(RangeError);
      expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
      expect(() => cal.isWorkingDay('')).toThrow(RangeError);
    });
  });

  it('isPublished / hasSchedule', () => {
    expect(cal.isPublished(2024)).toBe(true);
    expect(cal.isPublished(2026)).toBe(true);
    expect(cal.isPublished(2027)).toBe(false);
    expect(cal.hasSchedule(2023)).toBe(false);
  });

  describe('addWorkingDays: concrete deadlines (day of receipt not counted, Civil Code Art. 201)', () => {
    // [received (local +08:00), N, last working day, why]
    const cases: Array<[string, number, string, string]> = [
      // Spring Festival 2026: off 15–23 Feb, make-up Saturdays 14 and 28 Feb
      ['2026-02-13T23:30', 1, '2026-02-14', 'Friday night → the make-up Saturday counts'],
      ['2026-02-13T23:30', 5, '2026-02-27', '14 Feb, then 24–27 Feb'],
      ['2026-02-13T10:00', 15, '2026-03-12', 'complex: 14, 24–28 Feb (28 worked), 2–6, 9–12 Mar'],
      ['2026-02-14T09:00', 1, '2026-02-24', 'received on a make-up day: that day is not counted'],
      ['2026-02-18T11:00', 1, '2026-02-24', 'received on a holiday'],
      ['2026-02-18T11:00', 5, '2026-02-28', 'received on a holiday; 5th day is the make-up Saturday'],
      ['2026-02-23T20:00', 1, '2026-02-24', 'received on the last holiday'],
      ['2026-02-12T08:00', 1, '2026-02-13', 'plain next day'],
      ['2026-02-27T18:00', 1, '2026-02-28', 'Friday → make-up Saturday'],
      // New Year 2026: off 1–3 Jan, 4 Jan (Sunday) worked; crosses 2025 → 2026
      ['2025-12-31T17:00', 1, '2026-01-04', 'New Year: the make-up Sunday'],
      ['2025-12-31T17:00', 5, '2026-01-08', '4, 5, 6, 7, 8 Jan'],
      ['2025-12-30T09:00', 1, '2025-12-31', 'last day of 2025'],
      ['2026-01-01T10:00', 1, '2026-01-04', 'received on New Year’s Day'],
      ['2026-01-04T10:00', 1, '2026-01-05', 'received on the make-up Sunday'],
      // Mid-Autumn + National Day 2026: off 25–27 Sep and 1–7 Oct; 20 Sep and 10 Oct worked
      ['2026-09-18T23:30', 1, '2026-09-20', 'Friday night → the make-up Sunday'],
      ['2026-09-18T23:30', 5, '2026-09-24', '20, 21, 22, 23, 24 Sep'],
      ['2026-09-24T15:00', 1, '2026-09-28', 'Mid-Autumn 25–27 Sep skipped'],
      ['2026-09-24T15:00', 5, '2026-10-09', '28, 29, 30 Sep, 8, 9 Oct'],
      ['2026-09-30T12:00', 1, '2026-10-08', 'Golden Week skipped'],
      ['2026-09-30T12:00', 3, '2026-10-10', '8, 9 Oct and the make-up Saturday'],
      ['2026-10-03T12:00', 5, '2026-10-13', 'received in Golden Week: 8, 9, 10, 12, 13 Oct'],
      ['2026-09-10T09:00', 15, '2026-10-08', 'complex across both holidays'],
      ['2026-09-10T09:00', 25, '2026-10-21', 'national general 25 across both holidays'],
      // 2024
      ['2024-02-02T16:00', 1, '2024-02-04', 'make-up Sunday 4 Feb 2024'],
      ['2024-02-08T16:00', 1, '2024-02-09', '除夕 2024 was a working day'],
      ['2024-02-08T16:00', 2, '2024-02-18', 'Spring Festival 10–17 Feb, make-up Sunday 18 Feb'],
      ['2024-04-26T16:00', 1, '2024-04-28', 'make-up Sunday before Labour Day'],
      ['2024-04-26T16:00', 5, '2024-05-07', '28, 29, 30 Apr, 6, 7 May'],
      ['2024-09-13T23:30', 1, '2024-09-14', 'Friday night → make-up Saturday before Mid-Autumn'],
      ['2024-09-30T10:00', 1, '2024-10-08', 'Golden Week 2024'],
      ['2024-09-27T10:00', 5, '2024-10-10', '29, 30 Sep, 8, 9, 10 Oct'],
      ['2024-09-27T10:00', 15, '2024-10-23', 'complex, make-up Saturday 12 Oct counts'],
      // 2025
      ['2025-01-24T10:00', 1, '2025-01-26', 'make-up Sunday before Spring Festival 2025'],
      ['2025-01-24T10:00', 5, '2025-02-07', '26, 27 Jan, 5, 6, 7 Feb'],
      ['2025-01-24T10:00', 6, '2025-02-08', '6th is the make-up Saturday'],
      ['2025-05-30T23:30', 1, '2025-06-03', 'Dragon Boat 31 May – 2 Jun'],
      ['2025-09-26T10:00', 1, '2025-09-28', 'make-up Sunday 28 Sep 2025'],
      ['2025-09-30T10:00', 1, '2025-10-09', 'eight-day Golden Week 2025'],
      ['2025-09-30T10:00', 3, '2025-10-11', '9, 10 Oct and the make-up Saturday'],
      ['2025-04-25T10:00', 1, '2025-04-27', 'make-up Sunday before Labour Day 2025'],
      ['2025-04-25T10:00', 3, '2025-04-29', '27, 28, 29 Apr'],
      ['2025-04-25T10:00', 5, '2025-05-06', '27–30 Apr, 6 May'],
    ];

    it.each(cases)('received %s + %i WD → %s (%s)', (received, n, dueDate) => {
      const r = cal.addWorkingDays(at(received), n);
      expect(r.dueDate).toBe(dueDate);
      expect(r.provisional).toBe(false);
      // exclusive end = 00:00 +08:00 of the next calendar day; wire form = last second of dueDate
      expect(formatDue(r.due)).toBe(`${dueDate}T23:59:59+08:00`);
      expect(r.due.getTime()).toBe(cal.endOfDay(dueDate).getTime());
      expect(cal.isWorkingDay(r.dueDate)).toBe(true);
      expect(cal.workingDaysBetween(at(received), new Date(r.due.getTime() - 1))).toBe(n);
    });

    it('has at least 30 concrete cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(30);
    });
  });

  describe('time of day and zone', () => {
    it('counts from the Asia/Shanghai date, not the UTC date', () => {
      // 2026-02-13T15:59:59Z is Friday 23:59:59 in Shanghai; one second later it is the make-up Saturday
      expect(cal.addWorkingDays(new Date('2026-02-13T15:59:59Z'), 1).dueDate).toBe('2026-02-14');
      expect(cal.addWorkingDays(new Date('2026-02-13T16:00:00Z'), 1).dueDate).toBe('2026-02-24');
    });

    it('returns the exclusive end instant and its wire forms', () => {
      const r = cal.addWorkingDays(at('2026-02-13T23:30'), 1);
      expect(r.due.toISOString()).toBe('2026-02-14T16:00:00.000Z');
      expect(formatInstant(r.due)).toBe('2026-02-15T00:00:00+08:00');
      expect(formatDue(r.due)).toBe('2026-02-14T23:59:59+08:00');
    });

    it('n = 0 ends with the day of receipt (Yunnan on-site class), whether or not it is a working day', () => {
      const r = cal.addWorkingDays(at('2026-02-15T10:00'), 0);
      expect(r.dueDate).toBe('2026-02-15');
      expect(formatInstant(r.due)).toBe('2026-02-16T00:00:00+08:00');
      expect(r.provisional).toBe(false);
    });

    it('rejects a negative or fractional n and an invalid date', () => {
      expect(() => cal.addWorkingDays(at('2026-02-13T10:00'), -1)).toThrow(RangeError);
      expect(() => cal.addWorkingDays(at('2026-02-13T10:00'), 1.5)).toThrow(RangeError);
      expect(() => cal.addWorkingDays(at('2026-02-13T10:00'), Number.NaN)).toThrow(RangeError);
      expect(() => cal.addWorkingDays(new Date('nope'), 1)).toThrow(RangeError);
    });
  });

  describe('years without a schedule → provisional', () => {
    it('a deadline reaching into 2027 is provisional (weekends only) and is final once 2027 is imported', () => {
      const received = at('2026-12-28T10:00');
      const before = cal.addWorkingDays(received, 5);
      // 29, 30, 31 Dec 2026, then 1 Jan 2027 (a Friday, counted as a weekday) and Mon 4 Jan
      expect(before).toMatchObject({ dueDate: '2027-01-04', provisional: true });

      const y2027: CalendarYear = { year: 2027, published: true, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] };
      const after = cal.withYear(y2027);
      expect(after.isPublished(2027)).toBe(true);
      expect(after.addWorkingDays(received, 5)).toMatchObject({ dueDate: '2027-01-05', provisional: false });
      // the original calendar is unchanged
      expect(cal.addWorkingDays(received, 5).dueDate).toBe('2027-01-04');
    });

    it('a deadline inside 2026 is not provisional even if received late in the year', () => {
      expect(cal.addWorkingDays(at('2026-12-28T10:00'), 3)).toMatchObject({ dueDate: '2026-12-31', provisional: false });
      expect(cal.addWorkingDays(at('2026-12-31T10:00'), 1)).toMatchObject({ dueDate: '2027-01-01', provisional: true });
    });

    it('receipt in an unscheduled year, deadline in a scheduled one: provisional (days of 2023 were counted)', () => {
      expect(cal.addWorkingDays(at('2023-12-29T10:00'), 1)).toMatchObject({ dueDate: '2024-01-02', provisional: true });
      // received on 31 Dec 2023: only 2024 days are counted → final
      expect(cal.addWorkingDays(at('2023-12-31T10:00'), 1)).toMatchObject({ dueDate: '2024-01-02', provisional: false });
    });

    it('an entry with published: false is applied but provisional', () => {
      const draft = cal.withYear({ year: 2027, published: false, holidays: ['2027-01-01'], workdays: [] });
      expect(draft.hasSchedule(2027)).toBe(true);
      expect(draft.isPublished(2027)).toBe(false);
      expect(draft.addWorkingDays(at('2026-12-31T10:00'), 1)).toMatchObject({ dueDate: '2027-01-04', provisional: true });
    });

    it('a gap year between scheduled years counts weekends only and is provisional', () => {
      const gap = new WorkingCalendar(shanghaiCalendarYears().filter((y) => y.year !== 2025));
      expect(gap.isWorkingDay('2025-10-01')).toBe(true);
      expect(gap.addWorkingDays(at('2025-09-30T10:00'), 1)).toMatchObject({ dueDate: '2025-10-01', provisional: true });
      expect(gap.addWorkingDays(at('2026-02-13T10:00'), 1)).toMatchObject({ dueDate: '2026-02-14', provisional: false });
    });

    it('an empty calendar counts weekdays only, everything provisional', () => {
      const empty = new WorkingCalendar([]);
      expect(empty.addWorkingDays(at('2026-02-13T10:00'), 1)).toMatchObject({ dueDate: '2026-02-16', provisional: true });
      expect(empty.addWorkingDays(at('2026-02-13T10:00'), 5)).toMatchObject({ dueDate: '2026-02-20', provisional: true });
      expect(empty.workingDaysBetween(at('2026-02-13T10:00'), at('2026-02-20T10:00'))).toBe(5);
    });
  });

  describe('workingDaysBetween', () => {
    it('counts working days after a’s day up to and including b’s day', () => {
      expect(cal.workingDaysBetween(at('2026-02-13T23:30'), at('2026-02-24T00:00'))).toBe(2); // 14, 24 Feb
      expect(cal.workingDaysBetween(at('2026-02-13T23:30'), at('2026-02-13T23:59'))).toBe(0);
      expect(cal.workingDaysBetween(at('2026-02-14T09:00'), at('2026-02-23T09:00'))).toBe(0);
      expect(cal.workingDaysBetween(at('2026-01-01T00:00'), at('2026-12-31T00:00'))).toBe(
        // 2026 working days minus none on 1 Jan (a holiday): every working day of the year
        countWorkingDays(cal, '2026-01-02', '2026-12-31'),
      );
    });

    it('is negative when b is before a', () => {
      expect(cal.workingDaysBetween(at('2026-02-24T09:00'), at('2026-02-13T09:00'))).toBe(-2);
    });
  });

  describe('warningTime (预警)', () => {
    it('N = 1, 1 day before: start of working day 1', () => {
      const due = cal.addWorkingDays(at('2026-02-13T23:30'), 1).due;
      expect(formatInstant(cal.warningTime(due, 1))).toBe('2026-02-14T00:00:00+08:00');
    });

    it('Friday-night receipt, N = 1: the warning starts Monday 00:00, not Saturday', () => {
      const due = cal.addWorkingDays(at('2026-03-06T23:30'), 1).due; // Fri → Mon 9 Mar
      expect(formatInstant(cal.warningTime(due, 1))).toBe('2026-03-09T00:00:00+08:00');
    });

    it('N = 5 across Spring Festival: 1 day before = start of the 5th day, 2 days before = start of the 4th', () => {
      const due = cal.addWorkingDays(at('2026-02-13T10:00'), 5).due; // 14, 24, 25, 26, 27 Feb
      expect(formatInstant(cal.warningTime(due, 1))).toBe('2026-02-27T00:00:00+08:00');
      expect(formatInstant(cal.warningTime(due, 2))).toBe('2026-02-26T00:00:00+08:00');
      expect(formatInstant(cal.warningTime(due, 4))).toBe('2026-02-24T00:00:00+08:00');
      expect(formatInstant(cal.warningTime(due, 5))).toBe('2026-02-14T00:00:00+08:00');
    });

    it('0 days before is the due itself; a fixed due on a non-working day warns on the working day before', () => {
      const due = cal.addWorkingDays(at('2026-02-13T10:00'), 5).due;
      expect(cal.warningTime(due, 0).getTime()).toBe(due.getTime());
      // national dueAt Sunday 2026-03-08 18:00 → warn from Friday 6 Mar 00:00
      expect(formatInstant(cal.warningTime(at('2026-03-08T18:00'), 1))).toBe('2026-03-06T00:00:00+08:00');
      // Sunday 1 Mar 18:00 → the make-up Saturday 28 Feb is the last working day before it
      expect(formatInstant(cal.warningTime(at('2026-03-01T18:00'), 1))).toBe('2026-02-28T00:00:00+08:00');
      expect(() => cal.warningTime(due, -1)).toThrow(RangeError);
    });
  });

  describe('construction', () => {
    it('rejects bad schedules, naming the entry', () => {
      expect(() => new WorkingCalendar([{ year: 2026, holidays: ['2026-02-30'], workdays: [] }])).toThrow(/2026 holidays/);
      expect(() => new WorkingCalendar([{ year: 2026, holidays: ['2025-12-31'], workdays: [] }])).toThrow(/not in 2026/);
      expect(() => new WorkingCalendar([{ year: 2026, holidays: ['2026-01-04'], workdays: ['2026-01-04'] }])).toThrow(/both/);
      expect(() =>
        new WorkingCalendar([
          { year: 2026, holidays: [], workdays: [] },
          { year: 2026, holidays: [], workdays: [] },
        ]),
      ).toThrow(/twice/);
    });

    it('supports fixed-offset zones only', () => {
      expect(new WorkingCalendar([], 'UTC').offsetMinutes).toBe(0);
      expect(new WorkingCalendar([], '+08:00').offsetMinutes).toBe(480);
      expect(() => new WorkingCalendar([], 'Europe/Berlin')).toThrow(RangeError);
    });

    it('withYear replaces a year', () => {
      const changed = cal.withYear({ year: 2026, holidays: [], workdays: [] });
      expect(changed.isWorkingDay('2026-02-16')).toBe(true);
      expect(changed.isWorkingDay('2026-02-14')).toBe(false);
      expect(cal.isWorkingDay('2026-02-16')).toBe(false);
      expect(changed.years().map((y) => y.year)).toEqual([2024, 2025, 2026]);
    });

    it('dateOf / startOfDay / endOfDay', () => {
      expect(cal.dateOf(new Date('2026-02-13T16:00:00Z'))).toBe('2026-02-14');
      expect(cal.startOfDay('2026-02-14').toISOString()).toBe('2026-02-13T16:00:00.000Z');
      expect(cal.endOfDay('2026-02-14').toISOString()).toBe('2026-02-14T16:00:00.000Z');
    });
  });
});

function countWorkingDays(c: WorkingCalendar, from: string, to: string): number {
  let n = 0;
  for (let d = c.startOfDay(from).getTime(); d <= c.startOfDay(to).getTime(); d += 86_400_000) {
    if (c.isWorkingDay(c.dateOf(new Date(d)))) n++;
  }
  return n;
}
