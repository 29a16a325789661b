import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  HubActor,
  HubAuthService,
  FailureCounters,
  HashGate,
  HubError,
  RateLimiter,
  addressKey,
  loginDelayMs,
  ValidationFailed,
  burnPasswordCheck,
  hashPassword,
  isApiKeyId,
  newApiKey,
  verifyPassword,
} from '@hub/common';
import {
  activeAdminCount,
  auditAuth,
  expireApiKeyBy,
  findApiKey,
  findUser,
  findUserByUsername,
  insertApiKey,
  insertUser,
  listApiKeys,
  listUsers,
  liveApiKeys,
  lockAdmins,
  lockUnitKeys,
  revokeApiKey,
  unitInActiveDirectory,
  updateUser,
  type ApiKeyRecord,
  type UserRecord,
} from '@hub/store';
import { UNIT_CODE, type ChangeOwnPasswordDto, type CreateApiKeyDto, type CreateUserDto, type LoginDto, type RotateApiKeyDto, type UpdateUserDto } from './auth.dto';
import { actorRef, keyExpiry, keyLife, overlapEnd, type KeyLife } from './key-life';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Live keys per unit: the one in use and its successor during a rotation. */
export const MAX_LIVE_KEYS_PER_UNIT = 2;

export interface LoginAnswer {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  role: string;
  unitCode?: string;
}

export interface UserView {
  id: string;
  username: string;
  role: string;
  unitCode: string | null;
  active: boolean;
  createdAt: string;
  createdBy: string;
  passwordChangedAt: string;
}

export interface ApiKeyView extends KeyLife {
  keyId: string;
  unitCode: string;
}

export interface NewApiKeyAnswer extends ApiKeyView {
  /** `<keyId>.<secret>`, shown this once: the hub keeps only a hash of the secret */
  apiKey: string;
}

const userView = (u: UserRecord): UserView => ({
  id: u.id,
  username: u.username,
  role: u.role,
  unitCode: u.unitCode,
  active: u.active,
  createdAt: u.createdAt.toISOString(),
  createdBy: u.createdBy,
  passwordChangedAt: u.passwordChangedAt.toISOString(),
});

const keyView = (k: ApiKeyRecord): ApiKeyView => ({ keyId: k.keyId, unitCode: k.unitCode, ...keyLife(k) });

