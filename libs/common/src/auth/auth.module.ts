import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { HubConfig } from '../config';
import { HubAuthGuard } from './auth.guard';
import { HubAuthService } from './auth.service';

/** Authentication for the gateway's own API; every route needs a token unless @Public(). */
@Module({})
export class HubAuthModule {
  static register(config: HubConfig): DynamicModule {
    return {
      module: HubAuthModule,
      imports: [JwtModule.register({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256', issuer: 'hub' }, verifyOptions: { algorithms: ['HS256'], issuer: 'hub' } })],
      providers: [HubAuthService, { provide: APP_GUARD, useClass: HubAuthGuard }],
      exports: [HubAuthService],
    };
  }
}
