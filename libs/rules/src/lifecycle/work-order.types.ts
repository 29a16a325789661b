/**
 * Types of the pure work-order state machine (docs/domain.md#work-order-life; 沪府办〔2020〕49号 Art. 4–7).
 * Nothing here knows about time, storage or transport: the machine answers *what* happens, the
 * app decides *when* and *how* (clocks, outbox, unit pushes).
 */
import type { Source, TicketKind } from '../model/ticket';
import type { CallbackVisit, Effect, NationalReturnReason } from './work-order-effect.types';

/** The effects and the values they carry live in their own file; every name stays importable from here. */
export * from './work-order-effect.types';

/**
 * Every state a work order can be in. English names; the Chinese term each one stands for is in
 * the comment. The order is only for listings.
 */
export const WORK_ORDER_STATES = [
  /** 已接收: stored by the hub, awaiting the intake checks (沪府办〔2020〕49号 Art. 4(一)) */
  'received',
  /** 已受理: passed intake, awaiting routing (派单 or 争议) */
  'accepted',
  /** 不予受理 (Yunnan Measures Art. 8) — terminal */
  'not_accepted',
  /** 按一般意见建议归档: a local item that does not qualify for dispatch (沪府办〔2020〕49号 Art. 4(一)) — terminal */
  'archived',
  /** 合并: the same matter came in on another channel and is handled there (Yunnan Measures Art. 13) — terminal */
  'merged',
  /** 退回国办: national item outside the city's powers or incomplete (沪府办〔2020〕49号 Art. 4(一)) — terminal */
  'returned',
  /** 争议待指定: no routing rule fits; the office designates by hand (沪府办〔2020〕49号 Art. 4(二)) */
  'disputed',
  /** 已派单: sent to the lead unit, awaiting its 签收 */
  'dispatched',
  /** 已签收: the lead unit confirmed receipt */
  'signed',
  /** 已先行联系: the "1" of 1/5/15 is done (沪府办〔2020〕49号 Art. 5) */
  'contacted',
  /** 退单待审核: the unit says "not ours" and names a suggested unit (沪府办〔2020〕49号 Art. 7) */
  'objected',
  /** 已办结待回访: the unit replied with its 答复要点, awaiting the 100% callback (沪府办〔2020〕49号 Art. 4(四)) */
  'replied',
  /** 差评申诉待复核: the unit says the 差评 is untrue (沪府办〔2020〕49号 Art. 6) */
  'appealed',
  /** 已办结: callback satisfied. Not terminal: only the office may reopen it (重办) */
  'closed',
  /** 不属实办结: 差评 appeal upheld, evaluation not counted (沪府办〔2020〕49号 Art. 6(二)) — terminal */
  'unfounded',
  /** 存电/终结: clear answer given several times, still unsatisfied (沪府办〔2020〕49号 Art. 4(三)) — terminal */
  'terminated',
  /** 撤诉: the citizen withdrew (docs/contracts.md#hotline-order-events `withdraw`) — terminal */
  'withdrawn',
] as const;
export type WorkOrderState = (typeof WORK_ORDER_STATES)[number];

/** States no action leaves (see work-order-rules.ts: no rule lists them in `from`). */
export const TERMINAL_STATES = [
  'not_accepted',
  'archived',
  'merged',
  'returned',
  'unfounded',
  'terminated',
  'withdrawn',
] as const satisfies readonly WorkOrderState[];
export type TerminalState = (typeof TERMINAL_STATES)[number];

/**
 * States a ticket goes back to when a review (退单 or 申诉) is refused: the unit simply carries on
 * where it was before it objected or appealed.
 */
export type ResumableState = 'dispatched' | 'signed' | 'contacted';

/**
 * Who acts. `system` is the hub's own automation (intake, routing, citizen events relayed by the
 * hotline); `unit` is the lead handling unit (主办); `co` a co-handler (协办); `office` the hotline
 * office (热线管理办公室); `authority` the unit's service authority (政务服务主管部门), which reviews
 * objections and appeals (沪府办〔2020〕49号 Art. 6–7) and picks the lead of a multi-unit matter (Yunnan Measures Art. 15).
 */
