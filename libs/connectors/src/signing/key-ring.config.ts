/**
 * Shared secrets of one outside system, from `HUB_<SYSTEM>_KEYS` = `keyId:secret:algorithm,...`
 * (docs/contracts.md#connection-settings). The first key signs the hub's outgoing requests; every key is accepted on incoming
 * ones, which is how a system rotates keys without downtime (docs/contracts.md#signed-requests).
 */
import { inspect } from 'node:util';

export const SIGNING_ALGORITHMS = ['hmac-sha256', 'hmac-sm3'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface SigningKey {
  keyId: string;
  secret: string;
  algorithm: SigningAlgorithm;
}

/** Key ids travel in the X-Key-Id header and in Redis keys: keep them to a safe token alphabet. */
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * An ordered set of keys. Printing it (logs, console, JSON) shows key ids and algorithms only:
 * a secret must never reach a log line.
 */
export class KeyRing {
  private readonly keys: readonly SigningKey[];

  /**
   * @param name scopes nonces in the nonce store (two systems may both use key id "k1"); parseKeyRing
   *   uses the environment variable's name.
   */
  constructor(
    keys: readonly SigningKey[],
    readonly name: string = 'default',
  ) {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k.keyId)) throw new Error(`KeyRing ${name}: key id "${k.keyId}" appears twice`);
      seen.add(k.keyId);
    }
    this.keys = keys.map((k) => Object.freeze({ ...k }));
  }

  get size(): number {
    return this.keys.length;
  }

  /** The key that signs outgoing requests: the first one (docs/contracts.md#connection-settings). */
  get signingKey(): SigningKey | undefined {
    return this.keys[0];
  }

  find(keyId: string): SigningKey | undefined {
    return this.keys.find((k) => k.keyId === keyId);
  }

  keyIds(): string[] {
    return this.keys.map((k) => k.keyId);
  }

  toJSON(): { name: string; keys: { keyId: string; algorithm: SigningAlgorithm }[] } {
    return { name: this.name, keys: this.keys.map((k) => ({ keyId: k.keyId, algorithm: k.algorithm })) };
  }

  toString(): string {
    return `KeyRing(${this.name}: ${this.keys.map((k) => `${k.keyId}/${k.algorithm}`).join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Parses `keyId:secret:algorithm,...`. Unset or blank gives an empty ring (that system's inbound
 * endpoints then answer 401 unknown_key, docs/contracts.md#connection-settings). Any malformed entry throws an Error whose message names
 * the variable and the entry (position and key id), never the secret, so the boot fails with a
 * message an operator can act on.
 *
 * The secret is everything between the first and the last colon, so a secret may itself contain
 * colons; it may not contain commas or surrounding whitespace (entries and fields are trimmed).
 */
export function parseKeyRing(varName: string, value: string | undefined): KeyRing {
  if (value === undefined || value.trim() === '') return new KeyRing([], varName);
  const entries = value.split(',');
  const keys: SigningKey[] = [];
  entries.forEach((raw, index) => {
    const entry = raw.trim();
    const where = `${varName}: entry ${index + 1} of ${entries.length}`;
    if (entry === '') throw new Error(`${where} is empty (stray comma?); expected keyId:secret:algorithm`);
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first < 0 || first === last) {
      throw new Error(`${where} ("${redact(entry)}") must have the form keyId:secret:algorithm`);
    }
    const keyId = entry.slice(0, first).trim();
    const secret = entry.slice(first + 1, last).trim();
    const algorithm = entry.slice(last + 1).trim();
    const shown = `"${keyId}:***:${algorithm}"`;
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new Error(`${where} (${shown}) has an invalid key id; use 1–64 characters of A-Z a-z 0-9 . _ -`);
    }
    if (secret === '') throw new Error(`${where} (${shown}) has an empty secret`);
    if (!isAlgorithm(algorithm)) {
      throw new Error(
        `${where} (${shown}) has unknown algorithm "${algorithm}"; expected ${SIGNING_ALGORITHMS.join(' or ')}`,
      );
    }
    if (keys.some((k) => k.keyId === keyId)) {
      throw new Error(`${where} (${shown}) repeats key id "${keyId}"`);
    }
    keys.push({ keyId, secret, algorithm });
  });
  return new KeyRing(keys, varName);
}

function isAlgorithm(value: string): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** For an entry too broken to split: keep the key id part only; without any colon it may be a bare secret. */
function redact(entry: string): string {
  const colon = entry.indexOf(':');
  return colon < 0 ? '*** (no colon)' : `${entry.slice(0, colon)}:***`;
}
