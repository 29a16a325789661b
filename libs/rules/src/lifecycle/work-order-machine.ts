/**
 * The work-order state machine (docs/domain.md#work-order-life; 沪府办〔2020〕49号 Art. 4–7). Pure: no clock,
 * no storage, no I/O. `transition` answers either the next context and the effects the app must
 * carry out, or why the action is refused — and then the context is untouched.
 *
 * Check order, so the error says the most basic thing first: unknown action → invalid_input;
 * not in this state → not_allowed; wrong role or not this unit's order → wrong_actor; a context
 * guard (designated, pending extension, …) → not_allowed; bad input → invalid_input; a decision
 * the rules forbid for this input (objection window closed, …) → not_allowed.
 */
import type { Source, TicketKind } from '../model/ticket';
import {
  assignmentClocks,
  meetClock,
  rosterChanges,
  startClock,
  statusEvent,
  stopAssignmentClocks,
  stopClock,
  toHandlers,
  workOrder,
} from './work-order-effects';
import {
  coUnitsProblem,
  isActor,
  isActorRole,
  isCalendarDate,
  isNonEmptyString,
  isOptionalBoolean,
  isOptionalString,
  isPositiveInteger,
  sameMembers,
  visitProblem,
} from './work-order-input.validator';
import { ACTION_RULES, actorProblem, contextGuard } from './work-order.rules';
import { ACTION_NAMES } from './work-order.types';
import type {
  ActionName,
  Actor,
  ActorRole,
  Effect,
  ResumableState,
  TransitionResult,
  WorkOrderAction,
  WorkOrderActionOf,
  WorkOrderConfig,
  WorkOrderContext,
} from './work-order.types';

/**
 * Defaults: a ticket that has moved to a new unit more than twice is flagged (one objection and
 * one designation are the normal worst case, 沪府办〔2020〕49号 Art. 7(二)); two unsatisfied callbacks on the
 * same answer are the least that "多次答复，当事人仍不满意" can mean (沪府办〔2020〕49号 Art. 4(三)).
 */
export const DEFAULT_WORK_ORDER_CONFIG: WorkOrderConfig = Object.freeze({
  maxBounces: 2,
  unsatisfiedBeforeTerminate: 2,
});

export interface NewWorkOrder {
  readonly source: Source;
  readonly kind: TicketKind;
  readonly config?: Partial<WorkOrderConfig>;
}

/** A freshly stored ticket (docs/contracts.md#inbound-answers `"status": "received"`). Throws RangeError on a bad config. */
export function createWorkOrder(init: NewWorkOrder): WorkOrderContext {
  const defaults = DEFAULT_WORK_ORDER_CONFIG;
  const config: WorkOrderConfig = {
    maxBounces: init.config?.maxBounces ?? defaults.maxBounces,
    unsatisfiedBeforeTerminate: init.config?.unsatisfiedBeforeTerminate ?? defaults.unsatisfiedBeforeTerminate,
  };
  if (!Number.isInteger(config.maxBounces) || config.maxBounces < 0) {
    throw new RangeError('maxBounces must be a non-negative integer');
  }
  if (!isPositiveInteger(config.unsatisfiedBeforeTerminate)) {
    throw new RangeError('unsatisfiedBeforeTerminate must be a positive integer');
  }
  return {
    state: 'received',
    source: init.source,
    kind: init.kind,
    config,
    unit: null,
    coUnits: [],
    coInputs: [],
    designated: false,
    viaObjection: false,
    objectedThisAssignment: false,
    appealedThisAssignment: false,
    objections: 0,
    bounces: 0,
    replies: 0,
    callbacks: 0,
    unsatisfiedOnAnswer: 0,
    extensionsApproved: 0,
    pendingExtension: null,
    pendingObjection: null,
    previousState: null,
    lastReplyPoints: null,
    lastVisit: null,
    mergedInto: null,
  };
}

/**
 * What `who` may do now. With a bare role the unit identity is not checked (a UI listing what a
 * unit role could do); with an Actor it is (this unit, on this order). The objection window is an
 * input of `object`, so `object` is listed whenever the state and designation allow it.
 */
export function allowedActions(ctx: WorkOrderContext, who: ActorRole | Actor): ActionName[] {
  if (typeof who === 'string' ? !isActorRole(who) : !isActor(who)) return [];
  return ACTION_NAMES.filter((name) => {
    const rule = ACTION_RULES[name];
    if (!rule.from.includes(ctx.state)) return false;
    if (typeof who === 'string' ? !rule.actors.includes(who) : actorProblem(ctx, rule, who) !== null) return false;
    return contextGuard(ctx, name) === null;
  });
}

