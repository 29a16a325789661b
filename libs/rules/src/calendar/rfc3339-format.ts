/**
 * RFC 3339 wire forms of instants (contracts README: "Times are RFC 3339 with an offset").
 *
 * Internally a working-day deadline is the *exclusive* end instant: 00:00 of the calendar day after
 * the last working day (Civil Code Art. 203: the period ends at 24:00 of its last day). Upstreams
 * expect the last second instead (`2026-02-24T23:59:59+08:00`), so `formatDue` subtracts one second.
 */
import { civilFromDays, MS_PER_DAY, daysFromCivil } from './civil-date';
import { DEFAULT_TIME_ZONE, fixedOffsetMinutes, formatOffset } from './time-zone';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function assertValid(date: Date, what: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${what} is not a valid Date`);
  return t;
}

/** Any instant as `YYYY-MM-DDTHH:mm:ss+08:00` (whole seconds, truncated) in a fixed-offset zone. */
export function formatInstant(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const offset = fixedOffsetMinutes(timeZone);
  const local = assertValid(date, 'instant') + offset * 60_000;
  const day = Math.floor(local / MS_PER_DAY);
  const { year, month, day: dom } = civilFromDays(day);
  const secOfDay = Math.floor((local - day * MS_PER_DAY) / 1000);
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  return `${pad(year, 4)}-${pad(month)}-${pad(dom)}T${pad(hh)}:${pad(mm)}:${pad(ss)}${formatOffset(offset)}`;
}

/**
 * Wire form of a deadline kept as an exclusive end: its last second, e.g. exclusive end
 * `2026-02-25T00:00:00+08:00` → `2026-02-24T23:59:59+08:00`.
 */
export function formatDue(due: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatInstant(new Date(assertValid(due, 'due') - 1000), timeZone);
}

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/**
 * Strict RFC 3339 parse (an offset is required; `Date.parse` would accept a bare local time and
 * read it in the server's zone). Throws RangeError on anything else.
 */
export function parseInstant(text: string): Date {
  const m = INSTANT_RE.exec(text);
  if (!m) throw new RangeError(`not an RFC 3339 instant with offset: ${JSON.stringify(text)}`);
  const [year, month, day, hh, mi, ss] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  const dayNumber = daysFromCivil(year, month, day);
  const back = civilFromDays(dayNumber);
  if (month < 1 || month > 12 || back.month !== month || back.day !== day || hh > 23 || mi > 59 || ss > 59) {
    throw new RangeError(`no such instant: ${text}`);
  }
  const frac = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const offset = m[8] === 'Z' || m[8] === 'z' ? 0 : fixedOffsetMinutes(m[8]);
  return new Date(dayNumber * MS_PER_DAY + ((hh * 60 + mi - offset) * 60 + ss) * 1000 + frac);
}
