/** The machine's steps for replies, objections, reviews, callbacks, reopening and termination (see work-order-steps.ts). */
import {
  meetClock,
  startClock,
  statusEvent,
  stopAssignmentClocks,
  stopClock,
  toHandlers,
  workOrder,
} from './work-order-effects';
import {
  isCalendarDate,
  isNonEmptyString,
  isOptionalBoolean,
  isOptionalString,
  visitProblem,
} from './work-order-input.validator';
import type { Effect, UnreachableCall, WorkOrderActionOf, WorkOrderContext } from './work-order.types';
import { asResumable, assign, invalid, refused, resumeState, type Done, type Step } from './work-order-steps';

export function reply(ctx: WorkOrderContext, action: WorkOrderActionOf<'reply'>): Step {
  if (!isNonEmptyString(action.replyPoints)) return invalid('a reply needs its 答复要点 (沪府办〔2020〕49号 Art. 4(六))');
  if (!isOptionalBoolean(action.maintainsPreviousAnswer)) return invalid('maintainsPreviousAnswer must be a boolean');
  if (!isOptionalBoolean(action.onTheSpot)) return invalid('onTheSpot must be a boolean');
  const same = action.maintainsPreviousAnswer === true && ctx.lastReplyPoints !== null;
  return {
    next: {
      ...ctx,
      state: 'replied',
      replies: ctx.replies + 1,
      lastReplyPoints: action.replyPoints,
      // 沪府办〔2020〕49号 Art. 4(三) counts dissatisfaction with one clear answer; a new conclusion starts over.
      unsatisfiedOnAnswer: same ? ctx.unsatisfiedOnAnswer : 0,
      // Each answer is called back about anew.
      unreachableCalls: 0,
      // The work is done: a still-pending extension request has nothing left to extend.
      pendingExtension: null,
    },
    effects: [
      ...statusEvent(ctx, 'replied', ctx.unit, { replyPoints: action.replyPoints }),
      // The conclusion must be communicated to the citizen (沪府办〔2020〕49号 Art. 4(三)), so a reply is at the
      // latest the first contact; meeting a contact clock already met is a no-op.
      meetClock('contact'),
      meetClock('resolve'),
      // 当场办结 (Yunnan Measures Art. 13(一)): nothing is left to do, every duty is met with it.
      ...(action.onTheSpot === true ? [meetClock('accept'), meetClock('forward')] : []),
      // Once answered, "not ours" is no longer an option.
      stopClock('objection'),
    ],
  };
}

export function object(ctx: WorkOrderContext, action: WorkOrderActionOf<'object'>): Step {
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

export function reviewObjection(ctx: WorkOrderContext, action: WorkOrderActionOf<'review_objection'>): Step {
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

export function reviewExtension(ctx: WorkOrderContext, action: WorkOrderActionOf<'review_extension'>): Step {
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

export function reviewAppeal(ctx: WorkOrderContext, action: WorkOrderActionOf<'review_appeal'>): Step {
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
export function callback(ctx: WorkOrderContext, action: WorkOrderActionOf<'callback'>): Step {
  if ('unreachable' in action) return unreachableCall(ctx, action.unreachable);
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
 * 联系不上 (docs/rules.md item 9b): a call that reached nobody. The office's `callbackAttempts`-th
 * on the same answer closes the ticket without a visit (the citizen cannot judge the unit, so
 * nothing counts against it); an anonymous citizen cannot be called at all, so the first does. A
 * national transfer's result carries the visit's scores (docs/contracts.md#national-messages):
 * it cannot be closed this way.
 */
function unreachableCall(ctx: WorkOrderContext, call: UnreachableCall): Step {
  if (typeof call !== 'object' || call === null) return invalid('unreachable must be an object');
  if (!isOptionalString(call.note)) return invalid('unreachable.note must be a string');
  if (!isOptionalBoolean(call.anonymous)) return invalid('unreachable.anonymous must be a boolean');
  if (ctx.source === 'national') {
    return refused('a national transfer cannot be closed as unreachable (联系不上): its result carries the callback\'s scores');
  }
  const calls = (ctx.unreachableCalls ?? 0) + 1;
  const next: WorkOrderContext = { ...ctx, unreachableCalls: calls };
  if (call.anonymous !== true && calls < ctx.config.callbackAttempts) return { next, effects: [] };
  return {
    next: { ...next, state: 'closed', callbacks: ctx.callbacks + 1 },
    effects: statusEvent(ctx, 'closed', ctx.unit, { reason: 'unreachable', replyPoints: ctx.lastReplyPoints }),
  };
}

/**
 * 重办: back to the unit that answered, which still has the order (so `signed`, no new 签收), with
 * a fresh resolve clock; the contact duty was met the first time.
 */
export function reopen(ctx: WorkOrderContext, reason: string, unsatisfied: 0 | 1): Done {
  return {
    next: { ...ctx, state: 'signed', unsatisfiedOnAnswer: ctx.unsatisfiedOnAnswer + unsatisfied },
    effects: [...statusEvent(ctx, 'reopened', ctx.unit), ...toHandlers(ctx, 'reopened', reason), startClock('resolve')],
  };
}

export function terminate(ctx: WorkOrderContext, action: WorkOrderActionOf<'terminate'>): Step {
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

