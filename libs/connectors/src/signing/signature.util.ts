/**
 * Request signing of docs/contracts.md#signed-requests, both directions: the hub signs what it sends and verifies what it
 * receives. The string to sign is
 *   timestamp + "\n" + nonce + "\n" + METHOD + "\n" + path?query + "\n" + rawBody
 * over the exact bytes of the body as sent (GET: empty body).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyRing, SigningAlgorithm, SigningKey } from './key-ring.config';
import { NONCE_TTL_SECONDS, type NonceStore } from './nonce.store';

export const HEADER_KEY_ID = 'X-Key-Id';
export const HEADER_TIMESTAMP = 'X-Timestamp';
export const HEADER_NONCE = 'X-Nonce';
export const HEADER_SIGNATURE = 'X-Signature';

/** docs/contracts.md#signed-requests: a timestamp more than 300 s away from the receiver's clock is stale. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A type alias, not an interface, so it can be passed where a header record is expected. */
export type SignedHeaders = {
  'X-Key-Id': string;
  'X-Timestamp': string;
  'X-Nonce': string;
  'X-Signature': string;
};

/**
 * Error codes of a refused request, all answered 401 `{"error": code}`.
 * The first four are the contract's (docs/contracts.md#signed-requests). The contract does not cover requests that lack the headers
 * or carry unparseable ones; for those the hub uses two codes of its own so an integrating developer
 * sees at once what is wrong:
 * - `missing_headers`: one or more of X-Key-Id, X-Timestamp, X-Nonce, X-Signature absent or empty;
 * - `malformed_header`: present but not in the contract's format (timestamp not Unix seconds, nonce
 *   not 16–64 of [A-Za-z0-9_-], signature not `hmac-sha256=<64 hex>` / `hmac-sm3=<64 hex>`, or a
 *   header repeated).
 */
export type SignatureErrorCode =
  | 'unknown_key'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'replayed_nonce'
  | 'missing_headers'
  | 'malformed_header';

export type VerifyResult =
  | { ok: true; keyId: string }
  | {
      ok: false;
      error: SignatureErrorCode;
      /** for logs and the 401 body's message: never holds a secret or the expected signature */
      detail: string;
      keyId?: string;
    };

/** Incoming headers as Node / Fastify give them (any case; repeated headers as arrays). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export function canonicalString(
  timestamp: string | number,
  nonce: string,
  method: string,
  pathWithQuery: string,
  rawBody: Buffer | string,
): string {
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  return `${timestamp}\n${nonce}\n${method.toUpperCase()}\n${pathWithQuery}\n${body}`;
}

/**
 * The same string as bytes. Signatures are computed over these so that a body that is not valid
 * UTF-8 is still signed byte for byte as it travels.
 */
export function canonicalBytes(
  timestamp: string | number,
  nonce: string,
  method: string,
  pathWithQuery: string,
  rawBody: Buffer | string,
): Buffer {
  const head = Buffer.from(`${timestamp}\n${nonce}\n${method.toUpperCase()}\n${pathWithQuery}\n`, 'utf8');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return Buffer.concat([head, body]);
}

function hmacDigest(algorithm: SigningAlgorithm, secret: string, data: Buffer): Buffer {
  // Node's OpenSSL build provides SM3 (国密) natively.
  return createHmac(algorithm === 'hmac-sm3' ? 'sm3' : 'sha256', secret)
    .update(data)
    .digest();
}

/** `hmac-sha256=<hex>` or `hmac-sm3=<hex>` for the given canonical bytes. */
export function computeSignature(key: SigningKey, data: Buffer): string {
  return `${key.algorithm}=${hmacDigest(key.algorithm, key.secret, data).toString('hex')}`;
}

/** 16 random bytes in base64url: 22 characters of [A-Za-z0-9_-], within the contract's 16–64. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Headers for an outgoing request. `pathWithQuery` must be exactly the request target that goes on
 * the wire (base path prefix included), `body` exactly the bytes sent ('' for GET).
 */
export function signRequest(
  key: SigningKey,
  method: string,
  pathWithQuery: string,
  body: Buffer | string,
  now: Date,
  nonce: string = newNonce(),
): SignedHeaders {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = computeSignature(key, canonicalBytes(timestamp, nonce, method, pathWithQuery, body));
  return {
    [HEADER_KEY_ID]: key.keyId,
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_NONCE]: nonce,
    [HEADER_SIGNATURE]: signature,
  };
}

