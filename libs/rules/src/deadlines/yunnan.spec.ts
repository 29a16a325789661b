/**
 * The Yunnan Measures' clocks, reachable (docs/rules.md item 7): "交办…2个工作日" (Art. 10), the unit
 * decides on acceptance in 3 (Art. 11), "自受理之日起10个工作日内办结…延长期限…最长不超过20个工作日，并告知投诉人"
 * (Art. 13(二)), and "当场能够办结的，当场办结" (Art. 13(一)).
 */
import { at, shanghaiCalendar } from '../calendar/shanghai-calendar.fixture';
import { transition } from '../lifecycle/work-order-machine';
import { OFFICE, SYSTEM, newTicket, run, unitActor } from '../lifecycle/work-order.fixture';
import type { ClockEffect, Effect } from '../lifecycle/work-order.types';
import { SHANGHAI_1_5_15, YUNNAN_2_3_10, clocksForPhase } from './clock-policy';
import { applyExtension } from './clock-extension';
import { startClocks } from './deadline-clock';

const cal = shanghaiCalendar();
const ops = (effects: readonly Effect[]): string[] =>
  effects.filter((e): e is ClockEffect => e.kind === 'clock').map((e) => `${e.op}:${e.clock}${e.op === 'start' && e.phase ? `@${e.phase}` : ''}`);
/** What the policy starts of a transition's start effects, phase by phase. */
const startedUnder = (policy: typeof YUNNAN_2_3_10, effects: readonly Effect[]): string[] => {
  const starts = effects.filter((e): e is Extract<ClockEffect, { op: 'start' }> => e.kind === 'clock' && e.op === 'start');
  return [...new Set(starts.map((e) => e.phase))].flatMap((phase) => clocksForPhase(policy, starts.filter((e) => e.phase === phase).map((e) => e.clock), phase));
};

describe('Yunnan 2/3/10 (Yunnan Measures Art. 10, 11, 13)', () => {
  const steps = (): { accepted: Effect[]; dispatched: Effect[]; signed: Effect[] } => {
    const a = run(newTicket(), [[{ type: 'accept' }, SYSTEM]]);
    const d = run(a.ctx, [[{ type: 'dispatch', unit: 'u1' }, SYSTEM]]);
    const s = run(d.ctx, [[{ type: 'sign' }, unitActor('u1')]]);
    return { accepted: a.effects, dispatched: d.effects, signed: s.effects };
  };

  it('"交办…2个工作日": intake starts forward; "3个工作日" to decide on acceptance from dispatch; "自受理之日起10个工作日" from 签收', () => {
    const { accepted, dispatched, signed } = steps();
    expect(startedUnder(YUNNAN_2_3_10, accepted)).toEqual(['forward']);
    expect(ops(dispatched)).toContain('meet:forward');
    expect(startedUnder(YUNNAN_2_3_10, dispatched)).toEqual(['accept']);
    expect(ops(signed)).toEqual(['meet:accept', 'start:resolve@acceptance']);
    expect(startedUnder(YUNNAN_2_3_10, signed)).toEqual(['resolve']);
    // Shanghai's 1/5/15 is untouched: its resolve starts at dispatch, nothing at 签收.
    expect(startedUnder(SHANGHAI_1_5_15, dispatched)).toEqual(['contact', 'resolve', 'objection']);
    expect(startedUnder(SHANGHAI_1_5_15, signed)).toEqual([]);
    expect(startedUnder(SHANGHAI_1_5_15, accepted)).toEqual([]);
  });

  it('the 10 working days count from acceptance and extend to at most 20 on notice', () => {
    const [resolve] = startClocks(YUNNAN_2_3_10, { complex: false }, at('2026-11-02T10:00'), cal, ['resolve']);
    expect(resolve).toMatchObject({ days: 10, dueDate: '2026-11-16' });
    expect(YUNNAN_2_3_10.extensionByNotice).toBe(true);
    expect(applyExtension(YUNNAN_2_3_10, resolve, '2026-11-30', cal)).toMatchObject({ ok: true, days: 20 });
    expect(applyExtension(YUNNAN_2_3_10, resolve, '2026-12-01', cal)).toMatchObject({ ok: false, error: 'beyond_cap', cap: '2026-11-30' });
  });

  it('an extension on notice leaves nothing pending for the office', () => {
    const signed = run(newTicket(), [[{ type: 'accept' }, SYSTEM], [{ type: 'dispatch', unit: 'u1' }, SYSTEM], [{ type: 'sign' }, unitActor('u1')]]).ctx;
    const r = transition(signed, { type: 'request_extension', reason: '情况复杂', dueDate: '2026-11-30', byNotice: true }, unitActor('u1'));
    expect(r.ok && r.next).toMatchObject({ pendingExtension: null, extensionsApproved: 1 });
    expect(r.ok && transition(r.next, { type: 'review_extension', decision: 'approved' }, OFFICE)).toMatchObject({ ok: false, error: 'not_allowed' });
  });

  it('"当场办结": the on-the-spot reply meets every duty clock', () => {
    const signed = run(newTicket(), [[{ type: 'accept' }, SYSTEM], [{ type: 'dispatch', unit: 'u1' }, SYSTEM], [{ type: 'sign' }, unitActor('u1')]]).ctx;
    const r = transition(signed, { type: 'reply', replyPoints: '当场办结', onTheSpot: true }, unitActor('u1'));
    expect(r.ok && ops(r.effects)).toEqual(['meet:contact', 'meet:resolve', 'meet:accept', 'meet:forward', 'stop:objection']);
  });
});
