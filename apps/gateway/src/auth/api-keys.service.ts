import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubActor, HubError, ValidationFailed, isApiKeyId, newApiKey } from '@hub/common';
import {
  auditAuth,
  expireApiKeyBy,
  expireOpen311KeyBy,
  findApiKey,
  findOpen311Key,
  insertApiKey,
  insertOpen311Key,
  listApiKeys,
  listOpen311Keys,
  liveApiKeys,
  lockUnitKeys,
  revokeApiKey,
  revokeOpen311Key,
  type ApiKeyRecord,
  type Open311KeyRecord,
} from '@hub/store';
import { isOpen311KeyId, newOpen311Key } from '../open311/open311-keys.service';
import { UNIT_CODE, type CreateApiKeyDto, type RotateApiKeyDto } from './auth.dto';
import { actorRef, keyExpiry, keyLife, overlapEnd, type KeyLife } from './key-life';
import { refuseUnknownUnit } from './unit-check';

/** Live keys per unit: the one in use and its successor during a rotation. */
export const MAX_LIVE_KEYS_PER_UNIT = 2;

export interface ApiKeyView extends KeyLife {
  keyId: string;
  unitCode: string;
}

export interface NewApiKeyAnswer extends ApiKeyView {
  /** `<keyId>.<secret>`, shown this once: the hub keeps only a hash of the secret */
  apiKey: string;
}

const keyView = (k: ApiKeyRecord): ApiKeyView => ({ keyId: k.keyId, unitCode: k.unitCode, ...keyLife(k) });

export interface Open311KeyView extends KeyLife {
  kind: 'open311';
  keyId: string;
  name: string;
}

const open311View = (k: Open311KeyRecord): Open311KeyView => ({ kind: 'open311', keyId: k.keyId, name: k.name, ...keyLife(k) });

export type AnyKeyView = ApiKeyView | Open311KeyView;
export type NewKeyAnswer = NewApiKeyAnswer | (Open311KeyView & { apiKey: string });

/**
 * API keys, of either kind (docs/security.md): units' own systems (`<keyId>.<secret>`, at most two
 * live per unit) and Open311 clients (`ok_<id>.<secret>`, docs/open311.md "Keys"). One life for
 * both: created by an administrator with its secret shown once, rotated with an overlap, revoked
 * at once, every change audited. The kind is the body's `kind` or the key id's shape.
 */
@Injectable()
export class ApiKeysService {
  constructor(private readonly ds: DataSource) {}

  list(kind: string | undefined, unitCode: string | undefined): Promise<AnyKeyView[]> {
    return kind === 'open311' ? this.listOpen311() : this.listUnit(unitCode);
  }

  create(actor: HubActor, dto: CreateApiKeyDto): Promise<NewKeyAnswer> {
    return dto.kind === 'open311' ? this.createOpen311(actor, dto) : this.createUnit(actor, dto);
  }

  rotate(actor: HubActor, keyId: string, dto: RotateApiKeyDto): Promise<NewKeyAnswer> {
    return isOpen311KeyId(keyId) ? this.rotateOpen311(actor, keyId, dto) : this.rotateUnit(actor, keyId, dto);
  }

  revoke(actor: HubActor, keyId: string): Promise<AnyKeyView> {
    return isOpen311KeyId(keyId) ? this.revokeOpen311(actor, keyId) : this.revokeUnit(actor, keyId);
  }

  private async listUnit(unitCode: string | undefined): Promise<ApiKeyView[]> {
    if (unitCode !== undefined && !UNIT_CODE.test(unitCode)) throw new ValidationFailed([{ path: 'unitCode', message: 'must be a unit code' }]);
    return (await listApiKeys(this.ds, unitCode)).map(keyView);
  }

  private async createUnit(actor: HubActor, dto: CreateApiKeyDto): Promise<NewApiKeyAnswer> {
    await refuseUnknownUnit(this.ds, dto.unitCode);
    return this.ds.transaction(async (tx) => {
      await lockUnitKeys(tx, dto.unitCode);
      const live = await liveApiKeys(tx, dto.unitCode);
      if (live.length >= MAX_LIVE_KEYS_PER_UNIT) {
        throw new HubError(409, 'too_many_keys', `unit ${dto.unitCode} already has ${live.length} live keys: rotate or revoke one`, { liveKeys: live.map((k) => k.keyId) });
      }
      const k = newApiKey();
      const rec = await insertApiKey(tx, { keyId: k.keyId, secretHash: k.secretHash, unitCode: dto.unitCode, createdBy: actorRef(actor), expiresAt: keyExpiry(dto.expiresInDays) });
      await auditAuth(tx, actorRef(actor), 'api_key_created', `api_key:${k.keyId}`, { unitCode: dto.unitCode, expiresAt: rec.expiresAt });
      return { ...keyView(rec), apiKey: k.apiKey };
    });
  }

