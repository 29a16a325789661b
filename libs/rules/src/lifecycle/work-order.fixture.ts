/**
 * Test helpers for the work-order machine: actors, a well-formed sample of every action, and
 * contexts in every state reached through the machine itself (never built by hand, so they are
 * states the machine can really produce).
 */
import type { Source, TicketKind } from '../model/ticket';
import { createWorkOrder, transition } from './work-order-machine';
import { ACTION_RULES } from './work-order.rules';
import type {
  ActionName,
  Actor,
  Effect,
  WorkOrderAction,
  WorkOrderConfig,
  WorkOrderContext,
  WorkOrderState,
} from './work-order.types';

export const SYSTEM: Actor = { role: 'system' };
export const OFFICE: Actor = { role: 'office' };
export const AUTHORITY: Actor = { role: 'authority' };
export const unitActor = (unitCode: string): Actor => ({ role: 'unit', unitCode });
export const coActor = (unitCode: string): Actor => ({ role: 'co', unitCode });

export type Step = readonly [WorkOrderAction, Actor];

/** Apply steps that must all succeed; throws with the refusal otherwise. */
export function run(ctx: WorkOrderContext, steps: readonly Step[]): { ctx: WorkOrderContext; effects: Effect[] } {
  let current = ctx;
  const effects: Effect[] = [];
  for (const [action, actor] of steps) {
    const result = transition(current, action, actor);
    if (!result.ok) {
      throw new Error(`${action.type} by ${actor.role} in ${current.state}: ${result.error} — ${result.message}`);
    }
    current = result.next;
    effects.push(...result.effects);
  }
  return { ctx: current, effects };
}

export function newTicket(
  source: Source = 'hotline',
  kind: TicketKind = 'complaint',
  config?: Partial<WorkOrderConfig>,
): WorkOrderContext {
  return createWorkOrder({ source, kind, config });
}

const toDispatched = (unit = 'u1'): Step[] => [
  [{ type: 'accept' }, SYSTEM],
  [{ type: 'dispatch', unit }, SYSTEM],
];
const toSigned = (unit = 'u1'): Step[] => [...toDispatched(unit), [{ type: 'sign' }, unitActor(unit)]];
const toContacted = (unit = 'u1'): Step[] => [...toSigned(unit), [{ type: 'contact' }, unitActor(unit)]];
const toReplied = (unit = 'u1'): Step[] => [
  ...toContacted(unit),
  [{ type: 'reply', replyPoints: 'fixed it' }, unitActor(unit)],
];

/** The ticket (and its source) used to reach each state; appeals need a 差评, returns a transfer. */
export function ticketFor(state: WorkOrderState): WorkOrderContext {
  if (state === 'appealed' || state === 'unfounded') return newTicket('ywtb', 'evaluation');
  if (state === 'returned') return newTicket('national', 'complaint');
  return newTicket();
}

const STEPS_TO: { readonly [S in WorkOrderState]: Step[] } = {
  received: [],
  accepted: [[{ type: 'accept' }, SYSTEM]],
  not_accepted: [[{ type: 'not_accept', reason: 'already in litigation' }, SYSTEM]],
  archived: [[{ type: 'archive' }, SYSTEM]],
  merged: [[{ type: 'merge', into: 'T-0' }, SYSTEM]],
  returned: [[{ type: 'return', reason: 'out_of_jurisdiction', detail: 'not a city power' }, SYSTEM]],
  disputed: [
    [{ type: 'accept' }, SYSTEM],
    [{ type: 'dispute' }, SYSTEM],
  ],
  dispatched: toDispatched(),
  signed: toSigned(),
  contacted: toContacted(),
  objected: [
    ...toDispatched(),
    [{ type: 'object', reason: 'not ours', suggestedUnit: 'u2', withinWindow: true }, unitActor('u1')],
  ],
  replied: toReplied(),
  appealed: [...toSigned(), [{ type: 'appeal', reason: 'the 差评 is untrue' }, unitActor('u1')]],
  closed: [...toReplied(), [{ type: 'callback', visit: { satisfied: true } }, OFFICE]],
  unfounded: [
    ...toSigned(),
    [{ type: 'appeal', reason: 'the 差评 is untrue' }, unitActor('u1')],
    [{ type: 'review_appeal', decision: 'upheld' }, AUTHORITY],
  ],
  terminated: [
    ...toReplied(),
    [{ type: 'callback', visit: { satisfied: false } }, OFFICE],
    [{ type: 'reply', replyPoints: 'fixed it', maintainsPreviousAnswer: true }, unitActor('u1')],
    [{ type: 'callback', visit: { satisfied: false } }, OFFICE],
    [{ type: 'terminate', reason: 'clear answer given twice' }, OFFICE],
  ],
  withdrawn: [[{ type: 'withdraw' }, SYSTEM]],
};

export function reach(state: WorkOrderState): WorkOrderContext {
  const { ctx } = run(ticketFor(state), STEPS_TO[state]);
  if (ctx.state !== state) throw new Error(`fixture for ${state} reached ${ctx.state}`);
  return ctx;
}

/** A well-formed action of each kind for `ctx` (whether it is allowed is the machine's call). */
export function sampleAction(name: ActionName, ctx: WorkOrderContext): WorkOrderAction {
  switch (name) {
    case 'accept':
    case 'sign':
    case 'contact':
      return { type: name };
    case 'not_accept':
      return { type: name, reason: 'no identifiable request' };
    case 'archive':
      return { type: name };
    case 'merge':
      return { type: name, into: 'T-0' };
    case 'return':
      return { type: name, reason: 'incomplete_elements', detail: 'no address' };
    case 'dispatch':
      return { type: name, unit: 'u1' };
    case 'dispute':
      return { type: name };
    case 'designate':
      return { type: name, unit: 'u3' };
    case 'reply':
      return { type: name, replyPoints: 'fixed it' };
    case 'object':
      return { type: name, reason: 'not ours', suggestedUnit: ctx.unit === 'u2' ? 'u3' : 'u2', withinWindow: true };
    case 'review_objection':
      return { type: name, decision: 'refused', reason: 'it is yours' };
    case 'request_extension':
      return { type: name, reason: 'needs a site survey', dueDate: '2026-12-31' };
    case 'review_extension':
      return { type: name, decision: 'approved' };
    case 'appeal':
      return { type: name, reason: 'the 差评 is untrue' };
    case 'review_appeal':
      return { type: name, decision: 'refused' };
    case 'callback':
      return { type: name, visit: { satisfied: true, result: 5, efficiency: 5, attitude: 5 } };
    case 'reopen':
      return { type: name, reason: 'not really solved' };
    case 'terminate':
      return { type: name, reason: 'answered several times' };
    case 'supervise':
      return { type: name, reason: 'overdue' };
    case 'co_input':
      return { type: name, content: 'our part is done' };
    case 'set_lead':
      return { type: name, lead: ctx.unit ?? 'u1', coUnits: [...ctx.coUnits, 'u5'] };
    case 'withdraw':
      return { type: name };
    case 'supplement':
      return { type: name, content: 'new photo' };
    case 'urge':
      return { type: name };
  }
}

/** The first role the rules name for an action, as this order's unit or co-handler where needed. */
export function actorFor(name: ActionName, ctx: WorkOrderContext): Actor {
  const role = ACTION_RULES[name].actors[0];
  if (role === 'unit') return unitActor(ctx.unit ?? 'u1');
  if (role === 'co') return coActor(ctx.coUnits[0] ?? 'u9');
  return { role };
}
