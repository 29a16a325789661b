import type { Open311Attribute } from './open311.types';
import { badRequest } from './open311.errors';

/**
 * A form-urlencoded body (GeoReport v2 "POST Service Request") as fields and attributes.
 * `attribute[code]` carries one value, `attribute[code][]` (or a repeated `attribute[code]`) the
 * values of a multivaluelist. A plain field given twice is refused: which one was meant is unknown.
 */
export interface Open311Form {
  fields: Record<string, string>;
  attributes: Record<string, string[]>;
}

const ATTRIBUTE_KEY = /^attribute\[([^\]]*)\](\[\])?$/;
/** Everything the spec's POST methods take (requests and FixMyStreet's updates); others are refused. */
export const FORM_FIELDS = new Set([
  'api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'description', 'media_url',
  'email', 'first_name', 'last_name', 'phone', 'device_id', 'account_id',
  'service_request_id', 'update_id', 'updated_datetime', 'status', 'title',
]);

export function parseOpen311Form(body: string): Open311Form {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const [key, value] of new URLSearchParams(body)) {
    const m = ATTRIBUTE_KEY.exec(key);
    if (m) {
      (attributes[m[1]] ??= []).push(value);
      continue;
    }
    if (!FORM_FIELDS.has(key)) {
      problems.push(`${key.slice(0, 64)} is not an argument of this method`);
      continue;
    }
    if (key in fields) problems.push(`${key} was given more than once`);
    fields[key] = value;
  }
  if (problems.length) throw badRequest(problems);
  // "Optional" in the spec: an empty argument is the same as an absent one.
  for (const k of Object.keys(fields)) if (fields[k].trim() === '') delete fields[k];
  for (const k of Object.keys(attributes)) {
    attributes[k] = attributes[k].filter((v) => v.trim() !== '');
    if (attributes[k].length === 0) delete attributes[k];
  }
  return { fields, attributes };
}

/** W3C date-time with seconds optional and a zone required (GeoReport "Date/time format"). */
const W3C_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isW3cDateTime(v: string): boolean {
  const m = W3C_DATETIME.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60 && !Number.isNaN(Date.parse(v));
}

const MAX_STRING = 500;
const MAX_TEXT = 4000;

/**
 * The attributes checked against the service definition: known codes only, one value unless
 * multivaluelist, values of the list, datatypes, required ones present. All problems at once.
 */
export function checkAttributes(given: Record<string, string[]>, defined: Open311Attribute[]): Record<string, string[]> {
  const problems: string[] = [];
  const byCode = new Map(defined.map((a) => [a.code, a]));
  for (const code of Object.keys(given)) if (!byCode.has(code)) problems.push(`attribute[${code.slice(0, 64)}] is not an attribute of this service`);
  for (const a of defined) {
    const v = given[a.code];
    if (!v) {
      if (a.required && a.variable) problems.push(`attribute[${a.code}] is required`);
      continue;
    }
    if (a.datatype !== 'multivaluelist' && v.length > 1) problems.push(`attribute[${a.code}] takes one value`);
    for (const x of v) {
      const p = valueProblem(a, x);
      if (p) problems.push(`attribute[${a.code}] ${p}`);
    }
  }
  if (problems.length) throw badRequest(problems);
  return given;
}

function valueProblem(a: Open311Attribute, v: string): string | undefined {
  switch (a.datatype) {
    case 'string':
      return /[\r\n]/.test(v) ? 'must be one line' : v.length > MAX_STRING ? `must be at most ${MAX_STRING} characters` : undefined;
    case 'text':
      return v.length > MAX_TEXT ? `must be at most ${MAX_TEXT} characters` : undefined;
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(v.trim()) && Number.isFinite(Number(v)) ? undefined : 'must be a number';
    case 'datetime':
      return isW3cDateTime(v) ? undefined : 'must be an ISO 8601 date-time with a time zone';
    case 'singlevaluelist':
    case 'multivaluelist':
      return (a.values ?? []).some((x) => x.key === v) ? undefined : `has no value ${JSON.stringify(v.slice(0, 64))}`;
  }
}
