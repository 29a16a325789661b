/**
 * Runtime checks of action inputs. Actions arrive from HTTP bodies and queues, so the static types
 * are a promise the caller may break; a broken promise is `invalid_input`, never a crash.
 */
import type { ActorRole, Actor, Score } from './work-order.types';
import { ACTOR_ROLES } from './work-order.types';

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

export function isOptionalBoolean(value: unknown): value is boolean | undefined {
  return value === undefined || typeof value === 'boolean';
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** `YYYY-MM-DD` naming a real calendar day (whether it is a working day is the deadlines' business). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function isScore(value: unknown): value is Score {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
}

export function isActorRole(value: unknown): value is ActorRole {
  return typeof value === 'string' && (ACTOR_ROLES as readonly string[]).includes(value);
}

/** A well-formed actor: a known role, and a unit code for unit and co actors. */
export function isActor(value: unknown): value is Actor {
  if (typeof value !== 'object' || value === null) return false;
  const role: unknown = (value as { role?: unknown }).role;
  if (!isActorRole(role)) return false;
  if (role === 'unit' || role === 'co') return isNonEmptyString((value as { unitCode?: unknown }).unitCode);
  return true;
}

/** Why a co-handler list is unusable next to `lead`, or null when it is fine. */
export function coUnitsProblem(value: unknown, lead: string): string | null {
  if (!Array.isArray(value)) return 'coUnits must be an array of unit codes';
  const seen = new Set<string>();
  for (const item of value as readonly unknown[]) {
    if (!isNonEmptyString(item)) return 'coUnits must contain non-empty unit codes';
    if (item === lead) return `the lead unit ${lead} cannot also be a co-handler`;
    if (seen.has(item)) return `co-handler ${item} is listed twice`;
    seen.add(item);
  }
  return null;
}

/** Why a callback visit is unusable, or null. Scores are 1..5 as the national result wants (docs/contracts.md#national-messages). */
export function visitProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'visit is required';
  const visit = value as Partial<Record<'satisfied' | 'resolved' | 'result' | 'efficiency' | 'attitude' | 'note', unknown>>;
  if (typeof visit.satisfied !== 'boolean') return 'visit.satisfied must be a boolean';
  if (visit.resolved !== undefined && typeof visit.resolved !== 'boolean') return 'visit.resolved must be a boolean';
  for (const key of ['result', 'efficiency', 'attitude'] as const) {
    if (visit[key] !== undefined && !isScore(visit[key])) return `visit.${key} must be an integer 1..5`;
  }
  if (!isOptionalString(visit.note)) return 'visit.note must be a string';
  return null;
}

export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
