import { formatInstant } from '../calendar/rfc3339-format';
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { NATIONAL, SHANGHAI_1_5_15, YUNNAN_2_3_10 } from './clock-policy';
import { applyExtension } from './clock-extension';
import { startClocks, type DeadlineClock } from './deadline-clock';

const cal = shanghaiCalendar();
const resolveClock = (policy = SHANGHAI_1_5_15, complex = false, startedAt = at('2026-02-13T10:00')): DeadlineClock => {
  const clock = startClocks(policy, { complex }, startedAt, cal, ['resolve'])[0];
  if (!clock) throw new Error('no clock');
  return clock;
};

describe('applyExtension (申请延期)', () => {
  const normal = resolveClock(); // 5 WD → 27 Feb 2026; cap 15 WD → 12 Mar

  it('extends a Shanghai normal ticket within the cap (15 WD in total)', () => {
    const r = applyExtension(SHANGHAI_1_5_15, normal, '2026-03-05', cal);
    expect(r).toMatchObject({ ok: true, dueDate: '2026-03-05', days: 10, cap: '2026-03-12', provisional: false });
    if (!r.ok) throw new Error('expected ok');
    expect(formatInstant(r.due)).toBe('2026-03-06T00:00:00+08:00');
    expect(r.clock).toMatchObject({ days: 10, baseDays: 5, dueDate: '2026-03-05', startedAt: normal.startedAt });
    expect(formatInstant(r.clock.warnAt)).toBe('2026-03-05T00:00:00+08:00');
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-03-12', cal)).toMatchObject({ ok: true, days: 15 });
  });

  it('refuses beyond the cap, naming it', () => {
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-03-13', cal)).toEqual({ ok: false, error: 'beyond_cap', cap: '2026-03-12' });
  });

  it('a complex ticket may go to 30 WD in total', () => {
    const complex = resolveClock(SHANGHAI_1_5_15, true); // 15 WD → 12 Mar
    expect(applyExtension(SHANGHAI_1_5_15, complex, '2026-04-02', cal)).toMatchObject({ ok: true, days: 30, cap: '2026-04-02' });
    expect(applyExtension(SHANGHAI_1_5_15, complex, '2026-04-03', cal)).toMatchObject({ ok: false, error: 'beyond_cap', cap: '2026-04-02' });
  });

  it('refuses a day that is not later, or not a working day', () => {
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-02-27', cal)).toMatchObject({ ok: false, error: 'not_later' });
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-02-26', cal)).toMatchObject({ ok: false, error: 'not_later' });
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-03-07', cal)).toMatchObject({ ok: false, error: 'not_a_working_day' });
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-02-20', cal)).toMatchObject({ ok: false, error: 'not_a_working_day' });
    // the make-up Saturday is a working day
    expect(applyExtension(SHANGHAI_1_5_15, normal, '2026-02-28', cal)).toMatchObject({ ok: true, days: 6 });
    expect(() => applyExtension(SHANGHAI_1_5_15, normal, '2026-3-5', cal)).toThrow(RangeError);
  });

  it('repeated extensions stay under the same total cap', () => {
    const first = applyExtension(SHANGHAI_1_5_15, normal, '2026-03-05', cal);
    if (!first.ok) throw new Error('expected ok');
    expect(applyExtension(SHANGHAI_1_5_15, first.clock, '2026-03-12', cal)).toMatchObject({ ok: true, days: 15 });
    expect(applyExtension(SHANGHAI_1_5_15, first.clock, '2026-03-13', cal)).toMatchObject({ ok: false, error: 'beyond_cap' });
  });

  it('Yunnan: 10 WD extendable to at most 20 (Yunnan Measures Art. 13(二))', () => {
    const y = resolveClock(YUNNAN_2_3_10, false, at('2026-10-13T10:00')); // → 27 Oct
    expect(y.dueDate).toBe('2026-10-27');
    expect(applyExtension(YUNNAN_2_3_10, y, '2026-11-10', cal)).toMatchObject({ ok: true, days: 20 });
    expect(applyExtension(YUNNAN_2_3_10, y, '2026-11-11', cal)).toMatchObject({ ok: false, error: 'beyond_cap', cap: '2026-11-10' });
  });

  it('not extendable: contact clocks, national clocks, fixed upstream dues, stopped clocks', () => {
    const contact = startClocks(SHANGHAI_1_5_15, { complex: false }, at('2026-02-13T10:00'), cal, ['contact'])[0];
    expect(applyExtension(SHANGHAI_1_5_15, contact, '2026-03-02', cal)).toEqual({ ok: false, error: 'not_extendable', cap: '2026-02-14' });
    const national = startClocks(NATIONAL, { complex: false, national: { level: 'general', transferredAt: '2026-02-13T08:00:00+08:00' } }, at('2026-02-13T10:00'), cal, ['resolve'])[0];
    // 25 WD from the transfer is the ceiling (沪府办〔2020〕49号 Art. 5): extendable up to it, not past it
    expect(applyExtension(NATIONAL, national, '2026-04-30', cal)).toMatchObject({ ok: false, error: 'beyond_cap' });
    const fixed = startClocks(
      NATIONAL,
      { complex: false, national: { level: 'urgent', dueAt: '2026-03-02T12:00:00+08:00' } },
      at('2026-02-13T10:00'),
      cal,
      ['resolve'],
    )[0];
    expect(applyExtension(SHANGHAI_1_5_15, fixed, '2026-03-05', cal)).toMatchObject({ ok: false, error: 'not_extendable' });
    expect(applyExtension(SHANGHAI_1_5_15, { ...normal, state: 'stopped' }, '2026-03-05', cal)).toMatchObject({
      ok: false,
      error: 'not_extendable',
    });
  });
});
