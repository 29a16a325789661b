/**
 * Who may take which action, in which states, under which context conditions. One table, so that
 * `allowedActions` and `transition` can never disagree.
 *
 * Main path (沪府办〔2020〕49号 Art. 4–5):
 *   received →accept→ accepted →dispatch→ dispatched →sign→ signed →contact→ contacted →reply→ replied
 *   replied →callback(satisfied)→ closed;  replied →callback(unsatisfied) | reopen→ signed
 *   closed →reopen (office only)→ signed
 * Side paths:
 *   received → not_accepted | archived | merged | returned (national)        intake, 沪府办〔2020〕49号 Art. 4(一)
 *   accepted →dispute→ disputed →designate→ dispatched                         沪府办〔2020〕49号 Art. 4(二)
 *   dispatched|signed|contacted →object→ objected →review→ dispatched (new unit) or back   沪府办〔2020〕49号 Art. 7
 *   signed|contacted →appeal→ appealed →review→ unfounded or back              沪府办〔2020〕49号 Art. 6
 *   signed|contacted|replied →terminate→ terminated (after N unsatisfied)      沪府办〔2020〕49号 Art. 4(三)
 *   any open state →withdraw→ withdrawn
 * Terminal states accept no action at all.
 */
import type { Actor, ActionName, ActorRole, WorkOrderContext, WorkOrderState } from './work-order.types';

/** Before the citizen's matter is concluded: citizen events and withdrawal still apply. */
export const OPEN_STATES = [
  'received',
  'accepted',
  'disputed',
  'dispatched',
  'signed',
  'contacted',
  'objected',
  'replied',
  'appealed',
] as const satisfies readonly WorkOrderState[];

/** A lead unit holds the order (some unit is responsible right now). */
const WITH_UNIT = ['dispatched', 'signed', 'contacted', 'objected', 'replied', 'appealed'] as const;
/** The lead unit is working on it (between 派单 and 办结). */
const HANDLING = ['dispatched', 'signed', 'contacted'] as const;
/** The unit has signed for the order and so knows the matter. */
const SIGNED_FOR = ['signed', 'contacted'] as const;
const INTAKE_ACTORS = ['system', 'office'] as const;
/**
 * The office or the unit's authority reviews; `system` is the hub refusing a review still pending
 * when its window ends (a lapse, docs/rules.md, item 4).
 */
const REVIEWERS_OR_LAPSE = ['office', 'authority', 'system'] as const;

export interface ActionRule {
  readonly actors: readonly ActorRole[];
  readonly from: readonly WorkOrderState[];
}

export const ACTION_RULES: { readonly [N in ActionName]: ActionRule } = {
  // Intake (受理) is the office's job (沪府办〔2020〕49号 Art. 3(四), 4(一)); the hub automates what it can and
  // an operator decides the rest by hand, so both may take intake decisions.
  accept: { actors: INTAKE_ACTORS, from: ['received'] },
  not_accept: { actors: INTAKE_ACTORS, from: ['received'] },
  archive: { actors: INTAKE_ACTORS, from: ['received'] },
  // The same matter on another channel may show up until someone is handling it (Yunnan Measures Art. 13).
  merge: { actors: INTAKE_ACTORS, from: ['received', 'accepted', 'disputed'] },
  // A national item outside the city's powers may also surface when no unit fits (disputed);
  // still within the 5-working-day return window, which the app checks (沪府办〔2020〕49号 Art. 4(一)).
  // While the 5-WD return clock runs (the app's `withinWindow`), also after dispatch — e.g. when the
  // unit's objection shows the matter is not the city's power — until the platform has a result
  // (`closed` is listed only to refuse it clearly in contextGuard).
  return: { actors: INTAKE_ACTORS, from: ['received', 'accepted', 'disputed', 'dispatched', 'signed', 'contacted', 'objected', 'replied', 'closed'] },
  // Routing is automatic; the office's manual routing is `designate`.
  dispatch: { actors: ['system'], from: ['accepted'] },
  dispute: { actors: ['system'], from: ['accepted'] },
  // 争议事项由热线管理办公室指定转送 (沪府办〔2020〕49号 Art. 4(二)); a second objection is settled by designation
  // (沪府办〔2020〕49号 Art. 7(二)); and the office may correct any routing before the reply.
  designate: { actors: ['office'], from: ['accepted', 'disputed', 'dispatched', 'signed', 'contacted', 'objected'] },
  sign: { actors: ['unit'], from: ['dispatched'] },
  contact: { actors: ['unit'], from: ['signed'] },
  // 谁承办，谁答复 (Shenzhen Draft ch. 4): only the lead replies. After a reopen the unit is in `signed`.
  reply: { actors: ['unit'], from: SIGNED_FOR },
  // 退单 before answering; guarded below by designation and once per assignment (沪府办〔2020〕49号 Art. 7).
  object: { actors: ['unit'], from: HANDLING },
  // The unit's service authority reviews (沪府办〔2020〕49号 Art. 7(二)); the office records it in the hub.
  review_objection: { actors: REVIEWERS_OR_LAPSE, from: ['objected'] },
  // 特别疑难 may apply for more time (沪府办〔2020〕49号 Art. 5) once the unit has the order in hand.
  request_extension: { actors: ['unit'], from: SIGNED_FOR },
  // The request is a parallel flag: it may be decided while an objection or appeal is pending.
  review_extension: { actors: ['office'], from: ['signed', 'contacted', 'objected', 'appealed'] },
  // A 差评 appeal is an alternative to answering, so it comes after 签收 and before 办结 (沪府办〔2020〕49号 Art. 6).
  appeal: { actors: ['unit'], from: SIGNED_FOR },
  review_appeal: { actors: REVIEWERS_OR_LAPSE, from: ['appealed'] },
  // 100% callback of concluded orders (沪府办〔2020〕49号 Art. 4(四)).
  callback: { actors: ['office'], from: ['replied'] },
  // 重办: only the office sends a concluded order back, including a closed one.
  reopen: { actors: ['office'], from: ['replied', 'closed'] },
  // 存电/终结 after several clear answers (沪府办〔2020〕49号 Art. 4(三)); guarded by the unsatisfied count.
  terminate: { actors: ['office'], from: ['signed', 'contacted', 'replied'] },
  // 督办 wherever a unit is responsible (沪府办〔2020〕49号 Art. 4(五)).
  supervise: { actors: ['office'], from: WITH_UNIT },
  co_input: { actors: ['co'], from: HANDLING },
  // 明确牵头部门 (Yunnan Measures Art. 15): the authority or the office picks the lead of a multi-unit matter.
  set_lead: { actors: ['office', 'authority'], from: HANDLING },
  // Citizen events relayed by the hotline (docs/contracts.md#hotline-order-events): only while the matter is open.
  withdraw: { actors: ['system'], from: OPEN_STATES },
  supplement: { actors: ['system'], from: OPEN_STATES },
  urge: { actors: ['system'], from: OPEN_STATES },
};

