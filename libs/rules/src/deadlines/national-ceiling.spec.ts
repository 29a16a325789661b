/**
 * 沪府办〔2020〕49号 Art. 5: "“国办转办投诉建议”有特殊要求的作个案处理，“一般”类留言的办理期限，最长不超过25个工作日，
 * “特殊/紧急”类留言的办理期限以系统提示为准。" The 25 WD are a ceiling counted from the transfer; inside
 * it the item runs on 1/5/15 like any other (docs/rules.md, item 1).
 */
import fc from 'fast-check';
import { formatInstant } from '../calendar/rfc3339-format';
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { NATIONAL } from './clock-policy';
import { applyExtension } from './clock-extension';
import { recomputeClock } from './clock-recompute';
import { formatClockDue, startClocks, type DeadlineClock } from './deadline-clock';

const cal = shanghaiCalendar();
const TRANSFERRED = '2026-11-02T08:00:00+08:00'; // Monday; 25 WD → Monday 7 Dec 2026
const general = (transferredAt: string = TRANSFERRED, complex = false) => ({ complex, national: { level: 'general' as const, transferredAt } });
const resolveOf = (clocks: DeadlineClock[]): DeadlineClock => {
  const c = clocks.find((x) => x.type === 'resolve');
  if (!c) throw new Error('no resolve clock');
  return c;
};

describe('national ceiling: 25 WD from the transfer, not a restart (沪府办〔2020〕49号 Art. 5)', () => {
  it('inside the ceiling a national item is handled on 1/5/15: contact 1, resolve 5 from dispatch', () => {
    const clocks = startClocks(NATIONAL, general(), at('2026-11-03T10:00'), cal);
    const resolve = resolveOf(clocks);
    expect(clocks.find((c) => c.type === 'contact')?.dueDate).toBe('2026-11-04');
    expect(resolve).toMatchObject({ days: 5, dueDate: '2026-11-10' });
    expect(resolve.ceiling).toEqual({ from: new Date(TRANSFERRED), days: 25 });
  });

  it('a complex item gets 15 WD, still inside the ceiling', () => {
    expect(resolveOf(startClocks(NATIONAL, general(TRANSFERRED, true), at('2026-11-03T10:00'), cal)).dueDate).toBe('2026-11-24');
  });

  it('a reopen late in the 25 days ends at the ceiling, not 5 WD later (the day of transfer not counted)', () => {
    // reopened Thursday 3 Dec: 5 WD would be Thursday 10 Dec; the ceiling is Monday 7 Dec
    const resolve = resolveOf(startClocks(NATIONAL, general(), at('2026-12-03T10:00'), cal, ['resolve']));
    expect(resolve).toMatchObject({ days: 5, dueDate: '2026-12-07' });
    expect(formatClockDue(resolve)).toBe('2026-12-07T23:59:59+08:00');
    expect(formatInstant(resolve.warnAt)).toBe('2026-12-07T00:00:00+08:00');
  });

  it('a restart after the ceiling has passed is due at the ceiling: already missed', () => {
    const resolve = resolveOf(startClocks(NATIONAL, general(), at('2026-12-10T10:00'), cal, ['resolve']));
    expect(resolve.dueDate).toBe('2026-12-07');
    expect(resolve.due.getTime()).toBeLessThan(at('2026-12-10T10:00').getTime());
  });

  it('no start, restart or recomputation ever ends after the ceiling (property)', () => {
    const ceiling = cal.addWorkingDays(new Date(TRANSFERRED), 25).due.getTime();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 }), fc.boolean(), (hours, complex) => {
        const startedAt = new Date(new Date(TRANSFERRED).getTime() + hours * 3_600_000);
        const resolve = resolveOf(startClocks(NATIONAL, general(TRANSFERRED, complex), startedAt, cal));
        const own = cal.addWorkingDays(startedAt, complex ? 15 : 5).due.getTime();
        expect(resolve.due.getTime()).toBe(Math.min(own, ceiling));
        expect(recomputeClock(resolve, cal).clock.due.getTime()).toBe(resolve.due.getTime());
      }),
    );
  });

  it('an extension may not pass the ceiling (申请延期 within 25 WD of the transfer)', () => {
    const resolve = resolveOf(startClocks(NATIONAL, general(), at('2026-11-20T10:00'), cal, ['resolve'])); // own 5 WD → 27 Nov
    expect(resolve.dueDate).toBe('2026-11-27');
    expect(applyExtension(NATIONAL, resolve, '2026-12-07', cal)).toMatchObject({ ok: true, dueDate: '2026-12-07', cap: '2026-12-07' });
    expect(applyExtension(NATIONAL, resolve, '2026-12-08', cal)).toEqual({ ok: false, error: 'beyond_cap', cap: '2026-12-07' });
  });

  it('特殊/紧急 items keep the platform’s dueAt; a general item without transferredAt is refused loudly', () => {
    const special = { complex: false, national: { level: 'special' as const, dueAt: '2026-12-20T18:00:00+08:00', transferredAt: TRANSFERRED } };
    expect(formatClockDue(resolveOf(startClocks(NATIONAL, special, at('2026-11-03T10:00'), cal)))).toBe('2026-12-20T18:00:00+08:00');
    expect(() => startClocks(NATIONAL, { complex: false, national: { level: 'general' } }, at('2026-11-03T10:00'), cal)).toThrow(/transferredAt/);
  });
});
