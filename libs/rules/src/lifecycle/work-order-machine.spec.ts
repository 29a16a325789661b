import { allowedActions, createWorkOrder, transition } from './work-order-machine';
import {
  AUTHORITY,
  OFFICE,
  SYSTEM,
  actorFor,
  coActor,
  newTicket,
  reach,
  run,
  sampleAction,
  unitActor,
} from './work-order.fixture';
import { ACTION_RULES } from './work-order.rules';
import { ACTION_NAMES, ACTOR_ROLES, WORK_ORDER_STATES } from './work-order.types';
import type {
  ActionName,
  Actor,
  ClockEffect,
  Effect,
  StatusEffect,
  TransitionResult,
  UnitWorkOrderEffect,
  WorkOrderAction,
  WorkOrderContext,
  WorkOrderState,
} from './work-order.types';

const statusTypes = (effects: readonly Effect[]): string[] =>
  effects.filter((e): e is StatusEffect => e.kind === 'status').map((e) => e.type);
const clocks = (effects: readonly Effect[]): string[] =>
  effects.filter((e): e is ClockEffect => e.kind === 'clock').map((e) => `${e.op}:${e.clock}`);
const pushes = (effects: readonly Effect[]): string[] =>
  effects.filter((e): e is UnitWorkOrderEffect => e.kind === 'work_order').map((e) => `${e.type}:${e.unit}:${e.role}`);

function expectOk(result: TransitionResult): { next: WorkOrderContext; effects: readonly Effect[] } {
  if (!result.ok) throw new Error(`expected ok, got ${result.error}: ${result.message}`);
  return result;
}
function expectError(result: TransitionResult, error: 'not_allowed' | 'wrong_actor' | 'invalid_input'): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error).toBe(error);
}
const u = unitActor;

