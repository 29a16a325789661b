/**
 * Deadline clocks: started from a policy, evaluated against `now` (always a parameter; the rules
 * have no clock of their own, README.md#architecture).
 *
 * A clock keeps its working-day count (`days`, the total after extensions) next to the computed
 * `due`, so that importing a new calendar year can re-derive the deadline (docs/contracts.md#directory) instead of
 * trusting a date computed under an older schedule.
 */
import type { NationalLevel } from '../model/ticket';
import { formatDue, formatInstant, parseInstant } from '../calendar/rfc3339-format';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { ClockPolicy, ClockType } from './clock-policy';
import { asStep, spanEnd, spanWarnAt, type ClockStep, type ClockUnit } from './clock-span';

/** `stopped`: the obligation was met or dropped (the lifecycle decides); the clock no longer runs. */
export type ClockState = 'running' | 'stopped';

/** What a clock means at a given instant. */
export type ClockStatus = 'running' | 'warning' | 'missed' | 'stopped';

export interface DeadlineClock {
  type: ClockType;
  policyId: string;
  startedAt: Date;
  /**
   * Working days counted from the day after `startedAt`'s day (Civil Code Art. 201) — the total
   * after any extension. `null` when the deadline is fixed upstream (a national 特殊/紧急 dueAt) and
   * not derived from the calendar.
   */
  days: number | null;
  /** what `days` counts (clock-span.ts); absent: working days */
  unit?: ClockUnit;
  /** days before any extension (for reports: how much was granted) */
  baseDays: number | null;
  /** complex matter (复杂件): decides the resolve days and the extension cap */
  complex: boolean;
  /** exclusive end: the clock is missed when now >= due */
  due: Date;
  /** last day of the period, `YYYY-MM-DD` (a working day unless fixed upstream or days = 0) */
  dueDate: string;
  /** start of the 预警 window */
  warnAt: Date;
  warnBeforeDays: number;
  /** the deadline counts days of a year whose schedule is not published yet */
  provisional: boolean;
  state: ClockState;
  /**
   * The national ceiling this clock may not pass (沪府办〔2020〕49号 Art. 5): `days` working days after the
   * transfer's day. Kept on the clock so a recomputation or an extension applies it again.
   */
  ceiling?: ClockCeiling | null;
}

/** A limit counted from another instant than the clock's start (the national transfer). */
export interface ClockCeiling {
  from: Date;
  days: number;
}

export interface ClockSubject {
  complex: boolean;
  /** national transfers: level and, for 特殊/紧急, the deadline the national system gives */
  national?: { level: NationalLevel; dueAt?: Date | string; transferredAt?: Date | string };
}

/**
 * The earlier of the clock's own due and its ceiling's (沪府办〔2020〕49号 Art. 5: the national 25 WD are a
 * maximum). A clock without a ceiling, or fixed upstream (`days === null`), is returned as it is;
 * `warnAt` follows the due it ends with.
 */
export function applyCeiling(clock: DeadlineClock, calendar: WorkingCalendar): DeadlineClock {
  if (!clock.ceiling || clock.days === null) return clock;
  const limit = calendar.addWorkingDays(clock.ceiling.from, clock.ceiling.days);
  if (limit.due.getTime() >= clock.due.getTime()) return clock;
  return {
    ...clock,
    due: limit.due,
    dueDate: limit.dueDate,
    provisional: limit.provisional,
    warnAt: spanWarnAt(calendar, clock.startedAt, limit.due, clock.warnBeforeDays, clock.unit),
  };
}

function ceilingFor(policy: ClockPolicy, type: ClockType, subject: ClockSubject): ClockCeiling | null {
  if (!policy.ceiling || !policy.ceiling.clocks.includes(type) || !subject.national) return null;
  const raw = subject.national.transferredAt;
  if (raw === undefined) throw new RangeError(`national item without transferredAt under policy ${policy.id} (its ceiling counts from it)`);
  const from = typeof raw === 'string' ? parseInstant(raw) : new Date(raw.getTime());
  if (Number.isNaN(from.getTime())) throw new RangeError('national transferredAt is not a valid Date');
  return { from, days: policy.ceiling.days };
}

/** warnAt for a due: the calendar's 预警 start, never before the clock started. */
export function warnAtFor(calendar: WorkingCalendar, startedAt: Date, due: Date, warnBeforeDays: number): Date {
  const warn = calendar.warningTime(due, warnBeforeDays);
  return warn.getTime() < startedAt.getTime() ? new Date(startedAt.getTime()) : warn;
}