/**
 * Context conditions beyond the state. Returns why the action is barred, or null. These depend
 * only on the context, never on the action's input, so `allowedActions` can apply them too.
 */
export function contextGuard(ctx: WorkOrderContext, name: ActionName): string | null {
  switch (name) {
    case 'return':
      if (ctx.source !== 'national') return 'only national transfers are returned (沪府办〔2020〕49号 Art. 4(一))';
      if (ctx.state === 'closed') return 'the national platform already has this transfer\'s result: it can no longer be returned';
      return null;
    case 'object':
      if (ctx.designated) return 'a designated unit cannot object: 指定谁、谁办理 (沪府办〔2020〕49号 Art. 4(二), 7(二))';
      if (ctx.objectedThisAssignment) return 'this unit has already objected to this order (沪府办〔2020〕49号 Art. 7)';
      return null;
    case 'appeal':
      if (ctx.kind !== 'evaluation') return 'only a 差评 (evaluation) ticket can be appealed (沪府办〔2020〕49号 Art. 6)';
      if (ctx.appealedThisAssignment) return 'this unit has already appealed this 差评 (沪府办〔2020〕49号 Art. 6)';
      return null;
    case 'request_extension':
      return ctx.pendingExtension === null ? null : 'an extension request is already pending';
    case 'review_extension':
      return ctx.pendingExtension !== null ? null : 'no extension request is pending';
    case 'terminate':
      return ctx.unsatisfiedOnAnswer >= ctx.config.unsatisfiedBeforeTerminate
        ? null
        : `termination needs ${ctx.config.unsatisfiedBeforeTerminate} unsatisfied callbacks on the same answer, ` +
            `there are ${ctx.unsatisfiedOnAnswer} (沪府办〔2020〕49号 Art. 4(三))`;
    default:
      return null;
  }
}

/**
 * Whether this actor may take an action whose rule it matches by state. Unit and co actors act
 * only on orders they hold: the lead for `unit` actions, a co-handler for `co` actions.
 */
export function actorProblem(ctx: WorkOrderContext, rule: ActionRule, actor: Actor): string | null {
  if (!rule.actors.includes(actor.role)) {
    return `role ${String(actor.role)} may not do this; allowed roles: ${rule.actors.join(', ')}`;
  }
  if (actor.role === 'unit' && (ctx.unit === null || actor.unitCode !== ctx.unit)) {
    return `unit ${String(actor.unitCode)} is not the lead handling unit of this order`;
  }
  if (actor.role === 'co' && !ctx.coUnits.includes(actor.unitCode)) {
    return `unit ${String(actor.unitCode)} is not a co-handler of this order`;
  }
  return null;
}
