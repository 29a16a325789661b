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
  verifyPassword,
} from '@hub/common';
import {
  activeAdminCount,
  auditAuth,
  findUser,
  findUserByUsername,
  insertUser,
  listUsers,
  lockAdmins,
  updateUser,
  type UserRecord,
} from '@hub/store';
import { type ChangeOwnPasswordDto, type CreateUserDto, type LoginDto, type UpdateUserDto } from './auth.dto';
import { actorRef } from './key-life';
import { refuseUnknownUnit } from './unit-check';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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


/**
 * Users (docs/security.md): login, one's own password, and the administrators' management of
 * users (API keys: ApiKeysService). Passwords never leave this service; every change is written to
 * `auth_audit`.
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
    if (dto.unitCode) await refuseUnknownUnit(this.ds, dto.unitCode);
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
}
