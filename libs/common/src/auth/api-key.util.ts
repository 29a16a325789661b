import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys of units' own systems: `X-Api-Key: <keyId>.<secret>`. The key id is public (it names the
 * key in lists and logs); the secret is 32 random bytes shown once at creation. Only SHA-256 of the
 * secret is stored: with 256 bits of entropy a slow hash adds nothing, and every request stays cheap.
 */
export const API_KEY_HEADER = 'x-api-key';
const KEY_ID_RE = /^uk_[A-Za-z0-9_-]{16}$/;
const API_KEY_RE = /^(uk_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  keyId: string;
  secret: string;
  /** what the unit's system sends: `<keyId>.<secret>` */
  apiKey: string;
  secretHash: string;
}

export function isApiKeyId(value: string): boolean {
  return KEY_ID_RE.test(value);
}

export function newApiKey(): NewApiKey {
  const keyId = `uk_${randomBytes(12).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, apiKey: `${keyId}.${secret}`, secretHash: hashApiSecret(secret) };
}

export function parseApiKey(header: string): { keyId: string; secret: string } | undefined {
  const m = API_KEY_RE.exec(header.trim());
  return m ? { keyId: m[1], secret: m[2] } : undefined;
}

export function hashApiSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares the secret's hash with the stored one in constant time. */
export function apiSecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiSecret(secret), 'hex');
  const b = Buffer.from(/^[0-9a-f]{64}$/.test(storedHash) ? storedHash : '0'.repeat(64), 'hex');
  return timingSafeEqual(a, b) && storedHash.length === 64;
}
