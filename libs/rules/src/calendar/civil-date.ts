/**
 * Civil (proleptic Gregorian) dates as integer day numbers: day 0 is 1970-01-01.
 *
 * The calendar works on whole local days, never on `Date` objects, because a deadline is a count of
 * days (Civil Code Art. 201/203) and integer arithmetic is both exact and fast. The conversions are
 * Howard Hinnant's `days_from_civil` / `civil_from_days`, valid for any year a ticket can carry.
 */

export const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD`, four-digit year; the only date form the directory and the wire use. */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** Day number of a civil date (no validation; month and day must be in range). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Civil date of a day number. */
export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Year of a day number. */
export function yearOfDay(dayNumber: number): number {
  return civilFromDays(dayNumber).year;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01, day 0, was a Thursday). */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Monday–Friday. */
export function isWeekday(dayNumber: number): boolean {
  const w = weekdayOf(dayNumber);
  return w >= 1 && w <= 5;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  if (n < 0 || n > 9999) throw new RangeError(`year ${n} cannot be written as YYYY`);
  return String(n).padStart(4, '0');
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

/**
 * Day number of a strict `YYYY-MM-DD` string. Rejects impossible dates (2026-02-30) with a
 * RangeError instead of rolling them over as `Date` would: a typo in an imported holiday list must
 * fail loudly, not silently move a holiday.
 */
export function parseDay(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`no such date: ${date}`);
  }
  return daysFromCivil(year, month, day);
}

/** True when `date` is a real `YYYY-MM-DD` date. */
export function isValidDay(date: string): boolean {
  try {
    parseDay(date);
    return true;
  } catch {
    return false;
  }
}