/** The step of a clock type under a policy for a subject (complex → complexDays, working days, for resolve). */
export function clockStep(policy: ClockPolicy, type: ClockType, complex: boolean): ClockStep {
  const days = type === 'resolve' && complex && policy.complexDays !== undefined ? policy.complexDays : policy.days[type];
  if (days === undefined) throw new RangeError(`policy ${policy.id} has no ${type} clock`);
  return asStep(days);
}

/** Working days of a working-day clock type (throws for an hour or calendar-day step). */
export function clockDays(policy: ClockPolicy, type: ClockType, complex: boolean): number {
  const step = clockStep(policy, type, complex);
  if (step.unit !== 'workday') throw new RangeError(`policy ${policy.id}: ${type} is counted in ${step.unit}s, not working days`);
  return step.n;
}

/**
 * Start the clocks of `types` (default: the policy's `dispatchClocks`) at `startedAt` — the instant
 * the obligation arises (order received by the unit, transfer received, review decided).
 * Throws RangeError for a type the policy lacks, or for a national 特殊/紧急 item without `dueAt`
 * (the contract makes it mandatory; guessing 25 days could silently miss a shorter one).
 */
export function startClocks(
  policy: ClockPolicy,
  subject: ClockSubject,
  startedAt: Date,
  calendar: WorkingCalendar,
  types?: readonly ClockType[],
): DeadlineClock[] {
  if (!(startedAt instanceof Date) || Number.isNaN(startedAt.getTime())) throw new RangeError('startedAt is not a valid Date');
  const wanted = [...new Set(types ?? policy.dispatchClocks)];
  const upstreamLevel = subject.national && policy.upstreamDueLevels?.includes(subject.national.level);
  return wanted.map((type): DeadlineClock => {
    if (type === 'resolve' && upstreamLevel) {
      const raw = subject.national?.dueAt;
      if (raw === undefined) throw new RangeError(`national ${subject.national?.level} item without dueAt`);
      const due = typeof raw === 'string' ? parseInstant(raw) : new Date(raw.getTime());
      if (Number.isNaN(due.getTime())) throw new RangeError('national dueAt is not a valid Date');
      return {
        type,
        policyId: policy.id,
        startedAt: new Date(startedAt.getTime()),
        days: null,
        baseDays: null,
        complex: subject.complex,
        due,
        dueDate: calendar.dateOf(new Date(due.getTime() - 1)),
        warnAt: warnAtFor(calendar, startedAt, due, policy.warnBeforeDays),
        warnBeforeDays: policy.warnBeforeDays,
        provisional: false,
        state: 'running',
      };
    }
    const step = clockStep(policy, type, subject.complex);
    const days = step.n;
    const { due, dueDate, provisional } = spanEnd(calendar, startedAt, step);
    const ceiling = ceilingFor(policy, type, subject);
    return applyCeiling({
      type,
      policyId: policy.id,
      startedAt: new Date(startedAt.getTime()),
      days,
      ...(step.unit === 'workday' ? {} : { unit: step.unit }),
      baseDays: days,
      complex: subject.complex,
      due,
      dueDate,
      warnAt: spanWarnAt(calendar, startedAt, due, policy.warnBeforeDays, step.unit),
      warnBeforeDays: policy.warnBeforeDays,
      provisional,
      state: 'running',
      ...(ceiling ? { ceiling } : {}),
    }, calendar);
  });
}

/**
 * A clock's status at `now`: missed from the exclusive end on (now >= due), warning from `warnAt`,
 * running before; a stopped clock is `stopped` whatever the time.
 */
export function evaluateClock(clock: Pick<DeadlineClock, 'state' | 'due' | 'warnAt'>, now: Date): ClockStatus {
  const t = now instanceof Date ? now.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError('now is not a valid Date');
  if (clock.state !== 'running') return 'stopped';
  if (t >= clock.due.getTime()) return 'missed';
  if (t >= clock.warnAt.getTime()) return 'warning';
  return 'running';
}

/**
 * Wire form of a clock's deadline (docs/contracts.md#hotline-status-events `due`): the last second of the last working day
 * for calendar clocks; the upstream's own instant, unchanged, for a fixed national dueAt.
 */
export function formatClockDue(clock: Pick<DeadlineClock, 'due' | 'days'>, timeZone?: string): string {
  return clock.days === null ? formatInstant(clock.due, timeZone) : formatDue(clock.due, timeZone);
}
