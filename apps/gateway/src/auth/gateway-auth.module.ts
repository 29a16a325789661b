import { Module } from '@nestjs/common';
import { Open311Module } from '../open311/open311.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { CredentialsService } from './credentials.service';
import { UsersController } from './users.controller';

/** Login, and the administrators' users and API keys (the guard itself is HubAuthModule's). */
@Module({
  // Open311 clients' keys are managed beside the units' (POST /auth/api-keys with kind open311).
  imports: [Open311Module],
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [CredentialsService, AdminBootstrapService],
})
export class GatewayAuthModule {}
