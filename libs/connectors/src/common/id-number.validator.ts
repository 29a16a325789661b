/**
 * Check-digit rules for the identity numbers that upstreams send (docs/contracts.md#hotline-orders: "idNumber checked
 * against idType"). Pure functions: the birth-date check takes `today` as a parameter.
 */
import type { IdType } from '@hub/rules/model/ticket';

/** GB 11643-1999: weight of position i is 2^(17-i) mod 11 (ISO 7064 MOD 11-2). */
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** index = (weighted sum mod 11) */
const RESIDENT_ID_CHECK_CHARS = '10X98765432';

/** GB 32100-2015 code alphabet: digits and capitals without I, O, Z, S, V (values 0..30). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character of an 18-digit resident ID, from its first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i];
  return RESIDENT_ID_CHECK_CHARS[sum % 11];
}

/**
 * Why `value` is not a valid PRC resident ID (居民身份证号码), or null when it is.
 * Accepts a lower-case check `x` (people type it so); the mappers upper-case it.
 * The region part is not checked against GB/T 2260: codes of abolished counties stay valid on
 * cards issued before, so only the first digit (never 0) is checked.
 */
export function residentIdProblem(value: string, today: Date = new Date()): string | null {
  if (!/^\d{17}[\dXx]$/.test(value)) return 'must be 18 characters: 17 digits then a digit or X';
  if (value[0] === '0') return 'must not start with 0 (region code)';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  if (!isCalendarDate(year, month, day)) return `has an impossible birth date ${value.slice(6, 14)}`;
  const birth = Date.UTC(year, month - 1, day);
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  // +1 day: a card issued on the birth day in UTC+8 may still be "tomorrow" in UTC.
  if (year < 1900 || birth > todayUtc + 86_400_000) return `has an implausible birth date ${value.slice(6, 14)}`;
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17].toUpperCase()) return 'has a wrong check digit';
  return null;
}

export function isValidResidentId(value: string, today: Date = new Date()): boolean {
  return residentIdProblem(value, today) === null;
}

/** The check character of a 统一社会信用代码 from its first 17 characters (upper case). */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('usccCheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new RangeError(`usccCheckChar: "${first17[i]}" is not in the GB 32100 alphabet`);
    sum += v * USCC_WEIGHTS[i];
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check];
}

/**
 * Why `value` is not a valid 统一社会信用代码 (GB 32100-2015), or null when it is.
 * Case-insensitive (the mappers upper-case it). Positions 3–8 are the administrative region and must
 * be digits; the registering authority and type codes (positions 1–2) are only checked against the
 * alphabet because their lists keep growing.
 */
export function usccProblem(value: string): string | null {
  const upper = value.toUpperCase();
  if (upper.length !== 18) return 'must be 18 characters';
  for (const ch of upper) {
    if (!USCC_ALPHABET.includes(ch)) return `contains "${ch}", which is not allowed (0-9, A-H, J-N, P-R, T, U, W-Y)`;
  }
  if (!/^\d{6}$/.test(upper.slice(2, 8))) return 'must have 6 digits (region code) at positions 3–8';
  if (usccCheckChar(upper.slice(0, 17)) !== upper[17]) return 'has a wrong check character';
  return null;
}

export function isValidUscc(value: string): boolean {
  return usccProblem(value) === null;
}

/** Passport numbers differ by country; 5–20 letters and digits covers them without guessing. */
export function passportProblem(value: string): string | null {
  return /^[A-Za-z0-9]{5,20}$/.test(value) ? null : 'must be 5–20 letters and digits';
}

/** Why `idNumber` does not fit `idType`, or null when it does. */
export function idNumberProblem(idType: IdType, idNumber: string, today: Date = new Date()): string | null {
  switch (idType) {
    case 'id_card':
      return residentIdProblem(idNumber, today);
    case 'uscc':
      return usccProblem(idNumber);
    case 'passport':
      return passportProblem(idNumber);
  }
}

/**
 * The type of an idNumber sent without idType: a valid resident ID or a valid 统一社会信用代码 is
 * recognised by its check digit; anything else (a passport included) cannot be told apart safely,
 * so it gives undefined.
 */
export function inferIdType(idNumber: string, today: Date = new Date()): 'id_card' | 'uscc' | undefined {
  if (isValidResidentId(idNumber, today)) return 'id_card';
  if (isValidUscc(idNumber)) return 'uscc';
  return undefined;
}

/** Upper-cases the check character that people type in lower case; other types are kept as sent. */
export function normalizeIdNumber(idType: IdType | undefined, idNumber: string): string {
  return idType === 'id_card' || idType === 'uscc' ? idNumber.toUpperCase() : idNumber;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}
