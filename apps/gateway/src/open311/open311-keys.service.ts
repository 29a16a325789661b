import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, apiSecretMatches, hashApiSecret } from '@hub/common';
import { forbidden } from '@hub/connectors/open311';
import { findOpen311Key } from '@hub/store';

const KEY_ID = /^ok_[A-Za-z0-9_-]{16}$/;
const API_KEY = /^(ok_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export const isOpen311KeyId = (keyId: string): boolean => KEY_ID.test(keyId);


/**
 * Which client an Open311 api_key stands for (docs/open311.md "Keys"): one administrators made
 * (`ok_<id>.<secret>`, managed with the units' keys by ApiKeysService) or one of the fixed set of
 * HUB_OPEN311_KEYS. A key names its client: rate limits and idempotency are per key.
 */
@Injectable()
export class Open311KeysService {
  private readonly fixed: Array<{ hash: Buffer; client: string }>;

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.fixed = config.open311.fixedKeys.map((k) => {
      const hash = createHash('sha256').update(k, 'utf8').digest();
      return { hash, client: `env:${hash.toString('hex').slice(0, 12)}` };
    });
  }

  /** The client an api_key stands for; 403 in the spec's format when absent or not valid. */
  async client(apiKey: string | undefined): Promise<string> {
    if (apiKey === undefined || apiKey === '') throw forbidden('api_key is required');
    const m = API_KEY.exec(apiKey);
    if (m) {
      const key = await findOpen311Key(this.ds, m[1]);
      const matches = apiSecretMatches(m[2], key?.secretHash ?? '0'.repeat(64));
      if (key && matches && key.revokedAt === null && key.expiresAt.getTime() > Date.now()) return key.keyId;
      throw forbidden('api_key is not valid');
    }
    const hash = createHash('sha256').update(apiKey, 'utf8').digest();
    let found: string | undefined;
    // Every fixed key is compared, in constant time, so timing tells nothing about which was close.
    for (const f of this.fixed) if (timingSafeEqual(f.hash, hash)) found ??= f.client;
    if (found) return found;
    throw forbidden('api_key is not valid');
  }

}

/** A new Open311 client key: `ok_<id>.<secret>`; only a SHA-256 of the secret is kept. */
export function newOpen311Key(): { keyId: string; apiKey: string; secretHash: string } {
  const keyId = `ok_${randomBytes(12).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, apiKey: `${keyId}.${secret}`, secretHash: hashApiSecret(secret) };
}
