import { daysFromCivil, formatDay, parseDay, isValidDay, MS_PER_DAY } from '../calendar/civil-date';

/**
 * A report's period: civil dates in Asia/Shanghai, both included (docs/reports.md "Periods").
 * `fromInstant`/`toInstant` are the half-open instant range [00:00 of `from`, 00:00 after `to`).
 */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
  /** the shortcut it was given as (`2026-11`, `2026Q3`, `2026H1`, `2026`, `A2026`), or null */
  readonly period: string | null;
  readonly fromInstant: Date;
  readonly toInstant: Date;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Longest period a report may ask for: two assessment years (keeps one query bounded). */
export const MAX_PERIOD_DAYS = 732;

export type PeriodResult = { ok: true; value: ReportPeriod } | { ok: false; path: string; message: string };

function dayStart(day: number): Date {
  return new Date(day * MS_PER_DAY - SHANGHAI_OFFSET_MS);
}

function build(fromDay: number, toDay: number, period: string | null): PeriodResult {
  if (toDay < fromDay) return { ok: false, path: 'to', message: 'must not be before from' };
  if (toDay - fromDay + 1 > MAX_PERIOD_DAYS) return { ok: false, path: 'to', message: `a period is at most ${MAX_PERIOD_DAYS} days` };
  return { ok: true, value: { from: formatDay(fromDay), to: formatDay(toDay), period, fromInstant: dayStart(fromDay), toInstant: dayStart(toDay + 1) } };
}

const YEAR = (y: string): number | null => {
  const n = Number(y);
  return n >= 2000 && n <= 2100 ? n : null;
};

/**
 * The period shortcut of docs/contracts.md#report-api: `2026-11` (month), `2026Q3` (quarter), `2026H1` (half),
 * `2026` (calendar year), `A2026` (assessment year 1 Nov 2025 – 31 Oct 2026, 沪府办〔2020〕49号 Art. 8).
 */
export function parsePeriod(p: string): PeriodResult {
  let m = /^(\d{4})-(\d{2})$/.exec(p);
  const bad: PeriodResult = { ok: false, path: 'period', message: 'must be YYYY-MM, YYYYQ1-4, YYYYH1-2, YYYY or AYYYY (years 2000-2100)' };
  if (m) {
    const y = YEAR(m[1]!);
    const mo = Number(m[2]);
    if (y === null || mo < 1 || mo > 12) return bad;
    return build(daysFromCivil(y, mo, 1), daysFromCivil(mo === 12 ? y + 1 : y, mo === 12 ? 1 : mo + 1, 1) - 1, p);
  }
  m = /^(\d{4})Q([1-4])$/.exec(p);
  if (m) {
    const y = YEAR(m[1]!);
    if (y === null) return bad;
    const q = Number(m[2]);
    const first = (q - 1) * 3 + 1;
    return build(daysFromCivil(y, first, 1), (q === 4 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, first + 3, 1)) - 1, p);
  }
  m = /^(\d{4})H([12])$/.exec(p);
  if (m) {
    const y = YEAR(m[1]!);
    if (y === null) return bad;
    return m[2] === '1' ? build(daysFromCivil(y, 1, 1), daysFromCivil(y, 7, 1) - 1, p) : build(daysFromCivil(y, 7, 1), daysFromCivil(y + 1, 1, 1) - 1, p);
  }
  m = /^(A?)(\d{4})$/.exec(p);
  if (m) {
    const y = YEAR(m[2]!);
    if (y === null) return bad;
    if (m[1] === 'A') return build(daysFromCivil(y - 1, 11, 1), daysFromCivil(y, 11, 1) - 1, p);
    return build(daysFromCivil(y, 1, 1), daysFromCivil(y + 1, 1, 1) - 1, p);
  }
  return bad;
}

/** `from`/`to` given as dates (both included). */
export function parseRange(from: string, to: string): PeriodResult {
  if (!isValidDay(from)) return { ok: false, path: 'from', message: 'must be a date YYYY-MM-DD' };
  if (!isValidDay(to)) return { ok: false, path: 'to', message: 'must be a date YYYY-MM-DD' };
  return build(parseDay(from), parseDay(to), null);
}

/** The civil date (Asia/Shanghai) of an instant, `YYYY-MM-DD`. */
export function shanghaiDay(at: Date): string {
  return formatDay(Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/** The months (`YYYY-MM`) a period touches, in order: the trend series of the dashboard. */
export function monthsOf(p: ReportPeriod): string[] {
  const out: string[] = [];
  let [y, m] = p.from.split('-').map(Number) as [number, number];
  const [ty, tm] = p.to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m === 13) { m = 1; y += 1; }
  }
  return out;
}