describe('work-order machine — stories', () => {
  it('(1) dispatched → signed → contacted → replied → callback satisfied → closed', () => {
    let ctx = newTicket();
    const steps: [WorkOrderAction, Actor, WorkOrderState, string[], string[]][] = [
      // forward (交办) and accept (受理) are Yunnan's clocks: named here, skipped by a policy without them
      [{ type: 'accept' }, SYSTEM, 'accepted', ['accepted'], ['start:forward']],
      [
        { type: 'dispatch', unit: 'u1' },
        SYSTEM,
        'dispatched',
        ['dispatched'],
        ['meet:forward', 'start:contact', 'start:resolve', 'start:objection', 'start:accept'],
      ],
      [{ type: 'sign' }, u('u1'), 'signed', ['signed'], ['meet:accept', 'start:resolve']],
      [{ type: 'contact' }, u('u1'), 'contacted', ['contacted'], ['meet:contact']],
      [
        { type: 'reply', replyPoints: 'pothole filled' },
        u('u1'),
        'replied',
        ['replied'],
        ['meet:contact', 'meet:resolve', 'stop:objection'],
      ],
      [{ type: 'callback', visit: { satisfied: true, result: 5, efficiency: 4, attitude: 5 } }, OFFICE, 'closed', ['closed'], []],
    ];
    for (const [action, actor, state, status, clock] of steps) {
      const { next, effects } = expectOk(transition(ctx, action, actor));
      expect(next.state).toBe(state);
      expect(statusTypes(effects)).toEqual(status);
      expect(clocks(effects)).toEqual(clock);
      if (state === 'closed') {
        // The closed event carries the answer points (docs/contracts.md#hotline-status-events).
        expect(effects).toContainEqual({ kind: 'status', type: 'closed', unit: 'u1', reason: null, replyPoints: 'pothole filled' });
      }
      ctx = next;
    }
    expect(ctx.lastReplyPoints).toBe('pothole filled');
    expect(ctx.lastVisit).toEqual({ satisfied: true, result: 5, efficiency: 4, attitude: 5 });
    // Closed: the unit is done; only the office may send it back (重办).
    expect(allowedActions(ctx, 'unit')).toEqual([]);
    expect(allowedActions(ctx, 'office')).toEqual(['reopen']);
  });

  it('(1b) dispatch pushes the order to the unit and reports the unit to the source', () => {
    const { effects } = run(newTicket(), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
    ]);
    expect(effects).toContainEqual({ kind: 'status', type: 'dispatched', unit: 'u1', reason: null, replyPoints: null });
    expect(pushes(effects)).toEqual(['assigned:u1:lead']);
  });

  it('(2) extension: a parallel request the office approves; one pending at a time', () => {
    const signed = reach('signed');
    const { next: pending, effects: requested } = expectOk(
      transition(signed, { type: 'request_extension', reason: 'needs a site survey', dueDate: '2026-12-31' }, u('u1')),
    );
    expect(pending.state).toBe('signed');
    expect(pending.pendingExtension).toEqual({ dueDate: '2026-12-31', reason: 'needs a site survey' });
    expect(requested).toEqual([]);
    // The unit keeps working while the request waits.
    expect(allowedActions(pending, u('u1'))).toEqual(expect.arrayContaining(['contact', 'reply', 'object']));
    expect(allowedActions(pending, u('u1'))).not.toContain('request_extension');
    expectError(
      transition(pending, { type: 'request_extension', reason: 'again', dueDate: '2027-01-15' }, u('u1')),
      'not_allowed',
    );
    expectError(transition(pending, { type: 'review_extension', decision: 'approved' }, u('u1')), 'wrong_actor');

    const { next, effects } = expectOk(transition(pending, { type: 'review_extension', decision: 'approved' }, OFFICE));
    expect(next.state).toBe('signed');
    expect(next.pendingExtension).toBeNull();
    expect(next.extensionsApproved).toBe(1);
    expect(statusTypes(effects)).toEqual(['extended']);
    expect(effects).toContainEqual({ kind: 'clock', op: 'extend', clock: 'resolve', dueDate: '2026-12-31' });
    // Decided: a new request may follow.
    expect(allowedActions(next, u('u1'))).toContain('request_extension');
    expectError(transition(next, { type: 'review_extension', decision: 'approved' }, OFFICE), 'not_allowed');

    const refused = expectOk(transition(pending, { type: 'review_extension', decision: 'refused', reason: 'not hard' }, OFFICE));
    expect(refused.next.pendingExtension).toBeNull();
    expect(refused.effects).toEqual([]);
    expectError(
      transition(signed, { type: 'request_extension', reason: 'x', dueDate: '2026-02-30' }, u('u1')),
      'invalid_input',
    );
  });

  it('(3) 差评 appeal upheld → unfounded; only evaluation tickets may appeal', () => {
    const signed = run(newTicket('ywtb', 'evaluation'), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
      [{ type: 'sign' }, u('u1')],
    ]).ctx;
    const appealed = expectOk(transition(signed, { type: 'appeal', reason: 'the applicant was never served by us' }, u('u1')));
    expect(appealed.next.state).toBe('appealed');
    expect(appealed.effects).toEqual([{ kind: 'clock', op: 'start', clock: 'appeal', anchor: 'assigned' }]);
    expectError(transition(appealed.next, { type: 'review_appeal', decision: 'upheld' }, u('u1')), 'wrong_actor');

    const upheld = expectOk(transition(appealed.next, { type: 'review_appeal', decision: 'upheld' }, AUTHORITY));
    expect(upheld.next.state).toBe('unfounded');
    expect(statusTypes(upheld.effects)).toEqual(['unfounded']);
    expect(clocks(upheld.effects)).toEqual(['meet:appeal', 'stop:contact', 'stop:resolve', 'stop:objection']);
    for (const role of ACTOR_ROLES) expect(allowedActions(upheld.next, role)).toEqual([]);

    // Refused: back where the unit was, and no second appeal on this assignment.
    const back = expectOk(transition(appealed.next, { type: 'review_appeal', decision: 'refused' }, OFFICE));
    expect(back.next.state).toBe('signed');
    expect(clocks(back.effects)).toEqual(['stop:appeal']);
    expectError(transition(back.next, { type: 'appeal', reason: 'again' }, u('u1')), 'not_allowed');

    const complaint = reach('signed');
    const notEvaluation = transition(complaint, { type: 'appeal', reason: 'untrue' }, u('u1'));
    expectError(notEvaluation, 'not_allowed');
    if (!notEvaluation.ok) expect(notEvaluation.message).toContain('evaluation');
  });

  it('(4) objection accepted → redispatch → second unit objects → office designates → designated unit may not object', () => {
    const dispatched = reach('dispatched');
    const objected = expectOk(
      transition(dispatched, { type: 'object', reason: 'a district matter', suggestedUnit: 'u2', withinWindow: true }, u('u1')),
    );
    expect(objected.next.state).toBe('objected');
    expect(statusTypes(objected.effects)).toEqual(['objected']);
    // The window keeps running while the authority reviews: a review still pending at its end lapses.
    expect(clocks(objected.effects)).toEqual([]);

    const redispatched = expectOk(transition(objected.next, { type: 'review_objection', decision: 'accepted' }, AUTHORITY));
    expect(redispatched.next).toMatchObject({ state: 'dispatched', unit: 'u2', viaObjection: true, designated: false, bounces: 1 });
    expect(statusTypes(redispatched.effects)).toEqual(['redispatched']);
    expect(pushes(redispatched.effects)).toEqual(['assigned:u2:lead', 'redispatched_away:u1:lead']);
    expect(clocks(redispatched.effects)).toEqual([
      'stop:contact',
      'stop:resolve',
      'stop:objection',
      'stop:accept',
      'meet:forward',
      'start:contact',
      'start:resolve',
      'start:objection',
      'start:accept',
    ]);
    // u1 no longer holds the order.
    expectError(transition(redispatched.next, { type: 'sign' }, u('u1')), 'wrong_actor');

    const second = expectOk(
      transition(redispatched.next, { type: 'object', reason: 'a line matter', suggestedUnit: 'u3', withinWindow: true }, u('u2')),
    );
    // 沪府办〔2020〕49号 Art. 7(二): the suggested unit's objection is settled by designation, not a second redispatch.
    expectError(transition(second.next, { type: 'review_objection', decision: 'accepted' }, OFFICE), 'not_allowed');
    expectError(transition(second.next, { type: 'designate', unit: 'u3' }, u('u2')), 'wrong_actor');

    const designated = expectOk(transition(second.next, { type: 'designate', unit: 'u3' }, OFFICE));
    expect(designated.next).toMatchObject({ state: 'dispatched', unit: 'u3', designated: true, bounces: 2 });
    expect(clocks(designated.effects)).not.toContain('start:objection');
    expect(allowedActions(designated.next, u('u3'))).not.toContain('object');

    const refused = transition(
      designated.next,
      { type: 'object', reason: 'not ours either', suggestedUnit: 'u1', withinWindow: true },
      u('u3'),
    );
    expectError(refused, 'not_allowed');
    if (!refused.ok) {
      expect(refused.message).toContain('指定谁、谁办理');
      expect(refused.allowed).toEqual(allowedActions(designated.next, u('u3')));
      expect(refused.allowed).toEqual(['sign']);
    }

    // Designating the objector itself settles the objection against it: back to where it was.
    const pinned = expectOk(transition(second.next, { type: 'designate', unit: 'u2' }, OFFICE));
    expect(pinned.next).toMatchObject({ state: 'dispatched', unit: 'u2', designated: true, pendingObjection: null });
    expect(pinned.next.bounces).toBe(1);
  });

  it('(4b) objection window and review refusal', () => {
    const signed = reach('signed');
    expectError(
      transition(signed, { type: 'object', reason: 'not ours', suggestedUnit: 'u2', withinWindow: false }, u('u1')),
      'not_allowed',
    );
    expectError(
      transition(signed, { type: 'object', reason: 'not ours', suggestedUnit: '', withinWindow: true }, u('u1')),
      'invalid_input',
    );
    const objected = run(signed, [[{ type: 'object', reason: 'not ours', suggestedUnit: 'u2', withinWindow: true }, u('u1')]]).ctx;
    const back = expectOk(transition(objected, { type: 'review_objection', decision: 'refused', reason: 'it is yours' }, OFFICE));
    expect(back.next).toMatchObject({ state: 'signed', unit: 'u1', previousState: null, pendingObjection: null });
    expect(pushes(back.effects)).toEqual(['assigned:u1:lead']);
    // A refused objection is final for this assignment.
    expect(allowedActions(back.next, u('u1'))).not.toContain('object');
  });

  it('(4c) a ticket passed around more than maxBounces times is flagged', () => {
    let ctx = run(newTicket('hotline', 'complaint', { maxBounces: 1 }), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
    ]).ctx;
    const first = expectOk(transition(ctx, { type: 'designate', unit: 'u2' }, OFFICE));
    expect(first.effects.filter((e) => e.kind === 'flag_bounced')).toEqual([]);
    ctx = first.next;
    const second = expectOk(transition(ctx, { type: 'designate', unit: 'u3' }, OFFICE));
    expect(second.effects).toContainEqual({ kind: 'flag_bounced', bounces: 2, maxBounces: 1 });
  });

  it('(5) unsatisfied callback → back to the unit → replied again → satisfied → closed; only the office reopens closed', () => {
    const replied = reach('replied');
    const unsatisfied = expectOk(
      transition(replied, { type: 'callback', visit: { satisfied: false, result: 2, note: 'still broken' } }, OFFICE),
    );
    expect(unsatisfied.next).toMatchObject({ state: 'signed', unsatisfiedOnAnswer: 1, callbacks: 1 });
    expect(statusTypes(unsatisfied.effects)).toEqual(['reopened']);
    expect(pushes(unsatisfied.effects)).toEqual(['reopened:u1:lead']);
    expect(clocks(unsatisfied.effects)).toEqual(['start:resolve']);

    const closed = run(unsatisfied.next, [
      [{ type: 'reply', replyPoints: 'replaced the pipe' }, u('u1')],
      [{ type: 'callback', visit: { satisfied: true } }, OFFICE],
    ]);
    expect(closed.ctx).toMatchObject({ state: 'closed', replies: 2, unsatisfiedOnAnswer: 0 });
    expect(closed.effects).toContainEqual({
      kind: 'status',
      type: 'closed',
      unit: 'u1',
      reason: null,
      replyPoints: 'replaced the pipe',
    });

    for (const actor of [SYSTEM, u('u1'), AUTHORITY, coActor('u2')]) {
      expectError(transition(closed.ctx, { type: 'reopen', reason: 'x' }, actor), 'wrong_actor');
    }
    const reopened = expectOk(transition(closed.ctx, { type: 'reopen', reason: 'falsely reported (谎报)' }, OFFICE));
    expect(reopened.next.state).toBe('signed');
    expect(statusTypes(reopened.effects)).toEqual(['reopened']);
  });

  it('(6) terminate only after the configured unsatisfied callbacks on the same answer', () => {
    const replied = reach('replied');
    expectError(transition(replied, { type: 'terminate', reason: 'x' }, OFFICE), 'not_allowed');
    const once = run(replied, [[{ type: 'callback', visit: { satisfied: false } }, OFFICE]]).ctx;
    const early = transition(once, { type: 'terminate', reason: 'answered' }, OFFICE);
    expectError(early, 'not_allowed');
    if (!early.ok) expect(early.allowed).not.toContain('terminate');

    // A new conclusion starts the count over.
    const revised = run(once, [
      [{ type: 'reply', replyPoints: 'a different answer' }, u('u1')],
      [{ type: 'callback', visit: { satisfied: false } }, OFFICE],
    ]).ctx;
    expect(revised.unsatisfiedOnAnswer).toBe(1);
    expectError(transition(revised, { type: 'terminate', reason: 'answered' }, OFFICE), 'not_allowed');

    const twice = run(once, [
      [{ type: 'reply', replyPoints: 'fixed it', maintainsPreviousAnswer: true }, u('u1')],
      [{ type: 'callback', visit: { satisfied: false } }, OFFICE],
    ]).ctx;
    expect(twice).toMatchObject({ state: 'signed', unsatisfiedOnAnswer: 2 });
    expect(allowedActions(twice, 'office')).toContain('terminate');
    expectError(transition(twice, { type: 'terminate', reason: 'x' }, u('u1')), 'wrong_actor');
    expectError(transition(twice, { type: 'terminate', reason: '' }, OFFICE), 'invalid_input');
    const terminated = expectOk(transition(twice, { type: 'terminate', reason: 'clear answer given twice (存电)' }, OFFICE));
    expect(terminated.next.state).toBe('terminated');
    expect(terminated.effects).toContainEqual({
      kind: 'status',
      type: 'terminated',
      unit: 'u1',
      reason: 'clear answer given twice (存电)',
      replyPoints: null,
    });

    const strict = run(newTicket('hotline', 'complaint', { unsatisfiedBeforeTerminate: 1 }), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
      [{ type: 'sign' }, u('u1')],
      [{ type: 'reply', replyPoints: 'done' }, u('u1')],
      [{ type: 'callback', visit: { satisfied: false } }, OFFICE],
    ]).ctx;
    expect(allowedActions(strict, 'office')).toContain('terminate');
  });

  it('(7) national general transfer: no status feed, result after the callback; out-of-jurisdiction return', () => {
    const { ctx, effects } = run(newTicket('national', 'complaint'), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1', designated: true }, SYSTEM],
      [{ type: 'sign' }, u('u1')],
      [{ type: 'contact' }, u('u1')],
      [{ type: 'reply', replyPoints: 'licence issued' }, u('u1')],
      [{ type: 'callback', visit: { satisfied: true, result: 5, efficiency: 5, attitude: 5, note: 'ok' } }, OFFICE],
    ]);
    expect(ctx.state).toBe('closed');
    expect(statusTypes(effects)).toEqual([]);
    expect(effects.filter((e) => e.kind === 'national')).toEqual([
      {
        kind: 'national',
        call: 'result',
        outcome: 'closed',
        replyPoints: 'licence issued',
        visit: { satisfied: true, result: 5, efficiency: 5, attitude: 5, note: 'ok' },
      },
    ]);
    // The unit still gets its order and clocks still run.
    expect(pushes(effects)).toEqual(['assigned:u1:lead']);
    expect(clocks(effects)).toContain('start:resolve');

    const back: WorkOrderAction = { type: 'return', reason: 'out_of_jurisdiction', detail: 'a central matter' };
    const returned = expectOk(transition(newTicket('national', 'complaint'), back, SYSTEM));
    expect(returned.next.state).toBe('returned');
    expect(returned.effects).toEqual([
      { kind: 'clock', op: 'meet', clock: 'return' },
      { kind: 'national', call: 'return', reason: 'out_of_jurisdiction', detail: 'a central matter' },
    ]);
    expectError(transition(newTicket(), { type: 'return', reason: 'out_of_jurisdiction', detail: 'x' }, SYSTEM), 'not_allowed');
    expectError(
      transition(newTicket('national', 'complaint'), { type: 'return', reason: 'bad' as 'out_of_jurisdiction', detail: 'x' }, SYSTEM),
      'invalid_input',
    );
    // Also from the dispute queue, when no unit in the city fits.
    const disputed = run(newTicket('national', 'complaint'), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispute' }, SYSTEM],
    ]).ctx;
    expect(allowedActions(disputed, 'office')).toEqual(['merge', 'return', 'designate']);
  });

  it('(8) lead and co-handler: co input, then only the lead replies; the lead can be reassigned within the matter', () => {
    const dispatched = run(newTicket(), [
      [{ type: 'accept' }, SYSTEM],
      [{ type: 'dispatch', unit: 'u1', coUnits: ['u2'] }, SYSTEM],
    ]);
    expect(pushes(dispatched.effects)).toEqual(['assigned:u1:lead', 'assigned:u2:co']);
    const signed = run(dispatched.ctx, [[{ type: 'sign' }, u('u1')]]).ctx;

    expectError(transition(signed, { type: 'co_input', content: 'x' }, coActor('u3')), 'wrong_actor');
    expectError(transition(signed, { type: 'co_input', content: 'x' }, u('u1')), 'wrong_actor');
    expectError(transition(signed, { type: 'co_input', content: '' }, coActor('u2')), 'invalid_input');
    const input = expectOk(transition(signed, { type: 'co_input', content: 'the permit part is done' }, coActor('u2')));
    expect(input.next).toMatchObject({ state: 'signed', coInputs: ['u2'] });
    expect(input.effects).toEqual([]);

    // 谁承办，谁答复: a co-handler never answers.
    expectError(transition(input.next, { type: 'reply', replyPoints: 'x' }, u('u2')), 'wrong_actor');
    expectError(transition(input.next, { type: 'reply', replyPoints: 'x' }, coActor('u2')), 'wrong_actor');
    const replied = expectOk(transition(input.next, { type: 'reply', replyPoints: 'both parts done' }, u('u1')));
    expect(replied.next.state).toBe('replied');

    // 明确牵头部门: promote the co-handler; the old lead stays on as co; handling goes on.
    const swapped = expectOk(transition(signed, { type: 'set_lead', lead: 'u2' }, AUTHORITY));
    expect(swapped.next).toMatchObject({ state: 'signed', unit: 'u2', coUnits: ['u1'], designated: true, bounces: 0 });
    expect(pushes(swapped.effects)).toEqual(['assigned:u2:lead', 'assigned:u1:co']);
    expect(statusTypes(swapped.effects)).toEqual(['redispatched']);
    expectError(transition(signed, { type: 'set_lead', lead: 'u7' }, OFFICE), 'invalid_input');
    expectError(transition(signed, { type: 'set_lead', lead: 'u1', coUnits: ['u2'] }, OFFICE), 'invalid_input');

    // Citizen news reaches everyone on the matter.
    const supplement = expectOk(transition(signed, { type: 'supplement', content: 'photo' }, SYSTEM));
    expect(pushes(supplement.effects)).toEqual(['supplement:u1:lead', 'supplement:u2:co']);
    const withdrawn = expectOk(transition(signed, { type: 'withdraw' }, SYSTEM));
    expect(withdrawn.next.state).toBe('withdrawn');
    expect(pushes(withdrawn.effects)).toEqual(['withdrawn:u1:lead', 'withdrawn:u2:co']);
    expect(withdrawn.effects).toContainEqual({ kind: 'status', type: 'closed', unit: 'u1', reason: 'withdrawn', replyPoints: null });
  });

  describe('(9) illegal actions answer not_allowed with the allowed list', () => {
    const EXPECTED: { readonly [S in WorkOrderState]: readonly ActionName[] } = {
      received: ['accept', 'not_accept', 'archive', 'merge', 'withdraw', 'supplement', 'urge'],
      accepted: ['merge', 'dispatch', 'dispute', 'designate', 'withdraw', 'supplement', 'urge'],
      not_accepted: [],
      archived: [],
      merged: [],
      returned: [],
      disputed: ['merge', 'designate', 'withdraw', 'supplement', 'urge'],
      dispatched: ['designate', 'sign', 'object', 'supervise', 'co_input', 'set_lead', 'withdraw', 'supplement', 'urge'],
      signed: [
        'designate',
        'contact',
        'reply',
        'object',
        'request_extension',
        'supervise',
        'co_input',
        'set_lead',
        'withdraw',
        'supplement',
        'urge',
      ],
      contacted: [
        'designate',
        'reply',
        'object',
        'request_extension',
        'supervise',
        'co_input',
        'set_lead',
        'withdraw',
        'supplement',
        'urge',
      ],
      objected: ['designate', 'review_objection', 'supervise', 'withdraw', 'supplement', 'urge'],
      replied: ['callback', 'reopen', 'supervise', 'withdraw', 'supplement', 'urge'],
      appealed: ['review_appeal', 'supervise', 'withdraw', 'supplement', 'urge'],
      closed: ['reopen'],
      unfounded: [],
      terminated: [],
      withdrawn: [],
    };

    it.each(WORK_ORDER_STATES.map((state) => [state]))('%s', (state) => {
      const ctx = reach(state);
      const union = ACTION_NAMES.filter((name) => ACTOR_ROLES.some((role) => allowedActions(ctx, role).includes(name)));
      expect(union).toEqual(EXPECTED[state]);

      const illegal = ACTION_NAMES.filter((name) => !ACTION_RULES[name].from.includes(state));
      for (const name of illegal) {
        for (const actor of [actorFor(name, ctx), SYSTEM, OFFICE, AUTHORITY, u(ctx.unit ?? 'u1')]) {
          const before = JSON.stringify(ctx);
          const result = transition(ctx, sampleAction(name, ctx), actor);
          expect(result).toEqual({
            ok: false,
            error: 'not_allowed',
            state,
            allowed: allowedActions(ctx, actor),
            message: `${name} is not allowed in state ${state}`,
          });
          expect(JSON.stringify(ctx)).toBe(before);
        }
      }
    });
  });

  describe('inputs and actors', () => {
    it('rejects unknown actions, malformed input and malformed actors without touching the context', () => {
      const ctx = reach('accepted');
      const bogus = { type: 'teleport' } as unknown as WorkOrderAction;
      expectError(transition(ctx, bogus, SYSTEM), 'invalid_input');
      expectError(transition(ctx, { type: 'dispatch', unit: '' }, SYSTEM), 'invalid_input');
      expectError(transition(ctx, { type: 'dispatch', unit: 'u1', coUnits: ['u1'] }, SYSTEM), 'invalid_input');
      expectError(transition(ctx, { type: 'dispatch', unit: 'u1', coUnits: ['u2', 'u2'] }, SYSTEM), 'invalid_input');
      expectError(transition(ctx, { type: 'dispatch', unit: 'u1' }, { role: 'mayor' } as unknown as Actor), 'wrong_actor');
      expectError(transition(ctx, { type: 'dispatch', unit: 'u1' }, { role: 'unit' } as unknown as Actor), 'wrong_actor');
      expectError(transition(ctx, { type: 'dispatch', unit: 'u1' }, OFFICE), 'wrong_actor');
      const replied = reach('replied');
      expectError(
        transition(replied, { type: 'callback', visit: { satisfied: true, result: 7 as 5 } }, OFFICE),
        'invalid_input',
      );
      expect(ctx.state).toBe('accepted');
    });

    it('a unit acts only on its own order', () => {
      const dispatched = reach('dispatched');
      const other = transition(dispatched, { type: 'sign' }, u('u9'));
      expectError(other, 'wrong_actor');
      if (!other.ok) expect(other.allowed).toEqual([]);
      expect(allowedActions(dispatched, 'unit')).toEqual(['sign', 'object']);
    });

    it('createWorkOrder validates its config', () => {
      expect(() => createWorkOrder({ source: 'hotline', kind: 'complaint', config: { maxBounces: -1 } })).toThrow(RangeError);
      expect(() =>
        createWorkOrder({ source: 'hotline', kind: 'complaint', config: { unsatisfiedBeforeTerminate: 0 } }),
      ).toThrow(RangeError);
      expect(createWorkOrder({ source: 'ywtb', kind: 'evaluation' })).toMatchObject({
        state: 'received',
        config: { maxBounces: 2, unsatisfiedBeforeTerminate: 2 },
      });
    });

    it('supervise and urge reach the lead unit without changing the state', () => {
      const contacted = reach('contacted');
      const supervised = expectOk(transition(contacted, { type: 'supervise', reason: 'overdue' }, OFFICE));
      expect(supervised.next).toBe(contacted);
      expect(statusTypes(supervised.effects)).toEqual(['supervised']);
      expect(pushes(supervised.effects)).toEqual(['supervised:u1:lead']);
      const urged = expectOk(transition(contacted, { type: 'urge' }, SYSTEM));
      expect(pushes(urged.effects)).toEqual(['warning:u1:lead']);
      expect(expectOk(transition(reach('received'), { type: 'urge' }, SYSTEM)).effects).toEqual([]);
    });
  });
});
