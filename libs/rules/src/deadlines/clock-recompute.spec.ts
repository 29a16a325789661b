import type { CalendarYear } from '../directory/directory.types';
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { NATIONAL, SHANGHAI_1_5_15 } from './clock-policy';
import { applyExtension } from './clock-extension';
import { recomputeClock } from './clock-recompute';
import { startClocks } from './deadline-clock';

const cal = shanghaiCalendar();
const y2027: CalendarYear = { year: 2027, published: true, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] };

describe('recomputeClock (a calendar year is imported)', () => {
  const [resolve] = startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-12-28T10:00'), cal, ['resolve']);

  it('a provisional deadline becomes final and later when 2027 adds a New Year holiday', () => {
    expect(resolve).toMatchObject({ dueDate: '2027-01-04', provisional: true });
    const r = recomputeClock(resolve, cal.withYear(y2027));
    expect(r).toMatchObject({ moved: true, direction: 'later', previousDueDate: '2027-01-04' });
    expect(r.clock).toMatchObject({ dueDate: '2027-01-05', provisional: false, days: 5 });
    expect(r.clock.warnAt.getTime()).toBe(cal.withYear(y2027).startOfDay('2027-01-05').getTime());
  });

  it('moves earlier, exactly, when a make-up Saturday is published — and says so', () => {
    const withMakeUp = cal.withYear({ year: 2027, holidays: [], workdays: ['2027-01-02'] });
    const r = recomputeClock(resolve, withMakeUp);
    expect(r).toMatchObject({ moved: true, direction: 'earlier' });
    expect(r.clock.dueDate).toBe('2027-01-02');
  });

  it('unchanged when the new year does not touch it', () => {
    const [inside] = startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-12-01T10:00'), cal, ['resolve']);
    expect(recomputeClock(inside, cal.withYear(y2027))).toMatchObject({ moved: false, direction: 'unchanged' });
  });

  it('an extended clock keeps its total days', () => {
    const ext = applyExtension(SHANGHAI_1_5_15, resolve, '2027-01-08', cal); // 29–31 Dec, 1, 4–8 Jan = 9 days
    if (!ext.ok) throw new Error('expected ok');
    expect(ext.clock).toMatchObject({ days: 9, provisional: true });
    const r = recomputeClock(ext.clock, cal.withYear(y2027));
    expect(r.clock).toMatchObject({ days: 9, dueDate: '2027-01-11', provisional: false });
  });

  it('a fixed upstream due does not move', () => {
    const [fixed] = startClocks(
      NATIONAL,
      { complex: false, national: { level: 'special', dueAt: '2027-01-04T18:00:00+08:00' } },
      at('2026-12-28T10:00'),
      cal,
      ['resolve'],
    );
    const r = recomputeClock(fixed, cal.withYear(y2027));
    expect(r).toMatchObject({ moved: false, direction: 'unchanged' });
    expect(r.clock.due.getTime()).toBe(fixed.due.getTime());
  });
});
