import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * Field-level encryption of citizens' personal data at rest (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10: a
 * complainant's identity is protected; a database dump or backup must not reveal it).
 *
 * Token format (one string, stored where the clear value would be):
 *
 *     enc:v1:<alg>:<keyId>:<iv>:<ciphertext>:<tag>      (iv, ciphertext, tag: base64url)
 *
 * - `alg` `a256gcm`: AES-256-GCM, 12-byte IV, 16-byte tag.
 * - `alg` `sm4ctr`: SM4-CTR + HMAC-SM3, encrypt-then-MAC (国密). Node's OpenSSL has no SM4-GCM
 *   (`crypto.getCiphers()` lists sm4-cbc/ctr/cfb/ofb/ecb only), so confidentiality is SM4-CTR with
 *   a 16-byte random IV and integrity is an HMAC-SM3 (32-byte tag) over header, context, IV and
 *   ciphertext. Encryption and MAC keys are derived from the 32-byte data key with HKDF-SM3.
 *
 * The header and a caller-given `context` (e.g. `tickets.citizen.phone:<ticket id>`) are
 * authenticated: a token copied into another row or field does not decrypt. The key id says which
 * key to use, so keys rotate without re-encrypting: the first key of the ring encrypts, every key
 * decrypts.
 */
export type DataCipherName = 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';

export const SEALED_PREFIX = 'enc:v1:';
const ALG_CODE: Record<DataCipherName, string> = { 'aes-256-gcm': 'a256gcm', 'sm4-ctr-hmac-sm3': 'sm4ctr' };
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

export class DataKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataKeyError';
  }
}

interface DataKey {
  keyId: string;
  key: Buffer;
}

/** The data keys; printing it shows key ids only, never key material. */
export class DataKeyRing {
  private readonly keys: readonly DataKey[];

  constructor(keys: readonly DataKey[]) {
    if (keys.length === 0) throw new DataKeyError('a data key ring needs at least one key');
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k.keyId)) throw new DataKeyError(`data key id "${k.keyId}" appears twice`);
      seen.add(k.keyId);
    }
    this.keys = keys;
  }

  get current(): DataKey {
    return this.keys[0];
  }

  find(keyId: string): DataKey | undefined {
    return this.keys.find((k) => k.keyId === keyId);
  }

  keyIds(): string[] {
    return this.keys.map((k) => k.keyId);
  }

  toJSON(): { keys: string[] } {
    return { keys: this.keyIds() };
  }

  [inspect.custom](): string {
    return `DataKeyRing(${this.keyIds().join(', ')})`;
  }
}

/**
 * Parses `keyId:base64key,...` (HUB_DATA_KEYS). Errors name the variable and the entry's key id,
 * never the key.
 */
export function parseDataKeys(variable: string, raw: string): DataKeyRing {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new DataKeyError(`${variable}: entry ${i + 1} must be keyId:base64key`);
    const keyId = entry.slice(0, colon);
    const b64 = entry.slice(colon + 1);
    if (!KEY_ID_PATTERN.test(keyId)) throw new DataKeyError(`${variable}: entry ${i + 1}: key id must be 1–32 characters of [A-Za-z0-9_-]`);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw new DataKeyError(`${variable}: key "${keyId}" is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new DataKeyError(`${variable}: key "${keyId}" must be 32 bytes (base64 of 32 random bytes), got ${key.length}`);
    return { keyId, key };
  });
  return new DataKeyRing(keys);
}

const b64url = (b: Buffer): string => b.toString('base64url');

export class DataCipher {
  private readonly sm4Keys = new Map<string, { enc: Buffer; mac: Buffer }>();

  constructor(
    readonly ring: DataKeyRing,
    readonly algorithm: DataCipherName = 'aes-256-gcm',
  ) {}

  /** True for a value produced by `encrypt` (whatever its key or algorithm). */
  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
  }

  /** The key id a token was encrypted with (for re-encryption reports), or undefined. */
  static keyIdOf(token: string): string | undefined {
    return DataCipher.isSealed(token) ? token.split(':')[3] : undefined;
  }

  encrypt(plain: string, context: string): string {
    const { keyId, key } = this.ring.current;
    const alg = ALG_CODE[this.algorithm];
    const header = `${SEALED_PREFIX}${alg}:${keyId}`;
    const aad = Buffer.from(`${header}|${context}`, 'utf8');
    const data = Buffer.from(plain, 'utf8');
    if (this.algorithm === 'aes-256-gcm') {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(data), c.final()]);
      return `${header}:${b64url(iv)}:${b64url(ct)}:${b64url(c.getAuthTag())}`;
    }
    const k = this.sm4(keyId, key);
    const iv = randomBytes(16);
    const c = createCipheriv('sm4-ctr', k.enc, iv);
    const ct = Buffer.concat([c.update(data), c.final()]);
    return `${header}:${b64url(iv)}:${b64url(ct)}:${b64url(this.sm3Tag(k.mac, aad, iv, ct))}`;
  }

  /** Throws DataKeyError when the key is unknown or the token was altered or moved. */
  decrypt(token: string, context: string): string {
    const parts = token.split(':');
    if (parts.length !== 7 || `${parts[0]}:${parts[1]}:` !== SEALED_PREFIX || ![parts[4], parts[5], parts[6]].every((p) => B64URL.test(p))) {
      throw new DataKeyError('not a sealed value');
    }
    const [, , alg, keyId, ivB, ctB, tagB] = parts;
    const dk = this.ring.find(keyId);
    if (!dk) throw new DataKeyError(`data key "${keyId}" is not configured (HUB_DATA_KEYS); keep retired keys until no data uses them`);
    const header = `${SEALED_PREFIX}${alg}:${keyId}`;
    const aad = Buffer.from(`${header}|${context}`, 'utf8');
    const iv = Buffer.from(ivB, 'base64url');
    const ct = Buffer.from(ctB, 'base64url');
    const tag = Buffer.from(tagB, 'base64url');
    try {
      if (alg === ALG_CODE['aes-256-gcm']) {
        if (iv.length !== 12 || tag.length !== 16) throw new DataKeyError('malformed token');
        const d = createDecipheriv('aes-256-gcm', dk.key, iv);
        d.setAAD(aad);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
      }
      if (alg === ALG_CODE['sm4-ctr-hmac-sm3']) {
        const k = this.sm4(keyId, dk.key);
        const expected = this.sm3Tag(k.mac, aad, iv, ct);
        if (iv.length !== 16 || tag.length !== expected.length || !timingSafeEqual(tag, expected)) throw new DataKeyError('integrity check failed');
        const d = createDecipheriv('sm4-ctr', k.enc, iv);
        return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
      }
    } catch (e) {
      if (e instanceof DataKeyError) throw e;
      throw new DataKeyError('integrity check failed');
    }
    throw new DataKeyError(`unknown algorithm "${alg}"`);
  }

  private sm4(keyId: string, master: Buffer): { enc: Buffer; mac: Buffer } {
    let k = this.sm4Keys.get(keyId);
    if (!k) {
      k = {
        enc: Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), 'hub data sm4-ctr encryption', 16)),
        mac: Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), 'hub data hmac-sm3 integrity', 32)),
      };
      this.sm4Keys.set(keyId, k);
    }
    return k;
  }

  private sm3Tag(mac: Buffer, aad: Buffer, iv: Buffer, ct: Buffer): Buffer {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(aad.length);
    return createHmac('sm3', mac).update(len).update(aad).update(iv).update(ct).digest();
  }

  toJSON(): { algorithm: DataCipherName; keys: string[] } {
    return { algorithm: this.algorithm, keys: this.ring.keyIds() };
  }
}
