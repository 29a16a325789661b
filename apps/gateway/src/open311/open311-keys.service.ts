import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubActor, HubConfig, HubError, apiSecretMatches, hashApiSecret } from '@hub/common';
import { auditAuth } from '@hub/store';
import { forbidden } from '@hub/connectors/open311';
import { expireOpen311KeyBy, findOpen311Key, insertOpen311Key, listOpen311Keys, revokeOpen311Key, type Open311KeyRecord } from '@hub/store';
import type { CreateApiKeyDto, RotateApiKeyDto } from '../auth/auth.dto';
import { actorRef, keyExpiry, keyLife, overlapEnd, type KeyLife } from '../auth/key-life';

const KEY_ID = /^ok_[A-Za-z0-9_-]{16}$/;
const API_KEY = /^(ok_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export const isOpen311KeyId = (keyId: string): boolean => KEY_ID.test(keyId);

export interface Open311KeyView extends KeyLife {
  kind: 'open311';
  keyId: string;
  name: string;
}

const view = (k: Open311KeyRecord): Open311KeyView => ({ kind: 'open311', keyId: k.keyId, name: k.name, ...keyLife(k) });

/**
 * Open311 clients' api_keys (docs/open311.md "Keys"): the ones administrators create, rotate and
 * revoke (`ok_<id>.<secret>`, only a SHA-256 of the secret is kept, as for units' keys), and the
 * fixed set of HUB_OPEN311_KEYS. A key names its client: rate limits and idempotency are per key.
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

  async list(): Promise<Open311KeyView[]> {
    return (await listOpen311Keys(this.ds)).map(view);
  }

  async create(actor: HubActor, dto: CreateApiKeyDto): Promise<Open311KeyView & { apiKey: string }> {
    const k = newKey();
    return this.ds.transaction(async (tx) => {
      const rec = await insertOpen311Key(tx, { keyId: k.keyId, secretHash: k.secretHash, name: dto.name, createdBy: actorRef(actor), expiresAt: keyExpiry(dto.expiresInDays) });
      await auditAuth(tx, actorRef(actor), 'open311_key_created', `open311_key:${k.keyId}`, { name: dto.name, expiresAt: rec.expiresAt });
      return { ...view(rec), apiKey: k.apiKey };
    });
  }

  /** A successor with the same name; the old key keeps working for overlapHours (default 168). */
  async rotate(actor: HubActor, keyId: string, dto: RotateApiKeyDto): Promise<Open311KeyView & { apiKey: string }> {
    return this.ds.transaction(async (tx) => {
      const old = await findOpen311Key(tx, keyId);
      if (!old) throw new HubError(404, 'not_found', 'API key not found');
      if (old.revokedAt !== null || old.expiresAt.getTime() <= Date.now()) throw new HubError(409, 'key_not_live', `API key ${keyId} is revoked or expired: create a new key instead`);
      const k = newKey();
      const rec = await insertOpen311Key(tx, { keyId: k.keyId, secretHash: k.secretHash, name: old.name, createdBy: actorRef(actor), expiresAt: keyExpiry(dto.expiresInDays), replaces: keyId });
      const until = overlapEnd(dto.overlapHours);
      await expireOpen311KeyBy(tx, keyId, until);
      await auditAuth(tx, actorRef(actor), 'open311_key_rotated', `open311_key:${keyId}`, { successor: k.keyId, oldKeyUntil: until });
      return { ...view(rec), apiKey: k.apiKey };
    });
  }

  async revoke(actor: HubActor, keyId: string): Promise<Open311KeyView> {
    const rec = await this.ds.transaction(async (tx) => {
      const r = await revokeOpen311Key(tx, keyId);
      if (r) await auditAuth(tx, actorRef(actor), 'open311_key_revoked', `open311_key:${keyId}`, { name: r.name });
      return r;
    });
    if (!rec) throw new HubError(404, 'not_found', 'API key not found');
    return view(rec);
  }
}

function newKey(): { keyId: string; apiKey: string; secretHash: string } {
  const keyId = `ok_${randomBytes(12).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, apiKey: `${keyId}.${secret}`, secretHash: hashApiSecret(secret) };
}
