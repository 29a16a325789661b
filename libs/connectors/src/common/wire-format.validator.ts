/**
 * Format rules of the wire contracts (contracts README) as pure predicates, plus the limits the
 * contract leaves open. The class-validator decorators in `wire-format.decorators.ts` wrap these.
 */

/**
 * Maximum lengths. The contract fixes orderNo ≤ 64, title ≤ 200 and content ≤ 20000; the rest are
 * ours, chosen well above anything real so they only stop abuse (a 1 MiB "name") and keep columns
 * and logs bounded.
 */
export const LIMITS = {
  /** orderNo, evaluationId, suggestionId, transferId, projectNo, eventId (contract: orderNo ≤ 64) */
  id: 64,
  /** categoryCode, serviceItemCode, unitCode, designatedUnitCode, staffId */
  code: 64,
  title: 200,
  content: 20000,
  /** evaluation comment: it becomes the ticket content, so the content limit */
  comment: 20000,
  /** person's name (citizen, respondent, applicant, submitter) */
  personName: 100,
  /** unitName (national), serviceItemName */
  unitName: 200,
  address: 500,
  /** a phone as typed, e.g. "+86 21-12345678-123456" */
  phone: 32,
  /** idNumber sent by the national platform without idType (only the length is checked there) */
  idNumber: 64,
  reasonsCount: 20,
  reason: 200,
  attachmentsCount: 50,
  attachmentName: 255,
  url: 2048,
  /** event content (补充 / 催办 / 撤诉) */
  eventContent: 20000,
  /** national page: items per page (the limit parameter is 1..100) */
  pageItems: 100,
  cursor: 1024,
} as const;

/**
 * RFC 3339 date-time WITH an offset (`Z` or `±hh:mm`): the contract's times are instants, and a
 * local time without offset would be read in the server's zone and shift deadlines by hours.
 * Fractions up to nanoseconds; lower-case `t`/`z` accepted as RFC 3339 §5.6 allows; leap second
 * `60` rejected because JavaScript dates cannot hold it.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

export function isRfc3339WithOffset(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  // Year 0000 is valid RFC 3339 but no instant PostgreSQL stores (nor a plausible complaint time).
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
  return true;
}

/** GB/T 2260 county (6), GB/T 10114 township (9) or village (12) level code. */
export function isRegionCode(value: string): boolean {
  return /^(\d{6}|\d{9}|\d{12})$/.test(value);
}

/**
 * Phone numbers as citizens give them, permissive but sane (whitespace is not allowed; a call centre
 * system sends digits):
 * - mainland mobile `1[3-9]` + 9 digits, optionally prefixed `+86`/`86` (with optional `-`);
 * - landline `0` + 2–3 digit area code, optional `-`, 7–8 digit number starting 2–9, optional
 *   extension `-` + 1–6 digits; with `+86` the trunk `0` is dropped (`+86-21-62345678`);
 * - a local 7–8 digit number without area code (the hotline serves one city);
 * - an international number in E.164 form `+` + 7–15 digits for citizens abroad.
 */
const PHONE_PATTERNS: readonly RegExp[] = [
  /^(?:\+?86-?)?1[3-9]\d{9}$/,
  /^0[1-9]\d{1,2}-?[2-9]\d{6,7}(?:-\d{1,6})?$/,
  /^\+?86-?[1-9]\d{1,2}-?[2-9]\d{6,7}(?:-\d{1,6})?$/,
  /^[2-9]\d{6,7}(?:-\d{1,6})?$/,
  /^\+(?!86)[1-9]\d{6,14}$/,
];

export function isPhoneNumber(value: string): boolean {
  return value.length <= LIMITS.phone && PHONE_PATTERNS.some((p) => p.test(value));
}

/**
 * The national platform relays phones from every province in their own notations; a pulled
 * transfer cannot be refused with a 400, so only the character set and length are checked there.
 */
export function isLoosePhoneNumber(value: string): boolean {
  return /^[0-9+\-() ]{3,32}$/.test(value);
}

export function isSha256Hex(value: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(value);
}

/** Attachments are fetched by the hub, so only absolute http(s) URLs make sense. */
export function isHttpUrl(value: string): boolean {
  if (value.length > LIMITS.url) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

export function isNotBlank(value: string): boolean {
  return value.trim().length > 0;
}
