/**
 * 督办 schedule for an overdue clock. The office supervises late work (docs/domain.md#work-order-life;
 * 沪府办〔2020〕49号 Art. 4(五)); each round climbs one step of the policy's ladder (unit → parent →
 * office) and then stays on the last step, so a long-overdue ticket keeps reaching the office.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { ClockPolicy, SupervisionLevel } from './clock-policy';

export interface SupervisionStep {
  /** 0-based round: the supervision after `count` earlier ones */
  index: number;
  /** when it is due */
  at: Date;
  level: SupervisionLevel;
  /** `at` counts days of an unpublished year */
  provisional: boolean;
}

/**
 * The next supervision after `count` earlier ones (count ≥ 0). Round 0 is at `due` itself — the
 * moment the clock is missed; round i is at the end of the (i × superviseEveryDays)th working day
 * after the due's last day, i.e. on the same working-day grid as the deadline, so an overdue
 * ticket is chased once per working day (default) and never over a weekend or holiday.
 */
export function supervisionPlan(
  due: Date,
  superviseEveryDays: number,
  calendar: WorkingCalendar,
  policy: Pick<ClockPolicy, 'supervisionLevels'>,
  count: number,
): SupervisionStep {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(superviseEveryDays) || superviseEveryDays < 1) {
    throw new RangeError(`superviseEveryDays must be a positive integer, got ${superviseEveryDays}`);
  }
  const levels = policy.supervisionLevels;
  if (levels.length === 0) throw new RangeError('supervisionLevels is empty');
  const level = levels[Math.min(count, levels.length - 1)];
  if (count === 0) return { index: 0, at: new Date(due.getTime()), level, provisional: false };
  const next = calendar.addWorkingDays(new Date(due.getTime() - 1), superviseEveryDays * count);
  return { index: count, at: next.due, level, provisional: next.provisional };
}
