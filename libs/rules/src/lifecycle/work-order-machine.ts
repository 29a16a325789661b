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
  meetClock,
  startClock,
  statusEvent,
  toHandlers,
  workOrder,
} from './work-order-effects';
import {
  isActor,
  isActorRole,
  isCalendarDate,
  isNonEmptyString,
  isOptionalBoolean,
  isOptionalString,
  isPositiveInteger,
} from './work-order-input.validator';
import { ACTION_RULES, actorProblem, contextGuard } from './work-order.rules';
import { ACTION_NAMES } from './work-order.types';
import { asResumable, coInput, designate, dispatch, invalid, merge, returnToNational, setLead, withdraw, refused, type Step } from './work-order-steps';
import { callback, object, reopen, reply, reviewAppeal, reviewExtension, reviewObjection, terminate } from './work-order-review-steps';
import type {
  ActionName,
  Actor,
  ActorRole,
  TransitionResult,
  WorkOrderAction,
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
  callbackAttempts: 3,
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
    callbackAttempts: init.config?.callbackAttempts ?? defaults.callbackAttempts,
  };
  if (!Number.isInteger(config.maxBounces) || config.maxBounces < 0) {
    throw new RangeError('maxBounces must be a non-negative integer');
  }
  if (!isPositiveInteger(config.unsatisfiedBeforeTerminate)) {
    throw new RangeError('unsatisfiedBeforeTerminate must be a positive integer');
  }
  if (!isPositiveInteger(config.callbackAttempts)) throw new RangeError('callbackAttempts must be a positive integer');
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
    unreachableCalls: 0,
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

function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (ACTION_NAMES as readonly string[]).includes(value);
}

/** State, actor and guards are already checked; this validates input and computes the step. */
function apply(ctx: WorkOrderContext, action: WorkOrderAction, actor: Actor): Step {
  switch (action.type) {
    case 'accept':
      // A national transfer's 5-WD return window starts at intake (沪府办〔2020〕49号 Art. 4(一)); so does
      // Yunnan's 2-WD 交办 (Yunnan Measures Art. 10), under a policy that has it.
      return {
        next: { ...ctx, state: 'accepted' },
        effects: [...statusEvent(ctx, 'accepted', null), ...(ctx.source === 'national' ? [startClock('return')] : []), startClock('forward')],
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
      // 签收 is the unit's 受理: Yunnan's 3-WD clock is met and its 10 WD count from it (Yunnan Measures Art. 11, 13(二)).
      return { next: { ...ctx, state: 'signed' }, effects: [...statusEvent(ctx, 'signed', ctx.unit), meetClock('accept'), startClock('resolve', 'now', 'acceptance')] };
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
      if (!isOptionalBoolean(action.byNotice)) return invalid('byNotice must be a boolean');
      // On notice (Yunnan) the clock moves at once and the source hears `extended`; otherwise only when the office approves.
      if (action.byNotice === true) return { next: { ...ctx, extensionsApproved: ctx.extensionsApproved + 1 }, effects: [] };
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

