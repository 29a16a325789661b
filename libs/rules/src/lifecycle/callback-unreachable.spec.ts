/**
 * 沪府办〔2020〕49号 Art. 4(四): "对已办结的工单实行100%回访" — a callback the office cannot complete
 * because nobody answers (联系不上). After the office's number of calls (`callbackAttempts`) the
 * ticket closes without a visit, which the citizen never gave, so nothing counts against the unit;
 * an anonymous citizen cannot be called at all; a national result needs the visit's scores
 * (docs/rules.md item 9b).
 */
import fc from 'fast-check';
import { transition } from './work-order-machine';
import { OFFICE, SYSTEM, newTicket, run, unitActor, type Step } from './work-order.fixture';
import type { WorkOrderAction, WorkOrderConfig, WorkOrderContext } from './work-order.types';

const toReplied: Step[] = [
  [{ type: 'accept' }, SYSTEM],
  [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
  [{ type: 'sign' }, unitActor('u1')],
  [{ type: 'reply', replyPoints: '已修复路灯' }, unitActor('u1')],
];
const replied = (config?: Partial<WorkOrderConfig>, source: 'hotline' | 'national' = 'hotline'): WorkOrderContext => run(newTicket(source, 'complaint', config), toReplied).ctx;
const nobody = (anonymous = false, note?: string): WorkOrderAction => ({ type: 'callback', unreachable: { anonymous, note } });

describe('回访 that reaches nobody, 联系不上 (沪府办〔2020〕49号 Art. 4(四) "100%回访")', () => {
  it('the first calls leave the ticket replied, with nothing sent; the third (default callbackAttempts) closes it with reason unreachable', () => {
    let ctx = replied();
    for (const n of [1, 2]) {
      const r = transition(ctx, nobody(), OFFICE);
      if (!r.ok) throw new Error(r.message);
      expect(r.next).toMatchObject({ state: 'replied', unreachableCalls: n, callbacks: 0 });
      expect(r.effects).toEqual([]);
      ctx = r.next;
    }
    const third = transition(ctx, nobody(false, '三次未接通'), OFFICE);
    if (!third.ok) throw new Error(third.message);
    expect(third.next).toMatchObject({ state: 'closed', unreachableCalls: 3, callbacks: 1, lastVisit: null, unsatisfiedOnAnswer: 0 });
    expect(third.effects).toEqual([{ kind: 'status', type: 'closed', unit: 'u1', reason: 'unreachable', replyPoints: '已修复路灯' }]);
  });

  it('an anonymous citizen cannot be called back: the first call closes it', () => {
    const r = transition(replied(), nobody(true), OFFICE);
    expect(r.ok && r.next.state).toBe('closed');
  });

  it('the office sets the number of calls (work_order.callbackAttempts); a new answer is called about anew', () => {
    const once = replied({ callbackAttempts: 1 });
    const r = transition(once, nobody(), OFFICE);
    expect(r.ok && r.next.state).toBe('closed');

    const two = run(replied({ callbackAttempts: 2 }), [
      [nobody(), OFFICE],
      [{ type: 'reopen', reason: '补充核实' }, OFFICE],
      [{ type: 'reply', replyPoints: '已再次核实' }, unitActor('u1')],
      [nobody(), OFFICE],
    ]).ctx;
    expect(two).toMatchObject({ state: 'replied', unreachableCalls: 1 });
    expect(() => newTicket('hotline', 'complaint', { callbackAttempts: 0 })).toThrow(RangeError);
  });

  it('a national transfer cannot be closed this way: its result carries the visit (not_allowed, nothing changes)', () => {
    const ctx = replied(undefined, 'national');
    const r = transition(ctx, nobody(true), OFFICE);
    expect(r).toMatchObject({ ok: false, error: 'not_allowed', message: expect.stringContaining('national') });
  });

  it('refuses a malformed call and is office-only, like every callback', () => {
    const ctx = replied();
    expect(transition(ctx, { type: 'callback', unreachable: { note: 5 as unknown as string } }, OFFICE)).toMatchObject({ ok: false, error: 'invalid_input' });
    expect(transition(ctx, nobody(), unitActor('u1'))).toMatchObject({ ok: false, error: 'wrong_actor' });
  });

  it('property: the ticket closes exactly at the callbackAttempts-th unanswered call, never before, never counted as a visit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 12 }), (attempts, calls) => {
        let ctx = replied({ callbackAttempts: attempts });
        let closedAt: number | null = null;
        for (let i = 1; i <= calls && closedAt === null; i++) {
          const r = transition(ctx, nobody(), OFFICE);
          if (!r.ok) throw new Error(r.message);
          ctx = r.next;
          if (ctx.state === 'closed') closedAt = i;
        }
        expect(closedAt).toBe(calls >= attempts ? attempts : null);
        expect(ctx.lastVisit).toBeNull();
        expect(ctx.unsatisfiedOnAnswer).toBe(0);
      }),
    );
  });
});
