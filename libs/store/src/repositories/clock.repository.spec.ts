import { runningNextFire, wireDue } from './clock.repository';

const at = (iso: string): Date => new Date(iso);

describe('runningNextFire', () => {
  const clock = { warnAt: at('2026-11-30T00:00:00+08:00'), due: at('2026-12-01T00:00:00+08:00'), warnedAt: null };

  it('a duty clock fires its 预警 first, then its due', () => {
    expect(runningNextFire({ ...clock, type: 'resolve' })).toEqual(clock.warnAt);
    expect(runningNextFire({ ...clock, type: 'resolve', warnedAt: at('2026-11-30T00:00:01+08:00') })).toEqual(clock.due);
  });

  it('windows and clocks without a warning window only have their due', () => {
    expect(runningNextFire({ ...clock, type: 'objection' })).toEqual(clock.due);
    expect(runningNextFire({ ...clock, type: 'contact', warnAt: clock.due })).toEqual(clock.due);
  });
});

describe('wireDue (docs/contracts.md#hotline-status-events `due`)', () => {
  it('the open contact and resolve clocks, as their last second; national dueAt unchanged', () => {
    const due = wireDue(
      [
        { type: 'contact', state: 'met', due: at('2026-11-25T00:00:00+08:00'), days: 1 },
        { type: 'resolve', state: 'missed', due: at('2026-12-01T00:00:00+08:00'), days: 5 },
        { type: 'objection', state: 'running', due: at('2026-12-01T00:00:00+08:00'), days: 5 },
      ],
      'Asia/Shanghai',
    );
    expect(due).toEqual({ resolve: '2026-11-30T23:59:59+08:00' });
    expect(wireDue([{ type: 'resolve', state: 'running', due: at('2026-11-25T18:00:00+08:00'), days: null }], 'Asia/Shanghai')).toEqual({
      resolve: '2026-11-25T18:00:00+08:00',
    });
  });
});