export const ACTOR_ROLES = ['system', 'unit', 'co', 'office', 'authority'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

/** Units act only on their own orders, so unit and co actors carry their unit code. */
export type Actor =
  | { readonly role: 'system' | 'office' | 'authority'; readonly id?: string }
  | { readonly role: 'unit' | 'co'; readonly unitCode: string; readonly id?: string };

export const ACTION_NAMES = [
  'accept',
  'not_accept',
  'archive',
  'merge',
  'return',
  'dispatch',
  'dispute',
  'designate',
  'sign',
  'contact',
  'reply',
  'object',
  'review_objection',
  'request_extension',
  'review_extension',
  'appeal',
  'review_appeal',
  'callback',
  'reopen',
  'terminate',
  'supervise',
  'co_input',
  'set_lead',
  'withdraw',
  'supplement',
  'urge',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** One 回访 call that reached nobody (联系不上); the office's `callbackAttempts`-th closes the ticket (docs/rules.md item 9b). */
export interface UnreachableCall {
  readonly note?: string;
  /** filled by the hub from the ticket: an anonymous citizen cannot be called back at all */
  readonly anonymous?: boolean;
}

export type WorkOrderAction =
  | { readonly type: 'accept' }
  | { readonly type: 'not_accept'; readonly reason: string }
  | { readonly type: 'archive'; readonly reason?: string }
  /** `into`: the ticket this one is merged into */
  | { readonly type: 'merge'; readonly into: string; readonly reason?: string }
  /**
   * `withinWindow`: the app's answer to "is the 5-WD return clock still running?" (沪府办〔2020〕49号
   * Art. 4(一)); absent = not checked (a caller that knows it is, e.g. the intake check right away).
   */
  | { readonly type: 'return'; readonly reason: NationalReturnReason; readonly detail: string; readonly withinWindow?: boolean }
  /** `designated`: the upstream named this unit (指定谁、谁办理), so it may not object */
  | {
      readonly type: 'dispatch';
      readonly unit: string;
      readonly designated?: boolean;
      readonly coUnits?: readonly string[];
    }
  | { readonly type: 'dispute'; readonly reason?: string }
  /** `coUnits` omitted: keep the current co-handlers */
  | { readonly type: 'designate'; readonly unit: string; readonly coUnits?: readonly string[] }
  | { readonly type: 'sign' }
  | { readonly type: 'contact' }
  /**
   * `maintainsPreviousAnswer`: after a reopen, the unit answers with the same conclusion again;
   * the unsatisfied-callback count then carries on (沪府办〔2020〕49号 Art. 4(三) "多次答复").
   */
  /** `onTheSpot`: 当场办结 (Yunnan Measures Art. 13(一)): every open duty clock is met with it */
  | { readonly type: 'reply'; readonly replyPoints: string; readonly maintainsPreviousAnswer?: boolean; readonly onTheSpot?: boolean }
  /**
   * `withinWindow`: the app's answer to "is the objection clock still running?" — the machine has
   * no clock (沪府办〔2020〕49号 Art. 7(二): 5 working days from receipt of the order).
   */
  | {
      readonly type: 'object';
      readonly reason: string;
      readonly suggestedUnit: string;
      readonly withinWindow: boolean;
    }
  /** accepted: redispatch to `unit`, or to the unit the objector suggested */
  /**
   * `withinWindow`: the app's answer to "is the 5-WD objection window still open?" — a 退单 happens
   * within 5 working days of receipt (沪府办〔2020〕49号 Art. 7(二)); absent = not checked.
   */
  | { readonly type: 'review_objection'; readonly decision: 'accepted'; readonly unit?: string; readonly withinWindow?: boolean }
  | { readonly type: 'review_objection'; readonly decision: 'refused'; readonly reason: string }
  /** `dueDate`: the new last day asked for, `YYYY-MM-DD` (as deadlines' applyExtension takes it) */
  /**
   * `byNotice`: the app's answer to "does the policy extend on the unit's notice?" (Yunnan Measures
   * Art. 13(二): the complainant is informed, nobody approves); then nothing is left pending.
   */
  | { readonly type: 'request_extension'; readonly reason: string; readonly dueDate: string; readonly byNotice?: boolean }
  /** approved without `dueDate`: the date requested; the app checks the policy's cap first */
  | { readonly type: 'review_extension'; readonly decision: 'approved'; readonly dueDate?: string }
  | { readonly type: 'review_extension'; readonly decision: 'refused'; readonly reason: string }
  /**
   * `withinWindow`: the app's answer to "is this inside the 15 working days from receipt of the
   * order?" (沪府办〔2020〕49号 Art. 6(二): filed and decided within them); absent = not checked.
   */
  | { readonly type: 'appeal'; readonly reason: string; readonly withinWindow?: boolean }
  | { readonly type: 'review_appeal'; readonly decision: 'upheld' | 'refused'; readonly reason?: string; readonly withinWindow?: boolean }
  | { readonly type: 'callback'; readonly visit: CallbackVisit }
  | { readonly type: 'callback'; readonly unreachable: UnreachableCall }
  | { readonly type: 'reopen'; readonly reason: string }
  | { readonly type: 'terminate'; readonly reason: string }
  | { readonly type: 'supervise'; readonly reason: string }
  | { readonly type: 'co_input'; readonly content: string }
  /** `lead` must already handle the matter (lead or co); `coUnits` omitted: everyone else */
  | { readonly type: 'set_lead'; readonly lead: string; readonly coUnits?: readonly string[] }
  | { readonly type: 'withdraw'; readonly reason?: string }
  | { readonly type: 'supplement'; readonly content?: string }
  | { readonly type: 'urge'; readonly content?: string };

export type WorkOrderActionOf<N extends ActionName> = Extract<WorkOrderAction, { type: N }>;

/** Per-installation policy, carried in the context so the machine stays a pure function. */
export interface WorkOrderConfig {
  /** more reassignments to a unit outside the handling set than this → `flag_bounced` */
  readonly maxBounces: number;
  /** unsatisfied callbacks on the same answer before the office may terminate (沪府办〔2020〕49号 Art. 4(三)) */
  readonly unsatisfiedBeforeTerminate: number;
  /** unanswered 回访 calls on one answer before the ticket closes as unreachable (docs/rules.md item 9b) */
  readonly callbackAttempts: number;
}

export interface PendingExtension {
  /** requested new last day of the resolve clock, `YYYY-MM-DD` */
  readonly dueDate: string;
  readonly reason: string;
}

export interface PendingObjection {
  readonly suggestedUnit: string;
  readonly reason: string;
}

/**
 * Everything the machine needs to decide; the app stores it with the ticket. Per-assignment
 * fields reset when the lead unit changes.
 */
export interface WorkOrderContext {
  readonly state: WorkOrderState;
  readonly source: Source;
  readonly kind: TicketKind;
  readonly config: WorkOrderConfig;
  /** lead handling unit (主办) of the current assignment; null before dispatch */
  readonly unit: string | null;
  /** co-handlers (协办); never contains `unit` */
  readonly coUnits: readonly string[];
  /** co-handlers that have given input to the current lead */
  readonly coInputs: readonly string[];
  /** the current assignment was named (指定谁、谁办理): no objection (沪府办〔2020〕49号 Art. 4(二), 7(二)) */
  readonly designated: boolean;
  /** the current unit got the order as the objector's 建议承办单位 (沪府办〔2020〕49号 Art. 7(二)) */
  readonly viaObjection: boolean;
  /** per assignment: one objection; a refused one is final for this unit */
  readonly objectedThisAssignment: boolean;
  /** per assignment: one appeal; a refused one is final for this unit */
  readonly appealedThisAssignment: boolean;
  /** objections filed over the ticket's life */
  readonly objections: number;
  /** moves of the lead role to a unit that was not yet handling the matter */
  readonly bounces: number;
  readonly replies: number;
  readonly callbacks: number;
  /** unsatisfied callbacks on the current answer (reset when the unit changes its conclusion) */
  readonly unsatisfiedOnAnswer: number;
  readonly extensionsApproved: number;
  /** a parallel flag, not a state: the unit keeps working while the office decides */
  readonly pendingExtension: PendingExtension | null;
  /** set while `objected` */
  readonly pendingObjection: PendingObjection | null;
  /** set while `objected` or `appealed`: where a refused review returns to */
  readonly previousState: ResumableState | null;
  readonly lastReplyPoints: string | null;
  readonly lastVisit: CallbackVisit | null;
  /** 回访 calls on the current answer that reached nobody (absent in contexts stored before item 9b) */
  readonly unreachableCalls?: number;
  /** set when `merged` */
  readonly mergedInto: string | null;
}

export type TransitionError = 'not_allowed' | 'wrong_actor' | 'invalid_input';

export type TransitionResult =
  | { readonly ok: true; readonly next: WorkOrderContext; readonly effects: readonly Effect[] }
  | {
      readonly ok: false;
      readonly error: TransitionError;
      readonly state: WorkOrderState;
      /** what this actor may do now (allowedActions(ctx, actor)) */
      readonly allowed: readonly ActionName[];
      readonly message: string;
    };
