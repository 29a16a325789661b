import { Module } from '@nestjs/common';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { CredentialsService } from './credentials.service';
import { UsersController } from './users.controller';

/** Login, and the administrators' users and API keys (the guard itself is HubAuthModule's). */
@Module({
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [CredentialsService, ApiKeysService, AdminBootstrapService],
})
export class GatewayAuthModule {}
