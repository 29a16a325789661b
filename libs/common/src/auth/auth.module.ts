import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { HubConfig } from '../config';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { HubAuthGuard } from './auth.guard';
import { HubAuthService } from './auth.service';
import { FailureCounters, RateLimiter } from './rate-limiter';
import { TicketPrivacy } from './ticket-privacy.service';

/**
 * Authentication for the gateway's own API; every route needs a token or a unit API key unless
 * @Public(). Also provides the rate limiter (intake uses it per upstream key) and TicketPrivacy
 * (what a reader may see of a citizen).
 */
@Module({})
export class HubAuthModule {
  static register(config: HubConfig): DynamicModule {
    return {
      module: HubAuthModule,
      // One guard per app: feature modules (the gateway's auth endpoints) use its exports without re-registering it.
      global: true,
      imports: [JwtModule.register({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256', issuer: 'hub' }, verifyOptions: { algorithms: ['HS256'], issuer: 'hub' } })],
      providers: [HubAuthService, ApiKeyAuthenticator, RateLimiter, FailureCounters, TicketPrivacy, { provide: APP_GUARD, useClass: HubAuthGuard }],
      exports: [HubAuthService, ApiKeyAuthenticator, RateLimiter, FailureCounters, TicketPrivacy],
    };
  }
}
