import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { HubError } from '../errors/hub-error';
import { HUB_ROLES, HubActor, HubRole, PUBLIC_KEY, ROLES_KEY } from './actor';

interface TokenClaims {
  sub: string;
  role: HubRole;
  unit?: string;
  name: string;
}

/**
 * Authenticates every call to the hub's own API (Bearer JWT) and checks the handler's roles.
 * Routes marked @Public() (signed upstream intake, health, docs) pass through.
 */
@Injectable()
export class HubAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: HubActor }>();
    const header = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!m) throw new HubError(401, 'unauthenticated', 'Authorization: Bearer <token> required', {}, { 'WWW-Authenticate': 'Bearer' });
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(m[1]);
    } catch {
      throw new HubError(401, 'unauthenticated', 'token invalid or expired', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (!HUB_ROLES.includes(claims.role)) throw new HubError(401, 'unauthenticated', 'token carries no known role');
    req.actor = { id: claims.sub, role: claims.role, unitCode: claims.unit, name: claims.name };
    const roles = this.reflector.getAllAndOverride<HubRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(claims.role)) {
      throw new HubError(403, 'forbidden', `this action is for ${roles.join(', ')}; you are ${claims.role}`);
    }
    return true;
  }
}
