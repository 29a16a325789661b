/**
 * The machine's steps, one function per action that changes more than the state: each validates
 * its input and computes the next context and the effects (work-order-machine.ts `apply` picks one).
 */
import {
  assignmentClocks,
  meetClock,
  rosterChanges,
  statusEvent,
  stopAssignmentClocks,
  stopClock,
  toHandlers,
  workOrder,
} from './work-order-effects';
import {
  coUnitsProblem,
  isNonEmptyString,
  isOptionalBoolean,
  isOptionalString,
  sameMembers,
} from './work-order-input.validator';
import type {
  Actor,
  Effect,
  ResumableState,
  WorkOrderActionOf,
  WorkOrderContext,
} from './work-order.types';

export interface Done {
  readonly next: WorkOrderContext;
  readonly effects: readonly Effect[];
}
export interface Rejected {
  readonly reject: 'not_allowed' | 'invalid_input';
  readonly message: string;
}
export type Step = Done | Rejected;

export const invalid = (message: string): Rejected => ({ reject: 'invalid_input', message });
export const refused = (message: string): Rejected => ({ reject: 'not_allowed', message });

export function asResumable(state: WorkOrderContext['state']): ResumableState | null {
  return state === 'dispatched' || state === 'signed' || state === 'contacted' ? state : null;
}

/** Where a refused review returns; `dispatched` only if a corrupt context lost it. */
export function resumeState(ctx: WorkOrderContext): ResumableState {
  return ctx.previousState ?? 'dispatched';
}

export function merge(ctx: WorkOrderContext, action: WorkOrderActionOf<'merge'>): Step {
  if (!isNonEmptyString(action.into)) return invalid('merge needs the ticket it is merged into');
  if (!isOptionalString(action.reason)) return invalid('reason must be a string');
  const reason = isNonEmptyString(action.reason) ? action.reason : `merged into ${action.into}`;
  return {
    next: { ...ctx, state: 'merged', mergedInto: action.into },
    effects: statusEvent(ctx, 'merged', null, { reason }),
  };
}

export function returnToNational(ctx: WorkOrderContext, action: WorkOrderActionOf<'return'>): Step {
  if (action.reason !== 'out_of_jurisdiction' && action.reason !== 'incomplete_elements') {
    return invalid('reason must be out_of_jurisdiction or incomplete_elements (docs/contracts.md#national-messages)');
  }
  if (!isNonEmptyString(action.detail)) return invalid('a return needs its detail');
  if (action.withinWindow !== undefined && typeof action.withinWindow !== 'boolean') return invalid('withinWindow must be a boolean');
  if (action.withinWindow === false) {
    return refused('the return window has closed: 5 working days from receipt (沪府办〔2020〕49号 Art. 4(一)); the city handles it');
  }
  // Returned after dispatch: the units stop work and the clocks stop; the return clock is met.
  const handled = ctx.unit === null ? [] : [...toHandlers(ctx, 'withdrawn', `退回国办：${action.detail}`), ...stopAssignmentClocks(ctx)];
  return {
    next: { ...ctx, state: 'returned', pendingExtension: null, pendingObjection: null, previousState: null },
    effects: [...handled, meetClock('return'), { kind: 'national', call: 'return', reason: action.reason, detail: action.detail }],
  };
}

export function dispatch(ctx: WorkOrderContext, action: WorkOrderActionOf<'dispatch'>): Step {
  if (!isNonEmptyString(action.unit)) return invalid('dispatch needs a unit');
  if (!isOptionalBoolean(action.designated)) return invalid('designated must be a boolean');
  const coUnits = action.coUnits ?? [];
  const problem = coUnitsProblem(coUnits, action.unit);
  if (problem !== null) return invalid(problem);
  return assign(ctx, action.unit, coUnits, {
    designated: action.designated === true,
    viaObjection: false,
    reason: null,
  });
}

/**
 * 指定 by the office. A new unit gets a new assignment (fresh 1/5/15). Naming the unit that
 * already holds the order pins it there: from `objected` that settles the objection against the
 * objector (沪府办〔2020〕49号 Art. 7(二): the suggested unit's objection is decided by designation); elsewhere it
 * takes away the right to object.
 */
export function designate(ctx: WorkOrderContext, action: WorkOrderActionOf<'designate'>): Step {
  if (!isNonEmptyString(action.unit)) return invalid('designate needs a unit');
  const target = action.unit;
  const coUnits = action.coUnits ?? ctx.coUnits.filter((co) => co !== target);
  const problem = coUnitsProblem(coUnits, target);
  if (problem !== null) return invalid(problem);
  const why = 'designated by the office';
  if (target !== ctx.unit) return assign(ctx, target, coUnits, { designated: true, viaObjection: false, reason: why });

  const objected = ctx.state === 'objected';
  if (!objected && ctx.designated && sameMembers(coUnits, ctx.coUnits)) {
    return invalid(`unit ${target} is already the designated handler; nothing changes`);
  }
  return {
    next: {
      ...ctx,
      state: objected ? resumeState(ctx) : ctx.state,
      designated: true,
      coUnits,
      coInputs: ctx.coInputs.filter((co) => coUnits.includes(co)),
      pendingObjection: null,
      previousState: objected ? null : ctx.previousState,
    },
    effects: [
      workOrder('assigned', target, 'lead', objected ? `objection settled: ${why}` : why),
      ...rosterChanges(ctx, target, coUnits, why),
      // A designated unit has no objection window any more.
      stopClock('objection'),
    ],
  };
}

