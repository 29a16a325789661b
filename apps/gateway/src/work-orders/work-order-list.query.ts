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
export function parseListQuery(q: RawListQuery, allow: { flagged?: boolean; unit?: boolean } = {}): ListQuery {
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
  };
}