export function transition(ctx: WorkOrderContext, action: WorkOrderAction, actor: Actor): TransitionResult {
  const fail = (error: 'not_allowed' | 'wrong_actor' | 'invalid_input', message: string): TransitionResult => ({
    ok: false,
    error,
    state: ctx.state,
    allowed: allowedActions(ctx, actor),
    message,
  });
  const name: unknown = (action as { type?: unknown } | null | undefined)?.type;
  if (!isActionName(name)) return fail('invalid_input', `unknown action ${String(name)}`);
  const rule = ACTION_RULES[name];
  if (!rule.from.includes(ctx.state)) return fail('not_allowed', `${name} is not allowed in state ${ctx.state}`);
  if (!isActor(actor)) return fail('wrong_actor', 'the actor needs a known role, and a unit code for unit and co');
  const who = actorProblem(ctx, rule, actor);
  if (who !== null) return fail('wrong_actor', who);
  const guard = contextGuard(ctx, name);
  if (guard !== null) return fail('not_allowed', guard);
  const step = apply(ctx, action, actor);
  if ('reject' in step) return fail(step.reject, step.message);
  return { ok: true, next: step.next, effects: step.effects };
}

// ---------------------------------------------------------------------------------------------

interface Done {
  readonly next: WorkOrderContext;
  readonly effects: readonly Effect[];
}
interface Rejected {
  readonly reject: 'not_allowed' | 'invalid_input';
  readonly message: string;
}
type Step = Done | Rejected;

const invalid = (message: string): Rejected => ({ reject: 'invalid_input', message });
const refused = (message: string): Rejected => ({ reject: 'not_allowed', message });

function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (ACTION_NAMES as readonly string[]).includes(value);
}

function asResumable(state: WorkOrderContext['state']): ResumableState | null {
  return state === 'dispatched' || state === 'signed' || state === 'contacted' ? state : null;
}

/** Where a refused review returns; `dispatched` only if a corrupt context lost it. */
function resumeState(ctx: WorkOrderContext): ResumableState {
  return ctx.previousState ?? 'dispatched';
}