/**
 * A new lead unit gets the order: the first dispatch, a designation elsewhere, or an accepted
 * objection. The new unit has just "received the order", so the 1/5/15 clocks start afresh
 * (沪府办〔2020〕49号 Art. 5) and everything tied to the previous unit's assignment is dropped.
 */
export function assign(
  ctx: WorkOrderContext,
  lead: string,
  coUnits: readonly string[],
  how: { designated: boolean; viaObjection: boolean; reason: string | null },
): Done {
  const first = ctx.unit === null;
  const handling = ctx.unit === null ? ctx.coUnits : [ctx.unit, ...ctx.coUnits];
  // A co-handler promoted to lead has not been passed around; a unit new to the matter has.
  const bounces = first || handling.includes(lead) ? ctx.bounces : ctx.bounces + 1;
  const effects: Effect[] = first
    ? [
        ...statusEvent(ctx, 'dispatched', lead),
        workOrder('assigned', lead, 'lead', how.reason),
        ...coUnits.map((co) => workOrder('assigned', co, 'co', how.reason)),
      ]
    : [
        ...statusEvent(ctx, 'redispatched', lead),
        ...rosterChanges(ctx, lead, coUnits, how.reason),
        ...stopAssignmentClocks(ctx),
      ];
  effects.push(...assignmentClocks(how.designated));
  if (bounces > ctx.bounces && bounces > ctx.config.maxBounces) {
    effects.push({ kind: 'flag_bounced', bounces, maxBounces: ctx.config.maxBounces });
  }
  return {
    next: {
      ...ctx,
      state: 'dispatched',
      unit: lead,
      coUnits,
      coInputs: [],
      designated: how.designated,
      viaObjection: how.viaObjection,
      objectedThisAssignment: false,
      appealedThisAssignment: false,
      bounces,
      unsatisfiedOnAnswer: 0,
      pendingExtension: null,
      pendingObjection: null,
      previousState: null,
      lastReplyPoints: null,
    },
    effects,
  };
}

export function coInput(ctx: WorkOrderContext, action: WorkOrderActionOf<'co_input'>, actor: Actor): Step {
  if (!isNonEmptyString(action.content)) return invalid('co-handler input needs content');
  // The rules let only a co-handler of this order get here.
  const unit = actor.role === 'co' ? actor.unitCode : null;
  if (unit === null) return invalid('co_input comes from a co-handler');
  // Input goes to the lead, who answers for everyone (谁承办，谁答复, Shenzhen Draft ch. 4): no outside event.
  return {
    next: { ...ctx, coInputs: ctx.coInputs.includes(unit) ? ctx.coInputs : [...ctx.coInputs, unit] },
    effects: [],
  };
}

/**
 * 明确牵头部门 (Yunnan Measures Art. 15): rearrange the units already on the matter (promote a co-handler,
 * add or drop co-handlers). Handling goes on, so state and clocks stay; bringing in a unit from
 * outside as lead is `designate`.
 */
export function setLead(ctx: WorkOrderContext, action: WorkOrderActionOf<'set_lead'>): Step {
  if (!isNonEmptyString(action.lead)) return invalid('set_lead needs the lead unit');
  const lead = action.lead;
  if (ctx.unit === null) return refused('no unit handles this order yet');
  const current = [ctx.unit, ...ctx.coUnits];
  if (!current.includes(lead)) {
    return invalid(`unit ${lead} does not handle this matter yet; designate brings in another unit`);
  }
  const coUnits = action.coUnits ?? current.filter((unit) => unit !== lead);
  const problem = coUnitsProblem(coUnits, lead);
  if (problem !== null) return invalid(problem);
  const leadChanged = lead !== ctx.unit;
  if (!leadChanged && sameMembers(coUnits, ctx.coUnits)) return invalid('nothing changes');
  return {
    next: {
      ...ctx,
      unit: lead,
      coUnits,
      coInputs: ctx.coInputs.filter((co) => coUnits.includes(co)),
      // The office named the lead: 指定谁、谁办理.
      designated: leadChanged ? true : ctx.designated,
      viaObjection: leadChanged ? false : ctx.viaObjection,
      objectedThisAssignment: leadChanged ? false : ctx.objectedThisAssignment,
      appealedThisAssignment: leadChanged ? false : ctx.appealedThisAssignment,
    },
    effects: [
      ...(leadChanged ? statusEvent(ctx, 'redispatched', lead) : []),
      ...rosterChanges(ctx, lead, coUnits, 'lead unit set (明确牵头部门)'),
      ...(leadChanged ? [stopClock('objection')] : []),
    ],
  };
}

/**
 * 撤诉. The contract has no `withdrawn` status, and the hotline sent the withdrawal itself: it is
 * told `closed` with reason `withdrawn`. Units still handling it are told `withdrawn` (docs/contracts.md#unit-systems).
 */
export function withdraw(ctx: WorkOrderContext, action: WorkOrderActionOf<'withdraw'>): Step {
  if (!isOptionalString(action.reason)) return invalid('reason must be a string');
  return {
    next: { ...ctx, state: 'withdrawn', pendingExtension: null, pendingObjection: null, previousState: null },
    effects: [
      ...statusEvent(ctx, 'closed', ctx.unit, { reason: 'withdrawn' }),
      ...toHandlers(ctx, 'withdrawn', action.reason ?? null),
      ...(ctx.unit === null ? [] : stopAssignmentClocks(ctx)),
    ],
  };
}
