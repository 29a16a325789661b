import { Inject, Injectable, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { HUB_CONFIG } from '../core/tokens';
import type { HubConfig } from '../config';
import type { HubActor } from './actor';

/** Issues the hub's access tokens (short-lived JWTs carrying the role and the unit). */
@Injectable()
export class HubAuthService {
  constructor(
    private readonly jwt: JwtService,
    @Optional() @Inject(HUB_CONFIG) private readonly config?: HubConfig,
  ) {}

  /** Lifetime of a token from POST /auth/login (HUB_ACCESS_TOKEN_TTL_S, 15 minutes by default). */
  get ttlSeconds(): number {
    return this.config?.security.accessTokenTtlS ?? 900;
  }

  issue(actor: HubActor, expiresInSeconds = this.ttlSeconds): Promise<string> {
    return this.jwt.signAsync({ sub: actor.id, role: actor.role, unit: actor.unitCode, name: actor.name }, { expiresIn: expiresInSeconds });
  }
}
