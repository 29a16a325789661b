/**
 * Masking of citizens' personal data (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10): phones and ID numbers never appear
 * in clear in logs, nor in answers to anyone outside the handling chain.
 */

/** `13812345678` → `138****5678`; short or odd values keep only their last 2 characters. */
export function maskPhone(phone: string | undefined | null): string | undefined {
  if (phone === undefined || phone === null || phone === '') return undefined;
  const digits = phone.replace(/[^0-9]/g, '');
  if (digits.length >= 11) return `${digits.slice(-11, -8)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return '*'.repeat(Math.max(digits.length, 2));
}

/** `310101199001011234` → `3101**********1234` (first 4 and last 4 kept). */
export function maskIdNumber(id: string | undefined | null): string | undefined {
  if (id === undefined || id === null || id === '') return undefined;
  if (id.length <= 8) return '*'.repeat(id.length);
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

/** `张三` → `张*`, `欧阳娜娜` → `欧***`. */
export function maskName(name: string | undefined | null): string | undefined {
  if (name === undefined || name === null || name === '') return undefined;
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}

// 18-character ID card / USCC numbers, then mainland mobiles (optionally +86), then landlines.
const ID_RE = /(?<![0-9A-Za-z])([0-9]{6})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9A-Za-z])/g;
const USCC_RE = /(?<![0-9A-Za-z])([0-9A-HJ-NPQRTUWXY]{2}[0-9]{6})([0-9A-HJ-NPQRTUWXY]{6})([0-9A-HJ-NPQRTUWXY]{4})(?![0-9A-Za-z])/g;
const MOBILE_RE = /(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])/g;
const LANDLINE_RE = /(?<![0-9])(0[1-9][0-9]{1,2})-?([0-9]{4})([0-9]{3,4})(?![0-9])/g;

/** Masks anything that looks like a phone or ID number inside free text. */
export function scrubText(text: string): string {
  if (text.length < 7) return text;
  return text
    .replace(ID_RE, (_m, a: string, b: string, c: string) => `${a.slice(0, 4)}${'*'.repeat(a.length - 4 + b.length + c.length - 4)}${c.slice(-4)}`)
    .replace(USCC_RE, (_m, a: string, b: string, c: string) => `${a.slice(0, 4)}${'*'.repeat(a.length - 4 + b.length)}${c}`)
    .replace(MOBILE_RE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(LANDLINE_RE, (_m, a: string, b: string, c: string) => `${a}-${'*'.repeat(b.length)}${c}`);
}

const SENSITIVE_KEYS: Record<string, (v: string) => string | undefined> = {
  phone: maskPhone,
  idNumber: maskIdNumber,
  idnumber: maskIdNumber,
  name: (v) => v, // names of units are not personal data; citizens' names are handled by `citizen`
};

/** Deep copy with citizens' data masked: used by the log formatter and for outside readers. */
export function maskPii(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return scrubText(value);
  // A mobile sent as a JSON number (a broken upstream) is still a mobile.
  if (typeof value === 'number' && Number.isInteger(value) && /^1[3-9][0-9]{9}$/.test(String(value))) return maskPhone(String(value));
  if (Array.isArray(value)) return value.map((v) => maskPii(v, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value;
    if (value instanceof Error) return { name: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if ((k === 'citizen' || k === 'applicant' || k === 'submitter') && v && typeof v === 'object') {
        out[k] = maskCitizen(v as Record<string, unknown>, depth + 1);
      } else if ((typeof v === 'string' || typeof v === 'number') && k in SENSITIVE_KEYS) {
        out[k] = SENSITIVE_KEYS[k](String(v));
      } else if (/secret|password|authorization|x-signature/i.test(k)) {
        out[k] = '[redacted]';
      } else {
        out[k] = maskPii(v, depth + 1);
      }
    }
    return out;
  }
  return value;
}

export function maskCitizen<T extends Record<string, unknown>>(c: T, depth = 0): T {
  // Other fields are scrubbed too: a hostile payload may hide a number anywhere (arrays, objects).
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) out[k] = k === 'name' || k === 'phone' || k === 'idNumber' ? v : maskPii(v, depth + 1);
  const text = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  if (text(c.name) !== undefined) out.name = maskName(text(c.name));
  else if (c.name !== undefined) out.name = maskPii(c.name, depth + 1);
  if (text(c.phone) !== undefined) out.phone = maskPhone(text(c.phone));
  else if (c.phone !== undefined) out.phone = maskPii(c.phone, depth + 1);
  if (text(c.idNumber) !== undefined) out.idNumber = maskIdNumber(text(c.idNumber));
  else if (c.idNumber !== undefined) out.idNumber = maskPii(c.idNumber, depth + 1);
  return out as T;
}