/** State, actor and guards are already checked; this validates input and computes the step. */
function apply(ctx: WorkOrderContext, action: WorkOrderAction, actor: Actor): Step {
  switch (action.type) {
    case 'accept':
      // A national transfer's 5-WD return window starts at intake (沪府办〔2020〕49号 Art. 4(一)).
      return {
        next: { ...ctx, state: 'accepted' },
        effects: [...statusEvent(ctx, 'accepted', null), ...(ctx.source === 'national' ? [startClock('return')] : [])],
      };
    case 'not_accept':
      if (!isNonEmptyString(action.reason)) {
        return invalid('not_accept needs the reason told to the citizen (Yunnan Measures Art. 11)');
      }
      return {
        next: { ...ctx, state: 'not_accepted' },
        effects: statusEvent(ctx, 'not_accepted', null, { reason: action.reason }),
      };
    case 'archive':
      if (!isOptionalString(action.reason)) return invalid('reason must be a string');
      return { next: { ...ctx, state: 'archived' }, effects: statusEvent(ctx, 'archived', null) };
    case 'merge':
      return merge(ctx, action);
    case 'return':
      return returnToNational(ctx, action);
    case 'dispatch':
      return dispatch(ctx, action);
    case 'dispute':
      // No status type exists for it: the source keeps seeing `accepted` until the office designates.
      if (!isOptionalString(action.reason)) return invalid('reason must be a string');
      return { next: { ...ctx, state: 'disputed' }, effects: [] };
    case 'designate':
      return designate(ctx, action);
    case 'sign':
      return { next: { ...ctx, state: 'signed' }, effects: statusEvent(ctx, 'signed', ctx.unit) };
    case 'contact':
      return {
        next: { ...ctx, state: 'contacted' },
        effects: [...statusEvent(ctx, 'contacted', ctx.unit), meetClock('contact')],
      };
    case 'reply':
      return reply(ctx, action);
    case 'object':
      return object(ctx, action);
    case 'review_objection':
      return reviewObjection(ctx, action);
    case 'request_extension':
      if (!isNonEmptyString(action.reason)) return invalid('an extension request needs a reason (沪府办〔2020〕49号 Art. 5: 特别疑难)');
      if (!isCalendarDate(action.dueDate)) return invalid('dueDate must be a date YYYY-MM-DD');
      // No status event: the source hears `extended` only when the office approves.
      return { next: { ...ctx, pendingExtension: { dueDate: action.dueDate, reason: action.reason } }, effects: [] };
    case 'review_extension':
      return reviewExtension(ctx, action);
    case 'appeal':
      if (!isNonEmptyString(action.reason)) return invalid('an appeal needs the written defence (书面申辩, 沪府办〔2020〕49号 Art. 6(一))');
      if (action.withinWindow === false) {
        return refused('the appeal window has closed: 15 working days from receipt of the order (沪府办〔2020〕49号 Art. 6(二))');
      }
      return {
        next: {
          ...ctx,
          state: 'appealed',
          previousState: asResumable(ctx.state),
          appealedThisAssignment: true,
        },
        // 沪府办〔2020〕49号 Art. 6(二) counts the 15 days from when the unit received the order, not from the appeal.
        effects: [startClock('appeal', 'assigned')],
      };
    case 'review_appeal':
      return reviewAppeal(ctx, action);
    case 'callback':
      return callback(ctx, action);
    case 'reopen':
      if (!isNonEmptyString(action.reason)) return invalid('reopen needs a reason');
      return reopen(ctx, action.reason, 0);
    case 'terminate':
      return terminate(ctx, action);
    case 'supervise':
      if (!isNonEmptyString(action.reason)) return invalid('supervise needs a reason (沪府办〔2020〕49号 Art. 4(五))');
      return {
        next: ctx,
        effects: [
          ...statusEvent(ctx, 'supervised', ctx.unit),
          ...(ctx.unit === null ? [] : [workOrder('supervised', ctx.unit, 'lead', action.reason)]),
        ],
      };
    case 'co_input':
      return coInput(ctx, action, actor);
    case 'set_lead':
      return setLead(ctx, action);
    case 'withdraw':
      return withdraw(ctx, action);
    case 'supplement':
      if (!isOptionalString(action.content)) return invalid('content must be a string');
      return { next: ctx, effects: toHandlers(ctx, 'supplement') };
    case 'urge':
      // 催办 has no work-order type of its own; `warning` is the unit's "hurry" signal (docs/contracts.md#unit-systems).
      if (!isOptionalString(action.content)) return invalid('content must be a string');
      return {
        next: ctx,
        effects: ctx.unit === null ? [] : [workOrder('warning', ctx.unit, 'lead', 'urged by the citizen (催办)')],
      };
  }
}

function merge(ctx: WorkOrderContext, action: WorkOrderActionOf<'merge'>): Step {
  if (!isNonEmptyString(action.into)) return invalid('merge needs the ticket it is merged into');
  if (!isOptionalString(action.reason)) return invalid('reason must be a string');
  const reason = isNonEmptyString(action.reason) ? action.reason : `merged into ${action.into}`;
  return {
    next: { ...ctx, state: 'merged', mergedInto: action.into },
    effects: statusEvent(ctx, 'merged', null, { reason }),
  };
}

