/**
 * Re-deriving a clock when the calendar changes (docs/contracts.md#directory: "Importing a new calendar year
 * recomputes the deadlines of open tickets that it affects").
 *
 * Decision: recompute *exactly* under the new calendar — the deadline is N working days of the
 * official schedule (Civil Code Art. 201/203), and a provisional date was only a weekends-only
 * estimate — and report whether and which way it moved. We do not clamp to "never earlier": the
 * law does not give a unit extra days because our estimate was generous, and a clamp would make the
 * result depend on the history of imports. A move earlier is rare (a newly published holiday only
 * pushes dates later; a make-up 调休 weekend, or a corrected entry, can pull one earlier) and is
 * reported with `direction: 'earlier'` so the caller can notify the unit and, if the new due has
 * already passed, decide how to treat the miss.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import { applyCeiling, warnAtFor, type DeadlineClock } from './deadline-clock';

export interface RecomputeResult {
  clock: DeadlineClock;
  /** `due` changed */
  moved: boolean;
  direction: 'earlier' | 'later' | 'unchanged';
  previousDue: Date;
  previousDueDate: string;
}

/**
 * The clock re-derived from `startedAt` and `days` under `calendar` (due, dueDate, warnAt,
 * provisional). A clock fixed upstream (`days === null`) keeps its due; only its warnAt is
 * re-derived. A clock in hours or calendar days is returned unchanged.
 */
export function recomputeClock(clock: DeadlineClock, calendar: WorkingCalendar): RecomputeResult {
  let next: DeadlineClock;
  if (clock.unit !== undefined && clock.unit !== 'workday') {
    // Hours and calendar days do not depend on the working-day schedule (clock-span.ts): nothing moves.
    next = clock;
  } else if (clock.days === null) {
    next = { ...clock, warnAt: warnAtFor(calendar, clock.startedAt, clock.due, clock.warnBeforeDays) };
  } else {
    const r = calendar.addWorkingDays(clock.startedAt, clock.days);
    // The national ceiling moves with the calendar too, and still wins when earlier (沪府办〔2020〕49号 Art. 5).
    next = applyCeiling(
      {
        ...clock,
        due: r.due,
        dueDate: r.dueDate,
        provisional: r.provisional,
        warnAt: warnAtFor(calendar, clock.startedAt, r.due, clock.warnBeforeDays),
      },
      calendar,
    );
  }
  const delta = next.due.getTime() - clock.due.getTime();
  return {
    clock: next,
    moved: delta !== 0,
    direction: delta < 0 ? 'earlier' : delta > 0 ? 'later' : 'unchanged',
    previousDue: clock.due,
    previousDueDate: clock.dueDate,
  };
}