const SIGNATURE_PATTERN = /^(hmac-sha256|hmac-sm3)=([0-9a-fA-F]{64})$/;

/**
 * Verifies an incoming request (docs/contracts.md#signed-requests). Order of checks:
 * headers present → headers well-formed → key known → signature (constant time) → timestamp → nonce.
 * The nonce is remembered only once the signature is valid, so unauthenticated garbage cannot fill
 * the store or burn a legitimate sender's nonces; the timestamp is judged after the signature so that
 * `stale_timestamp` (a clock problem worth telling) is only told to a holder of the key.
 *
 * `pathWithQuery` is the raw request target as received (Node's `req.url`), not a re-encoded one.
 * Rejects (throws) only if the nonce store fails: answer 503 then, so the upstream retries.
 */
export async function verifySignature(
  headers: IncomingHeaders,
  method: string,
  pathWithQuery: string,
  rawBody: Buffer | string,
  keyRing: KeyRing,
  nowSeconds: number,
  nonceStore: NonceStore,
): Promise<VerifyResult> {
  const read = readSignatureHeaders(headers);
  if (!read.ok) return read;
  const { keyId, timestamp, nonce, signature } = read;

  const key = keyRing.find(keyId);
  if (key === undefined) {
    // The id comes from the caller: bound and sanitise it before it reaches a log line.
    const shown = keyId.slice(0, 64).replace(/[^\x21-\x7e]/g, '?');
    return { ok: false, error: 'unknown_key', detail: `key id "${shown}" is not configured`, keyId: shown };
  }

  const match = SIGNATURE_PATTERN.exec(signature);
  if (match === null) {
    return { ok: false, error: 'malformed_header', detail: 'X-Signature must be hmac-sha256=<64 hex> or hmac-sm3=<64 hex>', keyId };
  }
  if (match[1] !== key.algorithm) {
    return { ok: false, error: 'bad_signature', detail: `key "${keyId}" signs with ${key.algorithm}, not ${match[1]}`, keyId };
  }
  const expected = hmacDigest(key.algorithm, key.secret, canonicalBytes(timestamp, nonce, method, pathWithQuery, rawBody));
  const given = Buffer.from(match[2], 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, error: 'bad_signature', detail: 'signature does not match the request', keyId };
  }

  const skew = Number(timestamp) - nowSeconds;
  if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
    return {
      ok: false,
      error: 'stale_timestamp',
      detail: `timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the hub's clock (limit ${MAX_CLOCK_SKEW_SECONDS} s)`,
      keyId,
    };
  }

  const fresh = await nonceStore.remember(`${keyRing.name}:${keyId}`, nonce, NONCE_TTL_SECONDS);
  if (!fresh) return { ok: false, error: 'replayed_nonce', detail: 'nonce was used in the last 10 minutes', keyId };
  return { ok: true, keyId };
}

type ReadHeaders =
  | { ok: true; keyId: string; timestamp: string; nonce: string; signature: string }
  | { ok: false; error: 'missing_headers' | 'malformed_header'; detail: string };

function readSignatureHeaders(headers: IncomingHeaders): ReadHeaders {
  const lower = new Map<string, string | readonly string[] | undefined>();
  for (const [name, value] of Object.entries(headers)) lower.set(name.toLowerCase(), value);

  const names = [HEADER_KEY_ID, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE];
  const values: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const value = lower.get(name.toLowerCase());
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      missing.push(name);
      continue;
    }
    if (typeof value !== 'string') {
      return { ok: false, error: 'malformed_header', detail: `${name} is sent more than once` };
    }
    values.push(value.trim());
  }
  if (missing.length > 0) return { ok: false, error: 'missing_headers', detail: `missing ${missing.join(', ')}` };

  const [keyId, timestamp, nonce, signature] = values;
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, error: 'malformed_header', detail: 'X-Timestamp must be Unix seconds (digits only)' };
  }
  if (!NONCE_PATTERN.test(nonce)) {
    return { ok: false, error: 'malformed_header', detail: 'X-Nonce must be 16–64 characters of [A-Za-z0-9_-]' };
  }
  return { ok: true, keyId, timestamp, nonce, signature };
}