/**
 * Users and units' API keys (docs/security.md): login, and the administrators' management of both.
 * Passwords and secrets never leave this service except a new key's secret, once, to the admin who
 * created it; every change is written to `auth_audit`.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);
  /** password hashes computed at once by this gateway (503 beyond) */
  private readonly hashes = new HashGate();

  constructor(
    private readonly ds: DataSource,
    private readonly tokens: HubAuthService,
    private readonly limiter: RateLimiter,
    private readonly failures: FailureCounters,
  ) {}

  /**
   * Password spraying and guessing (docs/security.md "Login"): per address (IPv6 /64) before
   * anything is looked up or hashed; per username and address; a username's recent failures slow
   * its next attempts (never lock the real user out); at most a few hashes at once.
   */
  async login(dto: LoginDto, clientIp: string): Promise<LoginAnswer> {
    const address = addressKey(clientIp);
    await this.limiter.hit('loginAddressPerMin', `ip:${address}`);
    const name = dto.username.toLowerCase();
    await this.limiter.hit('loginPerMin', `ip:${address}|user:${name}`);
    const delay = loginDelayMs(await this.failures.failures(`login:${name}`));
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const user = await findUserByUsername(this.ds, dto.username);
    const ok = await this.hashes.run(() => (user && user.active ? verifyPassword(dto.password, user.passwordHash) : burnPasswordCheck(dto.password)), address);
    if (!user || !ok) {
      await this.failures.recordFailure(`login:${name}`);
      this.logger.warn({ username: name.slice(0, 64), ip: clientIp }, 'login refused');
      // One answer for unknown user, wrong password and disabled account: nothing to enumerate.
      throw new HubError(401, 'invalid_credentials', 'username or password is wrong, or the account is disabled');
    }
    await this.failures.clearFailures(`login:${name}`);
    await auditAuth(this.ds, `user:${user.id}`, 'login', `user:${user.id}`, { ip: clientIp });
    const accessToken = await this.tokens.issue({ id: user.id, role: user.role, unitCode: user.unitCode ?? undefined, name: user.username });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds, role: user.role, ...(user.unitCode ? { unitCode: user.unitCode } : {}) };
  }

  async changeOwnPassword(actor: HubActor, dto: ChangeOwnPasswordDto): Promise<{ changed: true }> {
    if (actor.role === 'unit_system') throw new HubError(403, 'forbidden', 'API keys have no password; rotate the key instead');
    await this.limiter.hit('loginPerMin', `user-id:${actor.id}`);
    const user = UUID.test(actor.id) ? await findUser(this.ds, actor.id) : undefined;
    const full = user ? await findUserByUsername(this.ds, user.username) : undefined;
    if (!full || !full.active || !(await this.hashes.run(() => verifyPassword(dto.currentPassword, full.passwordHash)))) {
      throw new HubError(401, 'invalid_credentials', 'current password is wrong');
    }
    await updateUser(this.ds, full.id, { passwordHash: await hashPassword(dto.newPassword) });
    await auditAuth(this.ds, actorRef(actor), 'password_changed', `user:${full.id}`);
    return { changed: true };
  }

  async users(): Promise<UserView[]> {
    return (await listUsers(this.ds)).map(userView);
  }

  async createUser(actor: HubActor, dto: CreateUserDto): Promise<UserView> {
    if (dto.role === 'unit_staff' && !dto.unitCode) throw new ValidationFailed([{ path: 'unitCode', message: 'unit staff act for one unit: unitCode is required' }]);
    if (dto.role !== 'unit_staff' && dto.unitCode) throw new ValidationFailed([{ path: 'unitCode', message: `a ${dto.role} acts for no unit: leave unitCode out` }]);
    if (dto.unitCode) await this.knownUnit(dto.unitCode);
    const passwordHash = await hashPassword(dto.password);
    const u = await this.ds.transaction(async (tx) => {
      const created = await insertUser(tx, { username: dto.username, passwordHash, role: dto.role, unitCode: dto.unitCode ?? null, createdBy: actorRef(actor) });
      if (created) await auditAuth(tx, actorRef(actor), 'user_created', `user:${created.id}`, { username: created.username, role: created.role, unitCode: created.unitCode });
      return created;
    });
    if (!u) throw new HubError(409, 'conflict', `username ${dto.username} is taken`);
    return userView(u);
  }

  async updateUser(actor: HubActor, id: string, dto: UpdateUserDto): Promise<UserView> {
    if (!UUID.test(id)) throw new HubError(404, 'not_found', 'user not found');
    if (dto.active === undefined && dto.password === undefined) throw new ValidationFailed([{ path: '', message: 'give active and/or password' }]);
    const passwordHash = dto.password === undefined ? undefined : await hashPassword(dto.password);
    const u = await this.ds.transaction(async (tx) => {
      const before = await findUser(tx, id);
      if (!before) return undefined;
      if (before.role === 'admin' && before.active && dto.active === false) {
        await lockAdmins(tx);
        if ((await activeAdminCount(tx)) <= 1) throw new HubError(409, 'last_admin', 'the last active administrator cannot be disabled');
      }
      const after = await updateUser(tx, id, { active: dto.active, passwordHash });
      await auditAuth(tx, actorRef(actor), 'user_updated', `user:${id}`, { active: dto.active, passwordChanged: passwordHash !== undefined });
      return after;
    });
    if (!u) throw new HubError(404, 'not_found', 'user not found');
    return userView(u);
  }

  async keys(unitCode: string | undefined): Promise<ApiKeyView[]> {
    if (unitCode !== undefined && !UNIT_CODE.test(unitCode)) throw new ValidationFailed([{ path: 'unitCode', message: 'must be a unit code' }]);
    return (await listApiKeys(this.ds, unitCode)).map(keyView);
  }

  async createKey(actor: HubActor, dto: CreateApiKeyDto): Promise<NewApiKeyAnswer> {
    await this.knownUnit(dto.unitCode);
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
  async rotateKey(actor: HubActor, keyId: string, dto: RotateApiKeyDto): Promise<NewApiKeyAnswer> {
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

  /** A credential for a unit the active directory does not know would act for nobody (a typo): refused. */
  private async knownUnit(unitCode: string): Promise<void> {
    const r = await unitInActiveDirectory(this.ds, unitCode);
    if (r.hasDirectory && !r.known) throw new ValidationFailed([{ path: 'unitCode', message: `no unit ${unitCode} in the active directory` }]);
  }

  async revokeKey(actor: HubActor, keyId: string): Promise<ApiKeyView> {
    if (!isApiKeyId(keyId)) throw new HubError(404, 'not_found', 'API key not found');
    const rec = await this.ds.transaction(async (tx) => {
      const r = await revokeApiKey(tx, keyId);
      if (r) await auditAuth(tx, actorRef(actor), 'api_key_revoked', `api_key:${keyId}`, { unitCode: r.unitCode });
      return r;
    });
    if (!rec) throw new HubError(404, 'not_found', 'API key not found');
    return keyView(rec);
  }
}
