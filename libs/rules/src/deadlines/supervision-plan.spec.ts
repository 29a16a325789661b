import { formatInstant } from '../calendar/rfc3339-format';
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { SHANGHAI_1_5_15 } from './clock-policy';
import { supervisionPlan } from './supervision-plan';

const cal = shanghaiCalendar();
// resolve clock received 13 Feb 2026, 5 WD → ends with 27 Feb (exclusive end 28 Feb 00:00)
const due = cal.addWorkingDays(at('2026-02-13T10:00'), 5).due;

describe('supervisionPlan (督办)', () => {
  it('climbs unit → parent → office, then stays at office, once per working day', () => {
    const steps = [0, 1, 2, 3, 4].map((n) => supervisionPlan(due, 1, cal, SHANGHAI_1_5_15, n));
    expect(steps.map((s) => s.level)).toEqual(['unit', 'parent', 'office', 'office', 'office']);
    expect(steps.map((s) => formatInstant(s.at))).toEqual([
      '2026-02-28T00:00:00+08:00', // the moment it is missed
      '2026-03-01T00:00:00+08:00', // 28 Feb is a make-up Saturday: a working day
      '2026-03-03T00:00:00+08:00', // Sunday 1 Mar skipped
      '2026-03-04T00:00:00+08:00',
      '2026-03-05T00:00:00+08:00',
    ]);
    expect(steps.every((s) => !s.provisional)).toBe(true);
  });

  it('every 2 working days', () => {
    expect(formatInstant(supervisionPlan(due, 2, cal, SHANGHAI_1_5_15, 1).at)).toBe('2026-03-03T00:00:00+08:00');
    expect(formatInstant(supervisionPlan(due, 2, cal, SHANGHAI_1_5_15, 2).at)).toBe('2026-03-05T00:00:00+08:00');
  });

  it('a custom ladder, and provisional rounds in an unpublished year', () => {
    expect(supervisionPlan(due, 1, cal, { supervisionLevels: ['office'] }, 0).level).toBe('office');
    const lateDue = cal.endOfDay('2026-12-31');
    expect(supervisionPlan(lateDue, 1, cal, SHANGHAI_1_5_15, 1)).toMatchObject({ provisional: true, level: 'parent' });
  });

  it('validates its counts', () => {
    expect(() => supervisionPlan(due, 1, cal, SHANGHAI_1_5_15, -1)).toThrow(RangeError);
    expect(() => supervisionPlan(due, 0, cal, SHANGHAI_1_5_15, 1)).toThrow(RangeError);
  });
});
