import { badRequest } from '@hub/connectors/open311';
import { isW3cDateTime } from '@hub/connectors/open311';

/** GET requests' arguments once checked (GeoReport v2 "GET Service Requests" plus page/page_size). */
export interface RequestsQuery {
  ids?: string[];
  from: Date;
  to: Date;
  serviceCodes?: string[];
  statuses?: Array<'open' | 'closed'>;
  pageSize: number;
  page: number;
}

const DAY_MS = 86_400_000;
/** The spec: the default window is the last 90 days, and no answer holds more than 1,000 requests. */
export const WINDOW_DAYS = 90;
export const MAX_RESULTS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const one = (q: Record<string, unknown>, k: string): string | undefined => {
  const v = q[k];
  if (Array.isArray(v)) return v.map(String).join(',');
  return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v);
};
const list = (v: string | undefined): string[] | undefined => {
  const items = v?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return items && items.length ? items : undefined;
};

export function isRequestId(id: string): boolean {
  return UUID.test(id);
}

/**
 * Checks GET requests' arguments. `service_request_id` (a comma list) overrides every other one,
 * as the spec says; dates are W3C date-times, the window at most 90 days; status open/closed.
 */
export function parseRequestsQuery(q: Record<string, unknown>, now: Date): RequestsQuery {
  const problems: string[] = [];
  const ids = list(one(q, 'service_request_id'));
  if (ids) {
    if (ids.length > MAX_RESULTS) problems.push(`service_request_id takes at most ${MAX_RESULTS} ids`);
    if (problems.length) throw badRequest(problems);
    return { ids, from: now, to: now, pageSize: MAX_RESULTS, page: 1 };
  }
  const date = (k: string): Date | undefined => {
    const v = one(q, k);
    if (v === undefined) return undefined;
    if (!isW3cDateTime(v)) {
      problems.push(`${k} must be a W3C date-time with a time zone, e.g. 2026-12-01T00:00:00+08:00`);
      return undefined;
    }
    return new Date(v);
  };
  const start = date('start_date');
  const end = date('end_date');
  const to = end ?? (start ? new Date(start.getTime() + WINDOW_DAYS * DAY_MS) : now);
  const from = start ?? new Date(to.getTime() - WINDOW_DAYS * DAY_MS);
  if (from > to) problems.push('start_date is after end_date');
  else if (to.getTime() - from.getTime() > WINDOW_DAYS * DAY_MS) problems.push(`start_date and end_date may not span more than ${WINDOW_DAYS} days`);
  const statuses = list(one(q, 'status'));
  for (const s of statuses ?? []) if (s !== 'open' && s !== 'closed') problems.push(`status ${JSON.stringify(s.slice(0, 32))} is neither open nor closed`);
  const int = (k: string, fallback: number, max: number): number => {
    const v = one(q, k);
    if (v === undefined) return fallback;
    if (!/^\d{1,7}$/.test(v) || Number(v) < 1 || Number(v) > max) {
      problems.push(`${k} must be an integer from 1 to ${max}`);
      return fallback;
    }
    return Number(v);
  };
  const pageSize = int('page_size', MAX_RESULTS, MAX_RESULTS);
  const page = int('page', 1, 1_000_000);
  if (problems.length) throw badRequest(problems);
  return { from, to, serviceCodes: list(one(q, 'service_code')), statuses: statuses as Array<'open' | 'closed'> | undefined, pageSize, page };
}

/** GET servicerequestupdates: [start_date, end_date), by default the last 24 hours; at most 90 days. */
export function parseUpdatesWindow(q: Record<string, unknown>, now: Date): { from: Date; to: Date } {
  const problems: string[] = [];
  const date = (k: string): Date | undefined => {
    const v = one(q, k);
    if (v === undefined) return undefined;
    if (!isW3cDateTime(v)) problems.push(`${k} must be a W3C date-time with a time zone`);
    return isW3cDateTime(v) ? new Date(v) : undefined;
  };
  const start = date('start_date');
  const end = date('end_date');
  const to = end ?? now;
  const from = start ?? new Date(to.getTime() - DAY_MS);
  if (from > to) problems.push('start_date is after end_date');
  else if (to.getTime() - from.getTime() > WINDOW_DAYS * DAY_MS) problems.push(`start_date and end_date may not span more than ${WINDOW_DAYS} days`);
  if (problems.length) throw badRequest(problems);
  return { from, to };
}
