import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NOW, ValidationFailed, type FieldError, type NowFn } from '@hub/common';
import { formatDue, formatInstant, isValidDay, parseInstant } from '@hub/rules/calendar';
import { CalendarLoader, type EffectiveCalendarYear } from '@hub/store';
import { replaceCalendarYear, type RecomputeSummary } from '@hub/workflow/clock';
import { validateCalendarYear } from './calendar-year.validation';

/** Longest period the deadline endpoint computes (a year of working days covers every rule book). */
export const MAX_DEADLINE_DAYS = 366;

export interface DayAnswer {
  date: string;
  workingDay: boolean;
  /** the year has no published schedule: weekends only, may change */
  provisional: boolean;
}

export interface DeadlineAnswer {
  from: string;
  days: number;
  /** wire form: the last second of the last working day (`due`, docs/contracts.md#hotline-status-events) */
  due: string;
  dueDate: string;
  provisional: boolean;
}

export interface BetweenAnswer {
  from: string;
  to: string;
  workingDays: number;
  provisional: boolean;
}

export interface ReplaceYearAnswer {
  year: number;
  published: boolean;
  holidays: string[];
  workdays: string[];
  revision: string;
  replacedAt: string;
  replacedBy: string;
  recompute: RecomputeSummary;
}

/**
 * The working-day calendar for operators and tests (docs/clock.md): the same effective calendar
 * the clocks use — the directory's, overlaid by the years the office replaced.
 */
@Injectable()
export class CalendarService {
  private readonly logger = new Logger(CalendarService.name);
  constructor(
    private readonly ds: DataSource,
    private readonly loader: CalendarLoader,
    @Inject(NOW) private readonly now: NowFn,
  ) {}

  async day(date: string): Promise<DayAnswer> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isValidDay(date)) {
      throw new ValidationFailed([{ path: 'date', message: `must be a real YYYY-MM-DD date, got ${JSON.stringify(date)}` }]);
    }
    const cal = await this.loader.load(this.ds);
    return { date, workingDay: cal.isWorkingDay(date), provisional: !cal.isPublished(Number(date.slice(0, 4))) };
  }

  async deadline(fromRaw: unknown, daysRaw: unknown): Promise<DeadlineAnswer> {
    const fields: FieldError[] = [];
    const from = instantParam('from', fromRaw, fields);
    const days = daysParam(daysRaw, fields);
    if (fields.length || from === undefined || days === undefined) throw new ValidationFailed(fields);
    const cal = await this.loader.load(this.ds);
    const r = cal.addWorkingDays(from, days);
    return { from: formatInstant(from, cal.timeZone), days, due: formatDue(r.due, cal.timeZone), dueDate: r.dueDate, provisional: r.provisional };
  }

  async between(fromRaw: unknown, toRaw: unknown): Promise<BetweenAnswer> {
    const fields: FieldError[] = [];
    const from = instantParam('from', fromRaw, fields);
    const to = instantParam('to', toRaw, fields);
    if (fields.length || from === undefined || to === undefined) throw new ValidationFailed(fields);
    const cal = await this.loader.load(this.ds);
    const [a, b] = from.getTime() <= to.getTime() ? [from, to] : [to, from];
    return {
      from: formatInstant(from, cal.timeZone),
      to: formatInstant(to, cal.timeZone),
      workingDays: cal.workingDaysBetween(from, to),
      provisional: cal.isProvisionalBetween(a, b),
    };
  }

  async years(): Promise<EffectiveCalendarYear[]> {
    return (await this.loader.effective(this.ds)).years;
  }

  /** PUT /office/calendar/:year — validate, replace, recompute the open clocks it moves. */
  async replaceYear(yearParam: string, body: unknown, by: string): Promise<ReplaceYearAnswer> {
    const v = validateCalendarYear(yearParam, body);
    if (!v.ok) throw new ValidationFailed(v.fields);
    const { year, recompute } = await replaceCalendarYear(this.ds, this.loader, v.entry, by, this.now());
    this.logger.log({ year: year.year, published: year.published, revision: year.revision, by, ...recompute }, 'calendar year replaced');
    return {
      year: year.year,
      published: year.published,
      holidays: year.holidays,
      workdays: year.workdays,
      revision: year.revision,
      replacedAt: year.replacedAt.toISOString(),
      replacedBy: year.replacedBy,
      recompute,
    };
  }
}

function instantParam(path: string, raw: unknown, fields: FieldError[]): Date | undefined {
  if (typeof raw !== 'string' || raw === '') {
    fields.push({ path, message: `is required: an RFC 3339 time with offset, e.g. 2026-11-20T09:12:33+08:00` });
    return undefined;
  }
  try {
    return parseInstant(raw);
  } catch {
    fields.push({ path, message: `not an RFC 3339 time with offset (e.g. 2026-11-20T09:12:33+08:00): ${JSON.stringify(raw)}` });
    return undefined;
  }
}

function daysParam(raw: unknown, fields: FieldError[]): number | undefined {
  if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw) || Number(raw) > MAX_DEADLINE_DAYS) {
    fields.push({ path: 'days', message: `must be a whole number of working days from 0 to ${MAX_DEADLINE_DAYS}, got ${JSON.stringify(raw ?? null)}` });
    return undefined;
  }
  return Number(raw);
}
