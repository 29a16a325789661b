/**
 * Deadline policies as data: which clocks run, how many working days each has, how far a resolve
 * clock may be extended, when to warn and how supervision escalates. A policy is a plain,
 * serialisable object so an installation can store or override it; the presets below encode the
 * regulations (docs/domain.md#the-clocks, docs/domain.md#regulations).
 */
import type { NationalLevel } from '../model/ticket';
import { CLOCK_UNITS, asStep, type ClockStep } from './clock-span';

/**
 * - `contact`   先行联系: reach the citizen (Shanghai "1", 沪府办〔2020〕49号 Art. 5)
 * - `resolve`   办结: fix and answer (Shanghai 5/15, 沪府办〔2020〕49号 Art. 5; national 25; Yunnan 10, Yunnan Measures Art. 13(二))
 * - `objection` 差评确责退单: a unit that says "not ours" returns the order (沪府办〔2020〕49号 Art. 7(二))
 * - `appeal`    差评申诉: close a 差评 reviewed as untrue as 不属实 (沪府办〔2020〕49号 Art. 6(二))
 * - `return`    退回国办: return a national item out of jurisdiction / incomplete (沪府办〔2020〕49号 Art. 4(一))
 * - `forward`   交办: Yunnan office forwards to the unit (Yunnan Measures Art. 10)
 * - `accept`    受理决定: Yunnan unit decides on acceptance (Yunnan Measures Art. 11)
 */
export const CLOCK_TYPES = ['contact', 'resolve', 'objection', 'appeal', 'return', 'forward', 'accept'] as const;
export type ClockType = (typeof CLOCK_TYPES)[number];

/** 督办 escalation: the handling unit, then its superior, then the hotline office. */
export const SUPERVISION_LEVELS = ['unit', 'parent', 'office'] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

export interface ExtensionCap {
  /** highest total working days (counted from the clock's start) of an extended normal resolve clock */
  normal: number;
  /** the same for a complex (复杂件) matter */
  complex: number;
}

export interface ClockPolicy {
  id: string;
  name: string;
  /**
   * Per clock type: working days, or a step `{n, unit}` in working days, calendar days or hours
   * (clock-span.ts); a type that is absent does not exist under this policy.
   */
  days: Readonly<Partial<Record<ClockType, number | ClockStep>>>;
  /** working days of the resolve clock for a complex matter (Shanghai's "15") */
  complexDays?: number;
  /** resolve extensions (申请延期): cap on the total; absent = resolve clocks cannot be extended */
  extensionCap?: Readonly<ExtensionCap>;
  /** clocks started when a work order reaches a unit, unless the caller names others */
  dispatchClocks: readonly ClockType[];
  /**
   * Clocks that start when the unit accepts the order (签收, 受理) instead of when it is assigned:
   * Yunnan's 10 WD "自受理之日起" (Yunnan Measures Art. 13(二)). Absent: none.
   */
  acceptanceClocks?: readonly ClockType[];
  /**
   * Extensions take effect on the unit's notice, the complainant being informed (Yunnan Measures
   * Art. 13(二) "并告知投诉人"), instead of awaiting the office's approval. Still within `extensionCap`.
   */
  extensionByNotice?: boolean;
  /**
   * National transfer levels whose resolve deadline is the transfer's own `dueAt` ("特殊/紧急类留言的
   * 办理期限以系统提示为准", 沪府办〔2020〕49号 Art. 5) instead of `days.resolve`.
   */
  upstreamDueLevels?: readonly NationalLevel[];
  /**
   * A limit counted from the national transfer (`transferredAt`, its day not counted) that no clock
   * of `clocks` may pass, however late it starts or restarts (沪府办〔2020〕49号 Art. 5 "最长不超过25个工作日").
   * Inside it the ordinary days still apply; the earlier of the two wins (docs/clock.md).
   */
  ceiling?: Readonly<{ days: number; clocks: readonly ClockType[] }>;
  /** 预警: warn this many working days before the end (see WorkingCalendar.warningTime) */
  warnBeforeDays: number;
  /** 督办: supervise again every this many working days while overdue */
  superviseEveryDays: number;
  /** escalation ladder, climbing one step per supervision and then staying on the last */
  supervisionLevels: readonly SupervisionLevel[];
  /** where the numbers come from */
  basis: string;
}

/** A policy as written by hand: the defaults (warn 1 day before, supervise daily, unit→parent→office) filled in. */
export type ClockPolicyInput = Omit<ClockPolicy, 'warnBeforeDays' | 'superviseEveryDays' | 'supervisionLevels'> &
  Partial<Pick<ClockPolicy, 'warnBeforeDays' | 'superviseEveryDays' | 'supervisionLevels'>>;

function nonNegativeInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

/** Fill the defaults, validate and freeze a policy (throws RangeError naming the bad field). */
export function defineClockPolicy(input: ClockPolicyInput): ClockPolicy {
  const policy: ClockPolicy = {
    ...input,
    days: { ...input.days },
    dispatchClocks: [...input.dispatchClocks],
    warnBeforeDays: input.warnBeforeDays ?? 1,
    superviseEveryDays: input.superviseEveryDays ?? 1,
    supervisionLevels: [...(input.supervisionLevels ?? SUPERVISION_LEVELS)],
  };
  for (const [type, days] of Object.entries(policy.days)) {
    if (!(CLOCK_TYPES as readonly string[]).includes(type)) throw new RangeError(`${policy.id}: unknown clock type ${type}`);
    if (typeof days === 'object' && days !== null) {
      if (!(CLOCK_UNITS as readonly string[]).includes(days.unit)) throw new RangeError(`${policy.id}: days.${type}.unit must be one of ${CLOCK_UNITS.join(', ')}`);
      nonNegativeInteger(days.n, `${policy.id}: days.${type}.n`);
      (policy.days as Record<string, ClockStep>)[type] = Object.freeze({ n: days.n, unit: days.unit });
    } else nonNegativeInteger(days as number, `${policy.id}: days.${type}`);
  }
  if (policy.complexDays !== undefined) nonNegativeInteger(policy.complexDays, `${policy.id}: complexDays`);
  nonNegativeInteger(policy.warnBeforeDays, `${policy.id}: warnBeforeDays`);
  nonNegativeInteger(policy.superviseEveryDays, `${policy.id}: superviseEveryDays`);
  if (policy.superviseEveryDays === 0) throw new RangeError(`${policy.id}: superviseEveryDays must be at least 1`);
  if (policy.supervisionLevels.length === 0) throw new RangeError(`${policy.id}: supervisionLevels is empty`);
  for (const type of policy.dispatchClocks) {
    if (policy.days[type] === undefined) throw new RangeError(`${policy.id}: dispatch clock ${type} has no days`);
  }
  if (policy.extensionCap) {
    const resolveStep = policy.days.resolve;
    if (resolveStep === undefined) throw new RangeError(`${policy.id}: extensionCap without a resolve clock`);
    // Extensions are counted in working days (applyExtension): only a working-day resolve clock has them.
    if (asStep(resolveStep).unit !== 'workday') throw new RangeError(`${policy.id}: extensionCap needs a resolve clock in working days`);
    const resolve = asStep(resolveStep).n;
    nonNegativeInteger(policy.extensionCap.normal, `${policy.id}: extensionCap.normal`);
    nonNegativeInteger(policy.extensionCap.complex, `${policy.id}: extensionCap.complex`);
    if (policy.extensionCap.normal < resolve) throw new RangeError(`${policy.id}: extensionCap.normal below days.resolve`);
    if (policy.extensionCap.complex < (policy.complexDays ?? resolve)) {
      throw new RangeError(`${policy.id}: extensionCap.complex below the complex resolve days`);
    }
    policy.extensionCap = Object.freeze({ ...policy.extensionCap });
  }
  Object.freeze(policy.days);
  Object.freeze(policy.dispatchClocks);
  Object.freeze(policy.supervisionLevels);
  if (policy.ceiling) {
    nonNegativeInteger(policy.ceiling.days, `${policy.id}: ceiling.days`);
    for (const type of policy.ceiling.clocks) {
      if (policy.days[type] === undefined) throw new RangeError(`${policy.id}: ceiling clock ${type} has no days`);
    }
    policy.ceiling = Object.freeze({ days: policy.ceiling.days, clocks: Object.freeze([...policy.ceiling.clocks]) });
  }
  if (policy.upstreamDueLevels) policy.upstreamDueLevels = Object.freeze([...policy.upstreamDueLevels]);
  if (policy.acceptanceClocks) {
    for (const type of policy.acceptanceClocks) {
      if (policy.days[type] === undefined) throw new RangeError(`${policy.id}: acceptance clock ${type} has no days`);
    }
    policy.acceptanceClocks = Object.freeze([...policy.acceptanceClocks]);
  }
  return Object.freeze(policy);
}

