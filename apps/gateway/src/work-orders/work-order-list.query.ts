import { ValidationFailed, type FieldError } from '@hub/common';
import { WORK_ORDER_STATES } from '@hub/rules/lifecycle';
import { SOURCES } from '@hub/rules/model/ticket';

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** The query string of a work-order list, as received. */
export interface RawListQuery {
  state?: string;
  dueSoon?: string;
  overdue?: string;
  source?: string;
  limit?: string;
  cursor?: string;
  flagged?: string;
  unit?: string;
  q?: string;
  phone?: string;
  district?: string;
  category?: string;
  from?: string;
  to?: string;
  extension?: string;
}

/** The office's search (docs/console.md "All tickets"); the phone is hashed by the caller. */
export interface ListSearch {
  externalOrId?: string;
  phone?: string;
  district?: string;
  categoryCode?: string;
  receivedFrom?: Date;
  receivedBefore?: Date;
  extensionPending?: boolean;
}

export interface ListQuery {
  states?: string[];
  dueSoon: boolean;
  overdue: boolean;
  source?: string;
  limit: number;
  after?: { createdAt: string; id: string };
  flagged: boolean;
  unit?: string;
  search: ListSearch;
}

/** An opaque keyset cursor: the last item's (created_at, id), which never change for a ticket. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(raw: string): { createdAt: string; id: string } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [createdAt, id] = v as unknown[];
    if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

/** Validates a list's query string; every problem is reported with its parameter as the path. */
const SEARCH_PARAMS = ['q', 'phone', 'district', 'category', 'from', 'to', 'extension'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day of Shanghai (the office's dates) as the instant it starts; `plus` days later. */
function shanghaiDay(date: string, plus = 0): Date | undefined {
  const noon = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== date) return undefined;
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + plus * 86_400_000);
}

function parseSearch(q: RawListQuery, fields: FieldError[]): ListSearch {
  const s: ListSearch = {};
  const v = (k: (typeof SEARCH_PARAMS)[number]): string | undefined => (q[k] === undefined || q[k] === '' ? undefined : q[k]!.trim());
  const text = v('q');
  if (text !== undefined) {
    if (text.length > 64) fields.push({ path: 'q', message: 'an order number or ticket id, at most 64 characters' });
    else s.externalOrId = text;
  }
  const phone = v('phone');
  if (phone !== undefined) {
    if (!/^\+?[0-9][0-9 -]{4,19}$/.test(phone)) fields.push({ path: 'phone', message: 'must be a phone number (digits)' });
    else s.phone = phone;
  }
  const district = v('district');
  if (district !== undefined) {
    if (!/^\d{6}$/.test(district)) fields.push({ path: 'district', message: 'must be a 6-digit region code' });
    else s.district = district;
  }
  const category = v('category');
  if (category !== undefined) {
    if (!/^[0-9A-Za-z_-]{1,32}$/.test(category)) fields.push({ path: 'category', message: 'must be a category code' });
    else s.categoryCode = category;
  }
  for (const k of ['from', 'to'] as const) {
    const d = v(k);
    if (d === undefined) continue;
    const at = DATE.test(d) ? shanghaiDay(d, k === 'to' ? 1 : 0) : undefined;
    if (!at) fields.push({ path: k, message: 'must be a date YYYY-MM-DD' });
    else if (k === 'from') s.receivedFrom = at;
    else s.receivedBefore = at;
  }
  const ext = v('extension');
  if (ext !== undefined) {
    if (ext !== 'pending') fields.push({ path: 'extension', message: 'must be pending' });
    else s.extensionPending = true;
  }
  return s;
}

export function parseListQuery(q: RawListQuery, allow: { flagged?: boolean; unit?: boolean; search?: boolean } = {}): ListQuery {
  const fields: FieldError[] = [];
  // A repeated parameter arrives as an array (?state=a&state=b): refused, never handed on as a string.
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    if (typeof v !== 'string') fields.push({ path: k, message: 'must be given once (several states: comma-separated)' });
  }
  if (fields.length > 0) throw new ValidationFailed(fields);
  const bool = (name: 'dueSoon' | 'overdue' | 'flagged'): boolean => {
    const v = q[name];
    if (v === undefined || v === '') return false;
    if (v === 'true') return true;
    if (v === 'false') return false;
    fields.push({ path: name, message: 'must be true or false' });
    return false;
  };
  let states: string[] | undefined;
  if (q.state !== undefined && q.state !== '') {
    states = q.state.split(',').map((s) => s.trim());
    const unknown = states.filter((s) => !(WORK_ORDER_STATES as readonly string[]).includes(s));
    if (unknown.length > 0) fields.push({ path: 'state', message: `unknown state ${unknown.join(', ')}; one or more (comma-separated) of ${WORK_ORDER_STATES.join(', ')}` });
  }
  if (q.source !== undefined && q.source !== '' && !(SOURCES as readonly string[]).includes(q.source)) {
    fields.push({ path: 'source', message: `must be one of ${SOURCES.join(', ')}` });
  }
  let limit = DEFAULT_PAGE;
  if (q.limit !== undefined && q.limit !== '') {
    limit = /^\d+$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) fields.push({ path: 'limit', message: `must be an integer 1..${MAX_PAGE}` });
  }
  let after: ListQuery['after'];
  if (q.cursor !== undefined && q.cursor !== '') {
    after = decodeCursor(q.cursor);
    if (!after) fields.push({ path: 'cursor', message: 'is not a cursor this API gave out (use nextCursor of the previous page)' });
  }
  const dueSoon = bool('dueSoon');
  const overdue = bool('overdue');
  const flagged = allow.flagged ? bool('flagged') : false;
  if (!allow.flagged && q.flagged !== undefined) fields.push({ path: 'flagged', message: 'is an office filter' });
  if (!allow.unit && q.unit !== undefined) fields.push({ path: 'unit', message: 'is an office filter: a unit sees its own work orders' });
  for (const k of SEARCH_PARAMS) if (!allow.search && q[k] !== undefined) fields.push({ path: k, message: 'is an office filter' });
  const search = allow.search ? parseSearch(q, fields) : {};
  if (fields.length > 0) throw new ValidationFailed(fields);
  return {
    states,
    dueSoon,
    overdue,
    source: q.source || undefined,
    limit,
    after,
    flagged,
    unit: allow.unit ? q.unit || undefined : undefined,
    search,
  };
}
