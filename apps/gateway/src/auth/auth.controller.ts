import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, HubActor, Public, Roles } from '@hub/common';
import { ChangeOwnPasswordDto, LoginDto } from './auth.dto';
import { CredentialsService, type LoginAnswer } from './credentials.service';

/** Signing in to the hub's own API (docs/security.md). */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Username and password → a short-lived access token (Bearer JWT, HUB_ACCESS_TOKEN_TTL_S, 15 min by default)' })
  @ApiBody({ schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string', format: 'password' } } } })
  login(@Body() body: LoginDto, @Req() req: FastifyRequest): Promise<LoginAnswer> {
    return this.credentials.login(body, req.ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token or API key says you are' })
  me(@CurrentActor() actor: HubActor): HubActor {
    return actor;
  }

  @Post('password')
  @HttpCode(200)
  // People only: an API key has no password (it is rotated instead).
  @Roles('unit_staff', 'operator', 'supervisor', 'admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password (current password required)' })
  @ApiBody({ schema: { type: 'object', required: ['currentPassword', 'newPassword'], properties: { currentPassword: { type: 'string' }, newPassword: { type: 'string', minLength: 12 } } } })
  password(@CurrentActor() actor: HubActor, @Body() body: ChangeOwnPasswordDto): Promise<{ changed: true }> {
    return this.credentials.changeOwnPassword(actor, body);
  }
}
