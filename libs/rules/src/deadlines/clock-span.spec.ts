/**
 * Clocks in hours and calendar days (docs/rules.md item 8; city practice, not in 沪府办〔2020〕49号):
 * "an hour clock runs around the clock; a `day` clock counts calendar days to 24:00" — and neither
 * depends on the working-day schedule, so a new calendar year never moves them.
 */
import fc from 'fast-check';
import type { CalendarYear } from '../directory/directory.types';
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { SHANGHAI_1_5_15, defineClockPolicy } from './clock-policy';
import { applyExtension } from './clock-extension';
import { recomputeClock } from './clock-recompute';
import { compileClockSettings } from './clock-settings';
import { spanEnd, spanWarnAt, type ClockUnit } from './clock-span';
import { formatClockDue, startClocks } from './deadline-clock';
import { DEFAULT_POLICY_TABLE, selectPolicy } from './policy-selection';

const cal = shanghaiCalendar();
const y2027: CalendarYear = { year: 2027, published: true, holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05'], workdays: [] };
const HOUR = 3_600_000;
const URGENT = defineClockPolicy({
  id: 'urgent-2h-24h',
  name: '紧急 2 小时反馈 / 24 小时办结',
  days: { contact: { n: 2, unit: 'hour' }, resolve: { n: 24, unit: 'hour' } },
  dispatchClocks: ['contact', 'resolve'],
  basis: 'city practice',
});
const THREE_DAYS = defineClockPolicy({ id: 'three-days', name: '3 日', days: { resolve: { n: 3, unit: 'day' } }, dispatchClocks: ['resolve'], basis: 'test' });

/** An instant in 2026–2027, to the millisecond. */
const instant = fc.integer({ min: at('2026-01-01T00:00').getTime(), max: at('2027-12-20T00:00').getTime() }).map((t) => new Date(t));

describe('clock spans in hours and calendar days', () => {
  it('a 2-hour contact and a 24-hour resolve run around the clock, through a night and a holiday', () => {
    const start = at('2026-10-01T22:30'); // National Day, a holiday
    const [contact, resolve] = startClocks(URGENT, { complex: false }, start, cal);
    expect(contact).toMatchObject({ unit: 'hour', days: 2, dueDate: '2026-10-02', provisional: false });
    expect(contact.due.getTime() - start.getTime()).toBe(2 * HOUR);
    expect(resolve.due.getTime() - start.getTime()).toBe(24 * HOUR);
    // the wire form stays the last second inside the period
    expect(formatClockDue(contact, 'Asia/Shanghai')).toBe('2026-10-02T00:29:59+08:00');
    // warned when a quarter of the span remains
    expect(contact.warnAt.getTime()).toBe(contact.due.getTime() - HOUR / 2);
  });

  it('a 3-day clock counts calendar days after the day of the start, to 24:00, holidays included', () => {
    const [c] = startClocks(THREE_DAYS, { complex: false }, at('2026-09-30T15:00'), cal);
    expect(c).toMatchObject({ unit: 'day', dueDate: '2026-10-03' });
    expect(c.due.getTime()).toBe(cal.endOfDay('2026-10-03').getTime());
  });

  it('property: an hour span is exactly n hours; a day span ends at 24:00 n calendar days after the start\'s day; a workday span is the calendar\'s', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 72 }), (from, n) => {
        const h = spanEnd(cal, from, { n, unit: 'hour' });
        expect(h.due.getTime() - from.getTime()).toBe(n * HOUR);
        expect(h.dueDate).toBe(cal.dateOf(new Date(h.due.getTime() - 1)));
        const d = spanEnd(cal, from, { n, unit: 'day' });
        expect(d.due.getTime()).toBe(cal.endOfDay(d.dueDate).getTime());
        expect(Math.round((cal.startOfDay(d.dueDate).getTime() - cal.startOfDay(cal.dateOf(from)).getTime()) / 86_400_000)).toBe(n);
        expect(spanEnd(cal, from, { n: n % 30, unit: 'workday' })).toEqual(cal.addWorkingDays(from, n % 30));
      }),
    );
  });

  it('property: the warning lies between the start and the due, for every unit', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 }), fc.constantFrom<ClockUnit>('workday', 'day', 'hour'), fc.integer({ min: 0, max: 3 }), (from, n, unit, before) => {
        const { due } = spanEnd(cal, from, { n, unit });
        const warn = spanWarnAt(cal, from, due, before, unit);
        expect(warn.getTime()).toBeGreaterThanOrEqual(from.getTime());
        expect(warn.getTime()).toBeLessThanOrEqual(due.getTime());
      }),
    );
  });

  it('property: a new calendar year never moves an hour or a calendar-day clock', () => {
    const changed = cal.withYear(y2027);
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), fc.constantFrom<ClockUnit>('day', 'hour'), (from, n, unit) => {
        const p = defineClockPolicy({ id: 'p', name: 'p', days: { resolve: { n, unit } }, dispatchClocks: ['resolve'], basis: 'test' });
        const [c] = startClocks(p, { complex: false }, from, cal);
        const r = recomputeClock(c, changed);
        expect(r.moved).toBe(false);
        expect(r.clock).toEqual(c);
      }),
    );
  });

  it('hour and calendar-day clocks are not extended (not_extendable); a policy cannot cap an extension of one', () => {
    const [, resolve] = startClocks(URGENT, { complex: false }, at('2026-11-02T09:00'), cal);
    expect(applyExtension(SHANGHAI_1_5_15, resolve, '2026-11-06', cal)).toMatchObject({ ok: false, error: 'not_extendable' });
    expect(() =>
      defineClockPolicy({ id: 'x', name: 'x', days: { resolve: { n: 24, unit: 'hour' } }, extensionCap: { normal: 5, complex: 5 }, dispatchClocks: ['resolve'], basis: 'test' }),
    ).toThrow(/working days/);
    expect(() => defineClockPolicy({ id: 'x', name: 'x', days: { resolve: { n: 2, unit: 'week' as 'day' } }, dispatchClocks: ['resolve'], basis: 'test' })).toThrow(/unit/);
  });

  it('the order\'s urgency picks the policy through the office\'s table; ids and fields are checked by path', () => {
    const table = { rules: [...DEFAULT_POLICY_TABLE.rules, { source: 'hotline' as const, urgency: 'urgent' as const, policyId: URGENT.id }], defaultPolicyId: 'shanghai-1-5-15' };
    expect(selectPolicy(table, 'hotline', 'complaint', 'urgent')).toBe(URGENT.id);
    expect(selectPolicy(table, 'hotline', 'complaint', 'normal')).toBe('shanghai-1-5-15');
    expect(selectPolicy(table, 'national', 'complaint', 'urgent')).toBe('national');
    const ok = compileClockSettings({ policies: [URGENT], table });
    expect(ok.ok && ok.value.policies[URGENT.id].days.contact).toEqual({ n: 2, unit: 'hour' });
    const bad = compileClockSettings({
      policies: [{ ...URGENT, id: 'national' }, { ...URGENT, id: 'neg', days: { contact: { n: -1, unit: 'hour' } } }],
      table: { rules: [{ urgency: 'urgent', policyId: 'nope' }], defaultPolicyId: 'shanghai-1-5-15' },
    });
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['policies[0].id', 'policies[1]', 'table.rules[0].policyId']);
  });
});
