import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { HUB_CONFIG } from '../core/tokens';
import type { HubConfig } from '../config';
import { HubError } from '../errors/hub-error';
import { HUB_ROLES, HubActor, HubRole, PUBLIC_KEY, ROLES_KEY } from './actor';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { API_KEY_HEADER } from './api-key.util';
import { FailureCounters, RateLimiter } from './rate-limiter';
import { addressKey } from './login-guard';

interface TokenClaims {
  sub: string;
  role: HubRole;
  unit?: string;
  name: string;
}

type GuardedRequest = { headers: Record<string, string | string[] | undefined>; actor?: HubActor; ip?: string };

/**
 * Authenticates every call to the hub's own API and checks the handler's roles:
 * - people: `Authorization: Bearer <JWT>` from POST /auth/login (short-lived; HS256 signed with
 *   HUB_JWT_SECRET, earlier secrets in HUB_JWT_PREVIOUS_SECRETS still verify during a rotation);
 * - units' own systems: `X-Api-Key: <keyId>.<secret>` (role unit_system, acts for its unit).
 * Each authenticated caller has its own request budget (429 rate_limited with Retry-After).
 * Routes marked @Public() (signed upstream intake, login, health, docs) pass through.
 */
@Injectable()
export class HubAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly limiter: RateLimiter,
    private readonly failures: FailureCounters,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<GuardedRequest>();
    const apiKey = one(req.headers[API_KEY_HEADER]);
    const actor = apiKey !== undefined ? await this.apiKey(apiKey, req.ip ?? '') : await this.bearer(one(req.headers.authorization) ?? '');
    req.actor = actor;
    await this.limiter.hit('apiPerMin', `${actor.role === 'unit_system' ? 'key' : 'user'}:${actor.id}`);
    const roles = this.reflector.getAllAndOverride<HubRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new HubError(403, 'forbidden', `this action is for ${roles.join(', ')}; you are ${actor.role}`);
    }
    return true;
  }

  /**
   * Guessing unit API keys: after HUB_RATE_LIMIT_API_KEY_FAILURES_PER_MIN failed attempts from an
   * address (IPv6 /64), each a minute or less after the last, its X-Api-Key attempts answer 429
   * until a minute passes without one; a correct key from elsewhere is not affected.
   */
  private async apiKey(apiKey: string, ip: string): Promise<HubActor> {
    const rl = this.config.security.rateLimit;
    const subject = `api-key:${addressKey(ip)}`;
    const limited = rl.enabled && rl.apiKeyFailuresPerMin > 0;
    if (limited && (await this.failures.failures(subject)) >= rl.apiKeyFailuresPerMin) {
      throw new HubError(429, 'rate_limited', 'too many failed API key attempts; retry after 60 s', { retryAfter: 60 }, { 'Retry-After': '60' });
    }
    try {
      return await this.apiKeys.authenticate(apiKey);
    } catch (e) {
      if (limited && e instanceof HubError && e.status === 401) await this.failures.recordFailure(subject, 60_000);
      throw e;
    }
  }

  private async bearer(header: string): Promise<HubActor> {
    const m = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(header);
    if (!m) throw new HubError(401, 'unauthenticated', 'Authorization: Bearer <token> or X-Api-Key: <keyId>.<secret> required', {}, { 'WWW-Authenticate': 'Bearer' });
    const claims = await this.verify(m[1]);
    if (!claims || typeof claims.sub !== 'string' || typeof claims.name !== 'string') {
      throw new HubError(401, 'unauthenticated', 'token invalid or expired', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (!HUB_ROLES.includes(claims.role)) throw new HubError(401, 'unauthenticated', 'token carries no known role');
    if ((claims.role === 'unit_staff' || claims.role === 'unit_system') && typeof claims.unit !== 'string') {
      throw new HubError(401, 'unauthenticated', 'a unit token must name its unit');
    }
    return { id: claims.sub, role: claims.role, unitCode: claims.unit, name: claims.name };
  }

  /** The current secret first, then the previous ones (rotation without logging everyone out). */
  private async verify(token: string): Promise<TokenClaims | undefined> {
    for (const secret of [undefined, ...this.config.security.jwtPreviousSecrets]) {
      try {
        return await this.jwt.verifyAsync<TokenClaims>(token, secret === undefined ? {} : { secret });
      } catch {
        // next secret
      }
    }
    return undefined;
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
