import { Injectable } from '@nestjs/common';
import { HubError } from '../errors/hub-error';
import type { HubActor } from './actor';
import { apiSecretMatches, parseApiKey } from './api-key.util';
import { CredentialStore } from './credential-store';

/** A string of the right shape, compared when the key id is unknown so timing reveals nothing. */
const NO_SUCH_KEY = '0'.repeat(64);

/**
 * Units' own systems call the hub's API with `X-Api-Key: <keyId>.<secret>` (docs/contracts.md#unit-systems:
 * units act through the hub's own API). A key acts for its unit with the role `unit_system`.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(private readonly credentials: CredentialStore) {}

  async authenticate(header: string): Promise<HubActor> {
    const parsed = parseApiKey(header);
    if (!parsed) throw unauthenticated('X-Api-Key must be <keyId>.<secret>');
    const key = await this.credentials.findApiKey(parsed.keyId);
    const matches = apiSecretMatches(parsed.secret, key?.secretHash ?? NO_SUCH_KEY);
    if (!key || !matches) throw unauthenticated('API key unknown or wrong');
    if (key.revokedAt !== null) throw unauthenticated('API key revoked');
    if (key.expiresAt.getTime() <= Date.now()) throw unauthenticated('API key expired');
    return { id: key.keyId, role: 'unit_system', unitCode: key.unitCode, name: `api-key:${key.keyId}` };
  }
}

const unauthenticated = (message: string): HubError => new HubError(401, 'unauthenticated', message, {}, { 'WWW-Authenticate': 'Bearer, ApiKey' });
