import { isValidDay, parseDay, weekdayOf } from '@hub/rules/calendar';
import type { CalendarYearInput } from '@hub/workflow/clock';

export interface CalendarFieldError {
  path: string;
  message: string;
}

export type CalendarYearValidation = { ok: true; entry: CalendarYearInput } | { ok: false; fields: CalendarFieldError[] };

/** Years the office may enter: wide enough for any ticket, narrow enough to catch a typo (2207). */
export const MIN_CALENDAR_YEAR = 2000;
export const MAX_CALENDAR_YEAR = 2099;
const MAX_DATES = 366;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Validates a year's schedule as the office sends it: every date real and inside the year, each
 * listed once, make-up workdays (调休) on a Saturday or Sunday — a weekday is a working day anyway,
 * so listing one is a mistake — and no date both a holiday and a workday. Every problem is
 * reported with its path (`holidays[3]`), not just the first.
 */
export function validateCalendarYear(yearParam: string, body: unknown): CalendarYearValidation {
  const fields: CalendarFieldError[] = [];
  const yearOk = /^\d{4}$/.test(yearParam) && Number(yearParam) >= MIN_CALENDAR_YEAR && Number(yearParam) <= MAX_CALENDAR_YEAR;
  if (!yearOk) fields.push({ path: 'year', message: `must be a year from ${MIN_CALENDAR_YEAR} to ${MAX_CALENDAR_YEAR}, got ${JSON.stringify(yearParam)}` });
  const year = Number(yearParam);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    fields.push({ path: '', message: 'body must be a JSON object {"holidays": [...], "workdays": [...], "published": true|false}' });
    return { ok: false, fields };
  }
  const b = body as Record<string, unknown>;
  const lists: Record<'holidays' | 'workdays', Map<string, number>> = { holidays: new Map(), workdays: new Map() };
  for (const field of ['holidays', 'workdays'] as const) {
    const value = b[field];
    if (!Array.isArray(value)) {
      fields.push({ path: field, message: `is required: an array of YYYY-MM-DD dates (may be empty)` });
      continue;
    }
    if (value.length > MAX_DATES) {
      fields.push({ path: field, message: `has ${value.length} dates; a year has at most ${MAX_DATES}` });
      continue;
    }
    value.forEach((d: unknown, i) => {
      const path = `${field}[${i}]`;
      if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) {
        fields.push({ path, message: `not a YYYY-MM-DD date: ${JSON.stringify(d)}` });
        return;
      }
      if (!isValidDay(d)) {
        fields.push({ path, message: `no such date: ${d}` });
        return;
      }
      if (yearOk && Number(d.slice(0, 4)) !== year) {
        fields.push({ path, message: `${d} is not in ${year}` });
        return;
      }
      const seen = lists[field].get(d);
      if (seen !== undefined) {
        fields.push({ path, message: `${d} is listed twice (also ${field}[${seen}])` });
        return;
      }
      if (field === 'workdays') {
        const wd = weekdayOf(parseDay(d));
        if (wd !== 0 && wd !== 6) {
          fields.push({ path, message: `${d} is a ${WEEKDAY_NAMES[wd]}: a make-up workday (调休) must be a Saturday or Sunday` });
          return;
        }
        const clash = lists.holidays.get(d);
        if (clash !== undefined) {
          fields.push({ path, message: `${d} is also listed in holidays[${clash}]: a day is either a holiday or a workday` });
          return;
        }
      }
      lists[field].set(d, i);
    });
  }
  if (typeof b.published !== 'boolean') {
    fields.push({ path: 'published', message: 'is required: true (the State Council schedule) or false (a draft; deadlines stay provisional)' });
  }
  if (fields.length > 0) return { ok: false, fields };
  const sorted = (m: Map<string, number>): string[] => [...m.keys()].sort();
  return { ok: true, entry: { year, holidays: sorted(lists.holidays), workdays: sorted(lists.workdays), published: b.published as boolean } };
}
