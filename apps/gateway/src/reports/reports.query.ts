import { ValidationFailed, type FieldError } from '@hub/common';
import { DRILLABLE, parsePeriod, parseRange, RANK_BY, type RankBy } from '@hub/rules/reports';
import type { GroupBy } from '@hub/store';
import type { ReportQuestion } from '@hub/workflow/reports';

/** The query string of a report (docs/contracts.md#report-api), as received. */
export interface RawReportQuery {
  period?: string;
  from?: string;
  to?: string;
  groupBy?: string;
  asOf?: string;
  format?: string;
  figure?: string;
  key?: string;
  unit?: string;
  limit?: string;
  cursor?: string;
  by?: string;
}

const GROUP_BY: readonly GroupBy[] = ['none', 'unit', 'district', 'source', 'category'];
export const DRILL_PAGE = 50;
export const DRILL_MAX_PAGE = 500;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface ParsedReport {
  question: ReportQuestion;
  format: 'json' | 'xlsx';
  figure?: string;
  /** drill-down into one group: the key (null: the group without one) */
  key?: string | null;
  unit?: string;
  limit: number;
  after?: [string, string] | null;
  by: RankBy;
}

export function encodeDrillCursor(pos: [string, string]): string {
  return Buffer.from(JSON.stringify(pos), 'utf8').toString('base64url');
}

function decodeDrillCursor(raw: string): [string, string] | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || !/^\d{1,18}$/.test(v[0]) || typeof v[1] !== 'string' || !/^\d{1,18}$/.test(v[1])) return undefined;
    return [v[0], v[1]];
  } catch {
    return undefined;
  }
}

/**
 * Validates a report's query string; every problem is reported with its parameter as the path.
 * `allow`: which parameters this endpoint takes (a unit's own report has no groupBy).
 */
export function parseReportQuery(q: RawReportQuery, now: Date, allow: { groupBy?: boolean; figure?: boolean; format?: boolean; unit?: boolean; by?: boolean } = {}): ParsedReport {
  const fields: FieldError[] = [];
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    if (typeof v !== 'string') fields.push({ path: k, message: 'must be given once' });
  }
  if (fields.length > 0) throw new ValidationFailed(fields);
  let period: ReportQuestion['period'] | undefined;
  if (q.period !== undefined && (q.from !== undefined || q.to !== undefined)) fields.push({ path: 'period', message: 'give period or from/to, not both' });
  else if (q.period !== undefined) {
    const p = parsePeriod(q.period);
    if (p.ok) period = p.value;
    else fields.push({ path: p.path, message: p.message });
  } else if (q.from !== undefined && q.to !== undefined) {
    const p = parseRange(q.from, q.to);
    if (p.ok) period = p.value;
    else fields.push({ path: p.path, message: p.message });
  } else fields.push({ path: q.from === undefined ? 'from' : 'to', message: 'is required (or give period: 2026-11, 2026Q3, 2026H1, 2026, A2026)' });
  // now, rounded up to the second: everything committed so far is in, and the answer's asOf can be asked again as is
  let asOf = new Date(Math.ceil(now.getTime() / 1000) * 1000);
  if (q.asOf !== undefined) {
    if (!ISO.test(q.asOf) || Number.isNaN(Date.parse(q.asOf))) fields.push({ path: 'asOf', message: 'must be an ISO-8601 instant with its offset (2026-12-01T00:00:00+08:00)' });
    else asOf = new Date(Date.parse(q.asOf));
  }
  let groupBy: GroupBy = 'none';
  if (q.groupBy !== undefined) {
    if (!allow.groupBy) fields.push({ path: 'groupBy', message: "is the office's: a unit reads its own row" });
    else if (!(GROUP_BY as readonly string[]).includes(q.groupBy)) fields.push({ path: 'groupBy', message: `must be one of ${GROUP_BY.join(', ')}` });
    else groupBy = q.groupBy as GroupBy;
  }
  let format: 'json' | 'xlsx' = 'json';
  if (q.format !== undefined) {
    if (!allow.format) fields.push({ path: 'format', message: 'this endpoint answers JSON only' });
    else if (q.format !== 'json' && q.format !== 'xlsx') fields.push({ path: 'format', message: 'must be json or xlsx' });
    else format = q.format;
  }
  if (allow.figure) {
    if (q.figure === undefined) fields.push({ path: 'figure', message: `is required: one of ${DRILLABLE.join(', ')}` });
    else if (!DRILLABLE.includes(q.figure)) fields.push({ path: 'figure', message: `must be one of ${DRILLABLE.join(', ')}` });
  } else if (q.figure !== undefined) fields.push({ path: 'figure', message: 'is a drill-down parameter' });
  let key: string | null | undefined;
  if (q.key !== undefined) {
    if (!allow.figure || !allow.groupBy) fields.push({ path: 'key', message: 'is an office drill-down parameter (with groupBy)' });
    else if (groupBy === 'none') fields.push({ path: 'groupBy', message: 'is required with key' });
    else if (q.key.length > 64) fields.push({ path: 'key', message: 'at most 64 characters' });
    else key = q.key === '' ? null : q.key;
  }
  if (q.unit !== undefined && !allow.unit) fields.push({ path: 'unit', message: 'is not a parameter of this endpoint' });
  let limit = DRILL_PAGE;
  if (q.limit !== undefined) {
    limit = /^\d+$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!allow.figure) fields.push({ path: 'limit', message: 'is a drill-down parameter' });
    else if (!Number.isInteger(limit) || limit < 1 || limit > DRILL_MAX_PAGE) fields.push({ path: 'limit', message: `must be an integer 1..${DRILL_MAX_PAGE}` });
  }
  let after: [string, string] | null = null;
  if (q.cursor !== undefined && q.cursor !== '') {
    after = decodeDrillCursor(q.cursor) ?? null;
    if (!after) fields.push({ path: 'cursor', message: 'is not a cursor this API gave out (use nextCursor of the previous page)' });
  }
  let by: RankBy = 'score';
  if (q.by !== undefined) {
    if (!allow.by) fields.push({ path: 'by', message: 'is a rankings parameter' });
    else if (!(RANK_BY as readonly string[]).includes(q.by)) fields.push({ path: 'by', message: `must be one of ${RANK_BY.join(', ')}` });
    else by = q.by as RankBy;
  }
  if (fields.length > 0 || !period) throw new ValidationFailed(fields);
  return { question: { period, asOf, groupBy }, format, figure: q.figure, key, unit: q.unit, limit, after, by };
}
