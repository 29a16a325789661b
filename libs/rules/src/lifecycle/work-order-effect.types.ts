/**
 * Effects of the pure work-order state machine: declarative instructions for the app (status
 * events, units' work orders, clocks, the national platform's calls), which the machine never
 * performs; and the values they carry outward (the 回访 result, the national return reason).
 * It imports nothing from work-order.types.ts, which re-exports it (no import cycle).
 */

/** 1 (非常不满意) … 5 (非常满意), as the national result's `visit` (docs/contracts.md#national-messages). */
export type Score = 1 | 2 | 3 | 4 | 5;

/** The outcome of one 回访 (沪府办〔2020〕49号 Art. 4(四): result, efficiency, attitude). */
export interface CallbackVisit {
  readonly satisfied: boolean;
  /** the citizen says the matter was solved (解决率, docs/reports.md); absent: not asked */
  readonly resolved?: boolean;
  readonly result?: Score;
  readonly efficiency?: Score;
  readonly attitude?: Score;
  readonly note?: string;
}

export type NationalReturnReason = 'out_of_jurisdiction' | 'incomplete_elements';


/** Status event types of docs/contracts.md#status-event-types, spelled exactly as the contract spells them. */
export const STATUS_EVENT_TYPES = [
  'accepted',
  'not_accepted',
  'merged',
  'archived',
  'dispatched',
  'signed',
  'contacted',
  'objected',
  'redispatched',
  'extended',
  'replied',
  'reopened',
  'supervised',
  'closed',
  'terminated',
  'unfounded',
] as const;
export type StatusEventType = (typeof STATUS_EVENT_TYPES)[number];

/**
 * A status event for the originating system (hotline or 一网通办; docs/contracts.md#status-event-types). The app adds
 * eventId, external id, ticketId, occurredAt, the unit's name and `due` (from the clock effects of
 * the same transition). Never emitted for national tickets: the national platform has no status feed (docs/contracts.md#national-messages).
 */
export interface StatusEffect {
  readonly kind: 'status';
  readonly type: StatusEventType;
  /** the unit concerned (the new one for dispatched/redispatched), null if none */
  readonly unit: string | null;
  /** for not_accepted, merged, objected, terminated (and closed by withdrawal) */
  readonly reason: string | null;
  /** for replied and closed */
  readonly replyPoints: string | null;
}

/** Work-order types of docs/contracts.md#unit-systems (units' own systems). */
export const UNIT_WORK_ORDER_TYPES = [
  'assigned',
  'reopened',
  'warning',
  'supervised',
  'withdrawn',
  'supplement',
  'redispatched_away',
] as const;
export type UnitWorkOrderType = (typeof UNIT_WORK_ORDER_TYPES)[number];

/** A push to a unit's own system (docs/contracts.md#unit-systems), if that unit registered one. */
export interface UnitWorkOrderEffect {
  readonly kind: 'work_order';
  readonly type: UnitWorkOrderType;
  readonly unit: string;
  readonly role: 'lead' | 'co';
  readonly reason: string | null;
}

export const CLOCK_NAMES = ['contact', 'resolve', 'objection', 'appeal', 'return', 'forward', 'accept'] as const;
/**
 * `contact` and `resolve` are duties (1/5/15, 沪府办〔2020〕49号 Art. 5); `objection` (沪府办〔2020〕49号 Art. 7(二)) and
 * `appeal` (沪府办〔2020〕49号 Art. 6(二)) are windows: their expiry limits the unit's rights, it is not lateness.
 * `forward` (交办) and `accept` (受理) are Yunnan's (Yunnan Measures Art. 10, 11): the machine names
 * them everywhere, and a policy without them skips them (docs/clock.md#yunnan).
 */
export type ClockName = (typeof CLOCK_NAMES)[number];

/**
 * `start`: (re)start from `anchor` — `now`, or `assigned` (when the current unit received the
 * order; 沪府办〔2020〕49号 Art. 6(二) counts the appeal from 收到工单). `meet`: fulfilled now (on time or late).
 * `stop`: cancelled, counts neither way. `meet` and `stop` on a clock that is not running are
 * no-ops, so the machine may stop every clock that *could* be running. `extend`: move the resolve
 * clock's last day to `dueDate` (沪府办〔2020〕49号 Art. 5 申请延期; deadlines' applyExtension).
 */
export type ClockEffect =
  /** `phase`: 派单 or 签收 (受理): a policy may start a clock at acceptance instead (Yunnan's resolve; clocksForPhase) */
  | { readonly kind: 'clock'; readonly op: 'start'; readonly clock: ClockName; readonly anchor: 'now' | 'assigned'; readonly phase?: 'assignment' | 'acceptance' }
  | { readonly kind: 'clock'; readonly op: 'meet' | 'stop'; readonly clock: ClockName }
  | { readonly kind: 'clock'; readonly op: 'extend'; readonly clock: 'resolve'; readonly dueDate: string };

/** The national platform's own calls (docs/contracts.md#national-messages); the app fills in report, seal, eventId. */
export type NationalEffect =
  | {
      readonly kind: 'national';
      readonly call: 'return';
      readonly reason: NationalReturnReason;
      readonly detail: string;
    }
  | {
      readonly kind: 'national';
      readonly call: 'result';
      readonly outcome: 'closed' | 'terminated';
      readonly replyPoints: string | null;
      readonly visit: CallbackVisit | null;
    };

/** The ticket moved between units more than `config.maxBounces` times (推诿扯皮, 沪府办〔2020〕49号 Art. 8(二)). */
export interface FlagBouncedEffect {
  readonly kind: 'flag_bounced';
  readonly bounces: number;
  readonly maxBounces: number;
}

export type Effect = StatusEffect | UnitWorkOrderEffect | ClockEffect | NationalEffect | FlagBouncedEffect;

