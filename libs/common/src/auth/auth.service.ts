import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { HubActor } from './actor';

/** Issues the hub's access tokens (short-lived JWTs carrying the role and the unit). */
@Injectable()
export class HubAuthService {
  constructor(private readonly jwt: JwtService) {}

  issue(actor: HubActor, expiresInSeconds = 3600): Promise<string> {
    return this.jwt.signAsync({ sub: actor.id, role: actor.role, unit: actor.unitCode, name: actor.name }, { expiresIn: expiresInSeconds });
  }
}
