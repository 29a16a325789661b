/**
 * 申请延期: moving a resolve clock's deadline to a later working day on the office's approval.
 * Shanghai allows it for especially hard matters (沪府办〔2020〕49号 Art. 5, "对特别疑难的事项，承办单位可申请延期");
 * Yunnan up to 20 WD in total (Yunnan Measures Art. 13(二)). The cap is on the *total* working days counted
 * from the clock's start, so repeated extensions cannot creep past it.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { ClockPolicy } from './clock-policy';
import { warnAtFor, type DeadlineClock } from './deadline-clock';

export type ExtensionError = 'not_later' | 'beyond_cap' | 'not_a_working_day' | 'not_extendable';

export type ExtensionResult =
  | {
      ok: true;
      due: Date;
      dueDate: string;
      /** new total working days, stored on the clock */
      days: number;
      provisional: boolean;
      /** the latest allowed due date */
      cap: string;
      /** the clock with the extension applied */
      clock: DeadlineClock;
    }
  | {
      ok: false;
      error: ExtensionError;
      /** the latest due date the policy allows (the current one when not extendable) */
      cap: string;
    };

/**
 * Extend `clock` to end with `requestedDueDate` (`YYYY-MM-DD`, a working day). Checks, in order:
 * only a running resolve clock counted in working days under a policy with an `extensionCap`
 * (`not_extendable`); the date is a working day (`not_a_working_day`); later than the current
 * due date (`not_later`); within the cap (`beyond_cap`). A malformed date throws RangeError
 * (the API layer validates the format).
 */
export function applyExtension(
  policy: Pick<ClockPolicy, 'extensionCap'>,
  clock: DeadlineClock,
  requestedDueDate: string,
  calendar: WorkingCalendar,
): ExtensionResult {
  const requestedIsWorking = calendar.isWorkingDay(requestedDueDate);
  const cap = policy.extensionCap;
  // Hour and calendar-day clocks (urgent tiers, docs/clock.md#units) are not extended.
  const inWorkdays = clock.unit === undefined || clock.unit === 'workday';
  if (clock.type !== 'resolve' || clock.days === null || clock.state !== 'running' || !cap || !inWorkdays) {
    return { ok: false, error: 'not_extendable', cap: clock.dueDate };
  }
  const capDays = Math.max(clock.complex ? cap.complex : cap.normal, clock.days);
  const ownCap = calendar.addWorkingDays(clock.startedAt, capDays);
  // A national ceiling (沪府办〔2020〕49号 Art. 5, 25 WD from the transfer) bounds an extension as well.
  const ceiling = clock.ceiling ? calendar.addWorkingDays(clock.ceiling.from, clock.ceiling.days) : null;
  const capDeadline = ceiling && ceiling.due.getTime() < ownCap.due.getTime() ? ceiling : ownCap;
  if (!requestedIsWorking) return { ok: false, error: 'not_a_working_day', cap: capDeadline.dueDate };
  if (requestedDueDate <= clock.dueDate) return { ok: false, error: 'not_later', cap: capDeadline.dueDate };
  const days = calendar.workingDaysBetween(clock.startedAt, calendar.startOfDay(requestedDueDate));
  if (days > capDays || requestedDueDate > capDeadline.dueDate) return { ok: false, error: 'beyond_cap', cap: capDeadline.dueDate };
  const next = calendar.addWorkingDays(clock.startedAt, days);
  const extended: DeadlineClock = {
    ...clock,
    days,
    due: next.due,
    dueDate: next.dueDate,
    provisional: next.provisional,
    warnAt: warnAtFor(calendar, clock.startedAt, next.due, clock.warnBeforeDays),
  };
  return { ok: true, due: next.due, dueDate: next.dueDate, days, provisional: next.provisional, cap: capDeadline.dueDate, clock: extended };
}
