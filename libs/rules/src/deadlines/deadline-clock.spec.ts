import { formatInstant } from '../calendar/rfc3339-format';
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { NATIONAL, SHANGHAI_1_5_15, YUNNAN_2_3_10, defineClockPolicy } from './clock-policy';
import { evaluateClock, formatClockDue, startClocks, type DeadlineClock } from './deadline-clock';

const cal = shanghaiCalendar();
const byType = (clocks: DeadlineClock[]): Record<string, DeadlineClock> => Object.fromEntries(clocks.map((c) => [c.type, c]));

describe('startClocks', () => {
  it('Shanghai normal: contact 1, resolve 5, received Friday night before Spring Festival 2026', () => {
    const clocks = startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-02-13T23:30'), cal);
    expect(clocks.map((c) => c.type)).toEqual(['contact', 'resolve']);
    const { contact, resolve } = byType(clocks);
    expect(contact).toMatchObject({ dueDate: '2026-02-14', days: 1, provisional: false, state: 'running', policyId: 'shanghai-1-5-15' });
    expect(formatClockDue(contact)).toBe('2026-02-14T23:59:59+08:00');
    expect(formatInstant(contact.warnAt)).toBe('2026-02-14T00:00:00+08:00');
    expect(resolve).toMatchObject({ dueDate: '2026-02-27', days: 5, baseDays: 5 });
    expect(formatInstant(resolve.warnAt)).toBe('2026-02-27T00:00:00+08:00');
    expect(formatInstant(resolve.startedAt)).toBe('2026-02-13T23:30:00+08:00');
  });

  it('Shanghai complex: resolve 15', () => {
    const { resolve } = byType(startClocks(SHANGHAI_1_5_15, { complex: true }, at('2026-02-13T10:00'), cal));
    expect(resolve).toMatchObject({ dueDate: '2026-03-12', days: 15, complex: true });
  });

  it('Shanghai objection, appeal and return clocks on request (沪府办〔2020〕49号 Art. 4(一), 6, 7)', () => {
    const c = byType(startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-09-24T15:00'), cal, ['objection', 'appeal', 'return']));
    expect(c.objection.dueDate).toBe('2026-10-09');
    expect(c.return.dueDate).toBe('2026-10-09');
    // 28, 29, 30 Sep, 8, 9, 10 (Sat), 12–16, 19–22 Oct
    expect(c.appeal.dueDate).toBe('2026-10-22');
  });

  it('national general: resolve 5 under the 25-WD ceiling, return 5, contact 1', () => {
    const subject = { complex: false, national: { level: 'general' as const, transferredAt: '2026-09-09T09:00:00+08:00' } };
    const c = byType(startClocks(NATIONAL, subject, at('2026-09-10T09:00'), cal, ['contact', 'resolve', 'return']));
    expect(c.contact.dueDate).toBe('2026-09-11');
    expect(c.resolve.dueDate).toBe('2026-09-17');
    expect(c.return.dueDate).toBe('2026-09-17');
  });

  it('national special/urgent: the transfer’s dueAt, not counted in working days', () => {
    const subject = { complex: false, national: { level: 'special' as const, dueAt: '2026-09-20T18:00:00+08:00' } };
    const { resolve, contact } = byType(startClocks(NATIONAL, subject, at('2026-09-10T09:00'), cal));
    expect(resolve).toMatchObject({ days: null, dueDate: '2026-09-20', provisional: false });
    expect(formatClockDue(resolve)).toBe('2026-09-20T18:00:00+08:00');
    // 20 Sep 2026 is a make-up Sunday: the warning starts that morning
    expect(formatInstant(resolve.warnAt)).toBe('2026-09-20T00:00:00+08:00');
    expect(contact.dueDate).toBe('2026-09-11');
    const urgent = { complex: false, national: { level: 'urgent' as const, dueAt: new Date('2026-09-11T04:00:00Z') } };
    expect(formatClockDue(byType(startClocks(NATIONAL, urgent, at('2026-09-10T09:00'), cal)).resolve)).toBe('2026-09-11T12:00:00+08:00');
    expect(() => startClocks(NATIONAL, { complex: false, national: { level: 'urgent' } }, at('2026-09-10T09:00'), cal)).toThrow(/without dueAt/);
  });

  it('a national special item under the Shanghai policy counts working days (no upstream due there)', () => {
    const subject = { complex: false, national: { level: 'special' as const, dueAt: '2026-09-20T18:00:00+08:00' } };
    expect(byType(startClocks(SHANGHAI_1_5_15, subject, at('2026-09-10T09:00'), cal)).resolve.dueDate).toBe('2026-09-17');
  });

  it('Yunnan: forward 2 (Art. 10), accept 3 (Art. 11), resolve 10 (Art. 13)', () => {
    expect(startClocks(YUNNAN_2_3_10, { complex: false }, at('2026-09-30T10:00'), cal, ['forward'])[0].dueDate).toBe('2026-10-09');
    const dispatched = startClocks(YUNNAN_2_3_10, { complex: false }, at('2026-10-09T15:00'), cal);
    expect(dispatched.map((c) => [c.type, c.dueDate])).toEqual([['accept', '2026-10-13']]);
    expect(startClocks(YUNNAN_2_3_10, { complex: false }, at('2026-10-13T10:00'), cal, ['resolve'])[0].dueDate).toBe('2026-10-27');
  });

  it('a clock type the policy lacks is an error; duplicates are started once', () => {
    expect(() => startClocks(YUNNAN_2_3_10, { complex: false }, at('2026-10-13T10:00'), cal, ['contact'])).toThrow(/no contact clock/);
    expect(startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-10-13T10:00'), cal, ['resolve', 'resolve'])).toHaveLength(1);
  });

  it('warnAt is never before the start', () => {
    const early = defineClockPolicy({ id: 'early', name: 'early', days: { contact: 1 }, dispatchClocks: ['contact'], warnBeforeDays: 3, basis: 'test' });
    const [c] = startClocks(early, { complex: false }, at('2026-03-09T10:00'), cal);
    expect(c.warnAt.getTime()).toBe(at('2026-03-09T10:00').getTime());
    expect(c.dueDate).toBe('2026-03-10');
  });

  it('a deadline reaching into 2027 is provisional', () => {
    const { resolve } = byType(startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-12-28T10:00'), cal));
    expect(resolve).toMatchObject({ dueDate: '2027-01-04', provisional: true });
  });
});

describe('evaluateClock', () => {
  const { resolve } = byType(startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-02-13T10:00'), cal));

  it.each([
    ['2026-02-13T10:00', 'running'],
    ['2026-02-26T23:59:59', 'running'],
    ['2026-02-27T00:00', 'warning'],
    ['2026-02-27T23:59:59', 'warning'],
    ['2026-02-28T00:00', 'missed'],
    ['2026-03-20T00:00', 'missed'],
  ])('at %s → %s', (now, status) => {
    expect(evaluateClock(resolve, at(now))).toBe(status);
  });

  it('one millisecond before the exclusive end is still in time', () => {
    expect(evaluateClock(resolve, new Date(resolve.due.getTime() - 1))).toBe('warning');
    expect(evaluateClock(resolve, resolve.due)).toBe('missed');
  });

  it('a stopped clock is stopped', () => {
    expect(evaluateClock({ ...resolve, state: 'stopped' }, at('2026-03-20T00:00'))).toBe('stopped');
  });
});
