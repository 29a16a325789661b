/**
 * A clock's span in one of three units (docs/clock.md#units, docs/rules.md item 8):
 * - `workday`: n working days after the day of the start (its day not counted), ending at 24:00 of
 *   the last one — the regulations' unit (沪府办〔2020〕49号 Art. 5; Civil Code Art. 201, 203);
 * - `day`: n calendar days after the day of the start, ending at 24:00 of the last one, holidays
 *   included (a city's "3 days");
 * - `hour`: n hours from the instant, around the clock (urgent tiers: 2 h, 24 h).
 * Only `workday` spans depend on the published schedule, so only they are ever provisional and
 * only they move when a calendar year changes.
 */
import { MS_PER_DAY, formatDay, parseDay } from '../calendar/civil-date';
import type { WorkingCalendar } from '../calendar/working-calendar';

export const CLOCK_UNITS = ['workday', 'day', 'hour'] as const;
export type ClockUnit = (typeof CLOCK_UNITS)[number];

/** One policy step: `n` of `unit`. */
export interface ClockStep {
  n: number;
  unit: ClockUnit;
}

const MS_PER_HOUR = 3_600_000;

/** The exclusive end of a span started at `from`, its last local day, and whether it is provisional. */
export function spanEnd(calendar: WorkingCalendar, from: Date, step: ClockStep): { due: Date; dueDate: string; provisional: boolean } {
  if (!Number.isInteger(step.n) || step.n < 0) throw new RangeError(`a clock step must be a non-negative integer, got ${step.n}`);
  if (step.unit === 'workday') return calendar.addWorkingDays(from, step.n);
  if (step.unit === 'day') {
    const last = formatDay(parseDay(calendar.dateOf(from)) + step.n);
    return { due: calendar.endOfDay(last), dueDate: last, provisional: false };
  }
  if (step.unit !== 'hour') throw new RangeError(`unknown clock unit ${String(step.unit)}`);
  const due = new Date(from.getTime() + step.n * MS_PER_HOUR);
  return { due, dueDate: calendar.dateOf(new Date(due.getTime() - 1)), provisional: false };
}

/**
 * Start of the 预警 window, never before the start: `workday` as the calendar's warning time
 * (`warnBeforeDays` working days before); `day` that many calendar days before the due; `hour`
 * when a quarter of the span remains (2 h → 30 min before), since a day's notice would come
 * before an hour clock even started.
 */
export function spanWarnAt(calendar: WorkingCalendar, startedAt: Date, due: Date, warnBeforeDays: number, unit: ClockUnit = 'workday'): Date {
  if (warnBeforeDays === 0) return new Date(due.getTime());
  let warn: number;
  if (unit === 'workday') warn = calendar.warningTime(due, warnBeforeDays).getTime();
  else if (unit === 'day') warn = due.getTime() - warnBeforeDays * MS_PER_DAY;
  else warn = due.getTime() - Math.ceil((due.getTime() - startedAt.getTime()) / 4);
  return new Date(Math.max(warn, startedAt.getTime()));
}

/** A policy's day count or step, as a step (a bare number is working days). */
export function asStep(value: number | ClockStep): ClockStep {
  return typeof value === 'number' ? { n: value, unit: 'workday' } : { n: value.n, unit: value.unit };
}
