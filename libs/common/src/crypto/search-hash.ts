import { createHmac } from 'node:crypto';

/**
 * Keyed hashes of phones and ID numbers, stored next to the ciphertext so the office can still
 * find "every ticket of this caller" (Yunnan Measures Art. 13 merging; repeated complaints, Yunnan Measures Art. 8)
 * without the clear value in the database. HMAC-SHA256 with its own key (HUB_SEARCH_KEY): without
 * the key, the 10^8 possible mobiles of a prefix cannot be enumerated against the column.
 *
 * The search key does not rotate with the data keys: changing it means recomputing the columns
 * (docs/security.md).
 */
export class SearchHasher {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('search key must be at least 32 bytes');
  }

  phone(value: string): string {
    return this.hash('phone', normalizePhone(value));
  }

  idNumber(value: string): string {
    return this.hash('id', normalizeIdNumber(value));
  }

  private hash(kind: string, normalized: string): string {
    return createHmac('sha256', this.key).update(`${kind}:${normalized}`, 'utf8').digest('hex');
  }

  toJSON(): string {
    return 'SearchHasher';
  }
}

/**
 * One form per number, whatever way it was written: separators dropped, `+86`/`0086`/`86` before a
 * mainland mobile dropped; other international numbers keep their `+`.
 */
export function normalizePhone(value: string): string {
  const trimmed = value.trim();
  const plus = trimmed.startsWith('+');
  let digits = trimmed.replace(/[^0-9]/g, '');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  if (/^1[3-9][0-9]{9}$/.test(digits)) return digits;
  return plus ? `+${digits}` : digits;
}

/** ID card check characters may come as `x` or `X`; USCC letters are upper case. */
export function normalizeIdNumber(value: string): string {
  return value.trim().replace(/\s+/g, '').toUpperCase();
}
