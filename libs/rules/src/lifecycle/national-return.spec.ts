/**
 * 沪府办〔2020〕49号 Art. 4(一): "对“国办转办投诉建议”超出本市事权范围或要素不全的事项，5个工作日内退回国务院
 * 办公厅相应的投诉建议系统。" The return is possible while the 5-WD clock from receipt runs — also after
 * dispatch, when the unit's objection shows the matter is not the city's power — and no longer
 * once the platform has the result (docs/rules.md, item 2).
 */
import { allowedActions, transition } from './work-order-machine';
import { OFFICE, SYSTEM, newTicket, run, unitActor } from './work-order.fixture';
import type { Effect, WorkOrderAction } from './work-order.types';

const back = (withinWindow?: boolean): WorkOrderAction => ({ type: 'return', reason: 'out_of_jurisdiction', detail: '属于中央事权', withinWindow });
const national = () => newTicket('national', 'complaint');
const clockOps = (effects: readonly Effect[]): string[] => effects.flatMap((e) => (e.kind === 'clock' ? [`${e.op}:${e.clock}`] : []));

describe('returning a national transfer (沪府办〔2020〕49号 Art. 4(一))', () => {
  it('intake starts the 5-WD return clock for national transfers only', () => {
    const accepted = transition(national(), { type: 'accept' }, SYSTEM);
    // (forward is Yunnan's 交办 clock, named for every ticket; a policy without it skips it)
    expect(accepted.ok && clockOps(accepted.effects)).toEqual(['start:return', 'start:forward']);
    const local = transition(newTicket(), { type: 'accept' }, SYSTEM);
    expect(local.ok && clockOps(local.effects)).toEqual(['start:forward']);
  });

  it('after dispatch (the unit objected: not a city power) the office returns it; the unit is told and its clocks stop', () => {
    const objected = run(national(), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
      [{ type: 'object', reason: '属于中央事权', suggestedUnit: 'u2', withinWindow: true }, unitActor('u1')],
    ]).ctx;
    expect(allowedActions(objected, 'office')).toContain('return');
    const r = transition(objected, back(true), OFFICE);
    if (!r.ok) throw new Error(r.message);
    expect(r.next.state).toBe('returned');
    expect(r.effects).toEqual(
      expect.arrayContaining([
        { kind: 'work_order', type: 'withdrawn', unit: 'u1', role: 'lead', reason: '退回国办：属于中央事权' },
        { kind: 'clock', op: 'stop', clock: 'resolve' },
        { kind: 'clock', op: 'meet', clock: 'return' },
        { kind: 'national', call: 'return', reason: 'out_of_jurisdiction', detail: '属于中央事权' },
      ]),
    );
  });

  it('refused once the 5 working days have passed', () => {
    const disputed = run(national(), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispute' }, SYSTEM],
    ]).ctx;
    const r = transition(disputed, back(false), OFFICE);
    expect(r).toMatchObject({ ok: false, error: 'not_allowed', message: expect.stringContaining('5 working days') });
  });

  it('refused once the platform has the result (closed after the callback)', () => {
    const closed = run(national(), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
      [{ type: 'sign' }, unitActor('u1')],
      [{ type: 'reply', replyPoints: '已办结' }, unitActor('u1')],
      [{ type: 'callback', visit: { satisfied: true, result: 5, efficiency: 5, attitude: 5 } }, OFFICE],
    ]);
    expect(clockOps(closed.effects)).toContain('stop:return');
    expect(allowedActions(closed.ctx, 'office')).not.toContain('return');
    expect(transition(closed.ctx, back(true), OFFICE)).toMatchObject({ ok: false, error: 'not_allowed', message: expect.stringContaining('result') });
  });

  it('local tickets are never returned', () => {
    const r = transition(run(newTicket(), [[{ type: 'accept' }, SYSTEM], [{ type: 'dispute' }, SYSTEM]]).ctx, back(true), OFFICE);
    expect(r).toMatchObject({ ok: false, error: 'not_allowed' });
  });
});