/**
 * Shanghai 1/5/15 (沪府办〔2020〕49号 Art. 5): contact within 1 WD of receiving the order, resolve within 5,
 * complex matters within 15; objection returns within 5 (Art. 7(二)); 差评 appeals close within 15
 * (Art. 6(二)); national items out of jurisdiction go back within 5 (Art. 4(一)).
 * Extension cap — OUR DECISION, not in the rule book: Art. 5 only says "特别疑难的事项，承办单位可申请
 * 延期" without a ceiling, so we cap an extended normal ticket at 15 working days in total (the
 * complex limit) and a complex one at 30 (twice it). Change `extensionCap` to configure.
 */
export const SHANGHAI_1_5_15: ClockPolicy = defineClockPolicy({
  id: 'shanghai-1-5-15',
  name: '上海 1/5/15 时限',
  days: { contact: 1, resolve: 5, objection: 5, appeal: 15, return: 5 },
  complexDays: 15,
  extensionCap: { normal: 15, complex: 30 },
  dispatchClocks: ['contact', 'resolve'],
  basis: '沪府办〔2020〕49号 Art. 4(一), 5, 6(二), 7(二); extension cap is a local decision',
});

/**
 * National transfers (国办转办, 沪府办〔2020〕49号 Art. 5): "“一般”类留言的办理期限，最长不超过25个工作日" — 25 WD is a
 * ceiling counted from the transfer, not a clock of its own. Inside it the item is handled like any
 * other (contact 1, resolve 5 or complex 15 from the order reaching the unit); each resolve clock
 * ends at the earlier of its own due and the ceiling, also after a redispatch, a reopen or an
 * extension. 特殊/紧急 items follow the platform's `dueAt` ("以系统提示为准"). Returns within 5 WD
 * of receipt (Art. 4(一)). Extensions (特别疑难, Art. 5) are allowed up to the ceiling only.
 */
export const NATIONAL: ClockPolicy = defineClockPolicy({
  id: 'national',
  name: '国办转办投诉建议',
  days: { contact: 1, resolve: 5, return: 5 },
  complexDays: 15,
  ceiling: { days: 25, clocks: ['resolve'] },
  extensionCap: { normal: 25, complex: 25 },
  dispatchClocks: ['contact', 'resolve'],
  upstreamDueLevels: ['special', 'urgent'],
  basis: '沪府办〔2020〕49号 Art. 4(一), 5',
});

/**
 * Yunnan 2/3/10 (Yunnan Measures): the authority forwards within 2 WD of intake (Art. 10); the unit
 * decides on acceptance within 3 WD of receiving it (Art. 11); a non-on-site complaint is concluded
 * within 10 WD of acceptance (受理之日, the unit's 签收), extended to at most 20 in total on notice to
 * the complainant (Art. 13(二)); the on-site class (当场办结, Art. 13(一)) meets every clock with its
 * reply (docs/clock.md#yunnan).
 */
export const YUNNAN_2_3_10: ClockPolicy = defineClockPolicy({
  id: 'yunnan-2-3-10',
  name: '云南 2/3/10 时限',
  days: { forward: 2, accept: 3, resolve: 10 },
  extensionCap: { normal: 20, complex: 20 },
  dispatchClocks: ['accept'],
  acceptanceClocks: ['resolve'],
  extensionByNotice: true,
  basis: '云南省政务服务投诉处理办法(试行) Art. 10, 11, 13',
});

/**
 * Which of `types` a policy starts now: only the types it has; at assignment (派单) not its
 * acceptance clocks, at acceptance (签收) only them; without a phase, all (a reopen, a window).
 */
export function clocksForPhase(policy: ClockPolicy, types: readonly ClockType[], phase?: 'assignment' | 'acceptance'): ClockType[] {
  const atAcceptance = policy.acceptanceClocks ?? [];
  return [...new Set(types)].filter((t) => policy.days[t] !== undefined && (phase === undefined || (phase === 'acceptance') === atAcceptance.includes(t)));
}

/** The presets by id. */
export const CLOCK_POLICIES: Readonly<Record<string, ClockPolicy>> = Object.freeze({
  [SHANGHAI_1_5_15.id]: SHANGHAI_1_5_15,
  [NATIONAL.id]: NATIONAL,
  [YUNNAN_2_3_10.id]: YUNNAN_2_3_10,
});

/** A policy by id (throws RangeError for an unknown id: a misconfigured table must fail loudly). */
export function getClockPolicy(id: string, policies: Readonly<Record<string, ClockPolicy>> = CLOCK_POLICIES): ClockPolicy {
  const policy = Object.prototype.hasOwnProperty.call(policies, id) ? policies[id] : undefined;
  if (!policy) throw new RangeError(`unknown clock policy ${JSON.stringify(id)}`);
  return policy;
}