  /** A successor for the same unit; the old key keeps working for `overlapHours` (default 7 days). */
  private async rotateUnit(actor: HubActor, keyId: string, dto: RotateApiKeyDto): Promise<NewApiKeyAnswer> {
    if (!isApiKeyId(keyId)) throw new HubError(404, 'not_found', 'API key not found');
    const old = await findApiKey(this.ds, keyId);
    if (!old) throw new HubError(404, 'not_found', 'API key not found');
    return this.ds.transaction(async (tx) => {
      await lockUnitKeys(tx, old.unitCode);
      const live = await liveApiKeys(tx, old.unitCode);
      if (!live.some((k) => k.keyId === keyId)) throw new HubError(409, 'key_not_live', `API key ${keyId} is revoked or expired: create a new key instead`);
      if (live.length >= MAX_LIVE_KEYS_PER_UNIT) {
        throw new HubError(409, 'too_many_keys', `unit ${old.unitCode} already has ${live.length} live keys: revoke the other one first`, { liveKeys: live.map((k) => k.keyId) });
      }
      const k = newApiKey();
      const rec = await insertApiKey(tx, {
        keyId: k.keyId,
        secretHash: k.secretHash,
        unitCode: old.unitCode,
        createdBy: actorRef(actor),
        expiresAt: keyExpiry(dto.expiresInDays),
        replaces: keyId,
      });
      const overlapUntil = overlapEnd(dto.overlapHours);
      await expireApiKeyBy(tx, keyId, overlapUntil);
      await auditAuth(tx, actorRef(actor), 'api_key_rotated', `api_key:${keyId}`, { successor: k.keyId, oldKeyUntil: overlapUntil });
      return { ...keyView(rec), apiKey: k.apiKey };
    });
  }

  private async revokeUnit(actor: HubActor, keyId: string): Promise<ApiKeyView> {
    if (!isApiKeyId(keyId)) throw new HubError(404, 'not_found', 'API key not found');
    const rec = await this.ds.transaction(async (tx) => {
      const r = await revokeApiKey(tx, keyId);
      if (r) await auditAuth(tx, actorRef(actor), 'api_key_revoked', `api_key:${keyId}`, { unitCode: r.unitCode });
      return r;
    });
    if (!rec) throw new HubError(404, 'not_found', 'API key not found');
    return keyView(rec);
  }

  private async listOpen311(): Promise<Open311KeyView[]> {
    return (await listOpen311Keys(this.ds)).map(open311View);
  }

  private async createOpen311(actor: HubActor, dto: CreateApiKeyDto): Promise<Open311KeyView & { apiKey: string }> {
    const k = newOpen311Key();
    return this.ds.transaction(async (tx) => {
      const rec = await insertOpen311Key(tx, { keyId: k.keyId, secretHash: k.secretHash, name: dto.name, createdBy: actorRef(actor), expiresAt: keyExpiry(dto.expiresInDays) });
      await auditAuth(tx, actorRef(actor), 'open311_key_created', `open311_key:${k.keyId}`, { name: dto.name, expiresAt: rec.expiresAt });
      return { ...open311View(rec), apiKey: k.apiKey };
    });
  }

  /** A successor with the same name; the old key keeps working for overlapHours (default 168). */
  private async rotateOpen311(actor: HubActor, keyId: string, dto: RotateApiKeyDto): Promise<Open311KeyView & { apiKey: string }> {
    return this.ds.transaction(async (tx) => {
      const old = await findOpen311Key(tx, keyId);
      if (!old) throw new HubError(404, 'not_found', 'API key not found');
      if (old.revokedAt !== null || old.expiresAt.getTime() <= Date.now()) throw new HubError(409, 'key_not_live', `API key ${keyId} is revoked or expired: create a new key instead`);
      const k = newOpen311Key();
      const rec = await insertOpen311Key(tx, { keyId: k.keyId, secretHash: k.secretHash, name: old.name, createdBy: actorRef(actor), expiresAt: keyExpiry(dto.expiresInDays), replaces: keyId });
      const until = overlapEnd(dto.overlapHours);
      await expireOpen311KeyBy(tx, keyId, until);
      await auditAuth(tx, actorRef(actor), 'open311_key_rotated', `open311_key:${keyId}`, { successor: k.keyId, oldKeyUntil: until });
      return { ...open311View(rec), apiKey: k.apiKey };
    });
  }

  private async revokeOpen311(actor: HubActor, keyId: string): Promise<Open311KeyView> {
    const rec = await this.ds.transaction(async (tx) => {
      const r = await revokeOpen311Key(tx, keyId);
      if (r) await auditAuth(tx, actorRef(actor), 'open311_key_revoked', `open311_key:${keyId}`, { name: r.name });
      return r;
    });
    if (!rec) throw new HubError(404, 'not_found', 'API key not found');
    return open311View(rec);
  }
}