function returnToNational(ctx: WorkOrderContext, action: WorkOrderActionOf<'return'>): Step {
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

function dispatch(ctx: WorkOrderContext, action: WorkOrderActionOf<'dispatch'>): Step {
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
function designate(ctx: WorkOrderContext, action: WorkOrderActionOf<'designate'>): Step {
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
function assign(
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

function reply(ctx: WorkOrderContext, action: WorkOrderActionOf<'reply'>): Step {
  if (!isNonEmptyString(action.replyPoints)) return invalid('a reply needs its 答复要点 (沪府办〔2020〕49号 Art. 4(六))');
  if (!isOptionalBoolean(action.maintainsPreviousAnswer)) return invalid('maintainsPreviousAnswer must be a boolean');
  const same = action.maintainsPreviousAnswer === true && ctx.lastReplyPoints !== null;
  return {
    next: {
      ...ctx,
      state: 'replied',
      replies: ctx.replies + 1,
      lastReplyPoints: action.replyPoints,
      // 沪府办〔2020〕49号 Art. 4(三) counts dissatisfaction with one clear answer; a new conclusion starts over.
      unsatisfiedOnAnswer: same ? ctx.unsatisfiedOnAnswer : 0,
      // The work is done: a still-pending extension request has nothing left to extend.
      pendingExtension: null,
    },
    effects: [
      ...statusEvent(ctx, 'replied', ctx.unit, { replyPoints: action.replyPoints }),
      // The conclusion must be communicated to the citizen (沪府办〔2020〕49号 Art. 4(三)), so a reply is at the
      // latest the first contact; meeting a contact clock already met is a no-op.
      meetClock('contact'),
      meetClock('resolve'),
      // Once answered, "not ours" is no longer an option.
      stopClock('objection'),
    ],
  };
}

function object(ctx: WorkOrderContext, action: WorkOrderActionOf<'object'>): Step {
  if (typeof action.withinWindow !== 'boolean') return invalid('withinWindow must be a boolean');
  if (!isNonEmptyString(action.reason)) return invalid('an objection needs its grounds (载明相关依据, 沪府办〔2020〕49号 Art. 7(一))');
  if (!isNonEmptyString(action.suggestedUnit)) {
    return invalid('an objection must name the suggested unit (建议承办单位, 沪府办〔2020〕49号 Art. 7(二))');
  }
  if (action.suggestedUnit === ctx.unit) return invalid('the suggested unit must be another unit');
  if (!action.withinWindow) {
    return refused('the objection window has closed: 5 working days from receipt of the order (沪府办〔2020〕49号 Art. 7(二))');
  }
  return {
    next: {
      ...ctx,
      state: 'objected',
      previousState: asResumable(ctx.state),
      pendingObjection: { suggestedUnit: action.suggestedUnit, reason: action.reason },
      objectedThisAssignment: true,
      objections: ctx.objections + 1,
    },
    // The unit stays responsible until the review decides, so contact/resolve keep running.
    // The objection clock keeps running: the 退单 itself must happen within the 5 WD (Art. 7(二)),
    // so a review still pending at its end lapses (docs/rules.md, item 4).
    effects: [...statusEvent(ctx, 'objected', ctx.unit, { reason: action.reason })],
  };
}

function reviewObjection(ctx: WorkOrderContext, action: WorkOrderActionOf<'review_objection'>): Step {
  if (action.decision === 'accepted') {
    if (action.unit !== undefined && !isNonEmptyString(action.unit)) return invalid('unit must be a unit code');
    const target = action.unit ?? ctx.pendingObjection?.suggestedUnit;
    if (target === undefined) return invalid('no unit to redispatch to');
    if (target === ctx.unit) return invalid('the order cannot be redispatched to the objecting unit');
    if (action.withinWindow === false) {
      return refused('the objection window has closed: a 退单 happens within 5 working days of receipt (沪府办〔2020〕49号 Art. 7(二)); the office may designate');
    }
    if (ctx.viaObjection) {
      return refused('the suggested unit objected in turn: the office designates the handler (沪府办〔2020〕49号 Art. 7(二))');
    }
    return assign(ctx, target, ctx.coUnits.filter((co) => co !== target), {
      designated: false,
      viaObjection: true,
      reason: 'objection accepted (退单)',
    });
  }
  if (action.decision === 'refused') {
    if (!isNonEmptyString(action.reason)) return invalid('a refused objection needs the reason');
    return {
      next: { ...ctx, state: resumeState(ctx), pendingObjection: null, previousState: null },
      // No status type for it; the unit is told the order is still its own.
      effects: [
        stopClock('objection'),
        ...(ctx.unit === null ? [] : [workOrder('assigned', ctx.unit, 'lead', `objection refused: ${action.reason}`)]),
      ],
    };
  }
  return invalid('decision must be accepted or refused');
}

function reviewExtension(ctx: WorkOrderContext, action: WorkOrderActionOf<'review_extension'>): Step {
  const pending = ctx.pendingExtension;
  if (pending === null) return refused('no extension request is pending');
  if (action.decision === 'approved') {
    if (action.dueDate !== undefined && !isCalendarDate(action.dueDate)) {
      return invalid('dueDate must be a date YYYY-MM-DD');
    }
    const dueDate = action.dueDate ?? pending.dueDate;
    return {
      next: { ...ctx, pendingExtension: null, extensionsApproved: ctx.extensionsApproved + 1 },
      effects: [...statusEvent(ctx, 'extended', ctx.unit), { kind: 'clock', op: 'extend', clock: 'resolve', dueDate }],
    };
  }
  if (action.decision === 'refused') {
    if (!isNonEmptyString(action.reason)) return invalid('a refused extension needs the reason');
    // Nothing to tell the source: its deadline did not move.
    return { next: { ...ctx, pendingExtension: null }, effects: [] };
  }
  return invalid('decision must be approved or refused');
}

function reviewAppeal(ctx: WorkOrderContext, action: WorkOrderActionOf<'review_appeal'>): Step {
  if (!isOptionalString(action.reason)) return invalid('reason must be a string');
  if (action.decision === 'upheld' && action.withinWindow === false) {
    return refused('the 15 working days from receipt of the order have passed (沪府办〔2020〕49号 Art. 6(二)): the 差评 stands');
  }
  if (action.decision === 'upheld') {
    // 不属实: closed through the hotline, the evaluation not counted (沪府办〔2020〕49号 Art. 6(二)).
    return {
      next: { ...ctx, state: 'unfounded', previousState: null, pendingExtension: null },
      effects: [
        ...statusEvent(ctx, 'unfounded', ctx.unit),
        meetClock('appeal'),
        stopClock('contact'),
        stopClock('resolve'),
        stopClock('objection'),
      ],
    };
  }
  if (action.decision === 'refused') {
    return {
      next: { ...ctx, state: resumeState(ctx), previousState: null },
      effects: [
        stopClock('appeal'),
        ...(ctx.unit === null ? [] : [workOrder('assigned', ctx.unit, 'lead', 'appeal refused: handle the 差评')]),
      ],
    };
  }
  return invalid('decision must be upheld or refused');
}

/** 回访 (沪府办〔2020〕49号 Art. 4(四)): satisfied closes; unsatisfied sends it back to the unit (重办). */
function callback(ctx: WorkOrderContext, action: WorkOrderActionOf<'callback'>): Step {
  const problem = visitProblem(action.visit);
  if (problem !== null) return invalid(problem);
  const visit = action.visit;
  const visited: WorkOrderContext = { ...ctx, callbacks: ctx.callbacks + 1, lastVisit: visit };
  if (!visit.satisfied) return reopen(visited, visit.note ?? 'callback unsatisfied', 1);
  const effects: Effect[] = [...statusEvent(ctx, 'closed', ctx.unit, { replyPoints: ctx.lastReplyPoints })];
  if (ctx.source === 'national') {
    // The national result goes after the callback, with the visit (docs/contracts.md#national-messages).
    // The platform has a result: the return window closes with it.
    effects.push(stopClock('return'), { kind: 'national', call: 'result', outcome: 'closed', replyPoints: ctx.lastReplyPoints, visit });
  }
  return { next: { ...visited, state: 'closed' }, effects };
}

/**
 * 重办: back to the unit that answered, which still has the order (so `signed`, no new 签收), with
 * a fresh resolve clock; the contact duty was met the first time.
 */
function reopen(ctx: WorkOrderContext, reason: string, unsatisfied: 0 | 1): Done {
  return {
    next: { ...ctx, state: 'signed', unsatisfiedOnAnswer: ctx.unsatisfiedOnAnswer + unsatisfied },
    effects: [...statusEvent(ctx, 'reopened', ctx.unit), ...toHandlers(ctx, 'reopened', reason), startClock('resolve')],
  };
}

function terminate(ctx: WorkOrderContext, action: WorkOrderActionOf<'terminate'>): Step {
  if (!isNonEmptyString(action.reason)) return invalid('termination needs the reason (存电, 沪府办〔2020〕49号 Art. 4(三))');
  const effects: Effect[] = [
    ...statusEvent(ctx, 'terminated', ctx.unit, { reason: action.reason }),
    ...stopAssignmentClocks(ctx),
  ];
  if (ctx.source === 'national') {
    effects.push(stopClock('return'), {
      kind: 'national',
      call: 'result',
      outcome: 'terminated',
      replyPoints: ctx.lastReplyPoints,
      visit: ctx.lastVisit,
    });
  }
  return { next: { ...ctx, state: 'terminated', pendingExtension: null }, effects };
}

function coInput(ctx: WorkOrderContext, action: WorkOrderActionOf<'co_input'>, actor: Actor): Step {
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
function setLead(ctx: WorkOrderContext, action: WorkOrderActionOf<'set_lead'>): Step {
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
function withdraw(ctx: WorkOrderContext, action: WorkOrderActionOf<'withdraw'>): Step {
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
