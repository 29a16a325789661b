import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, HubActor, Roles } from '@hub/common';
import { CredentialsService, type ApiKeyView, type NewApiKeyAnswer } from './credentials.service';

/**
 * API keys of units' own systems (contracts §6: units act through the hub's API); administrators
 * only. A key's secret is shown once, in the answer that creates it.
 */
@ApiTags('admin: users and API keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @ApiQuery({ name: 'unitCode', required: false })
  @ApiOperation({ summary: 'Keys (never their secrets), optionally of one unit' })
  list(@Query('unitCode') unitCode: string | undefined): Promise<ApiKeyView[]> {
    return this.credentials.keys(unitCode);
  }

  @Post()
  @ApiOperation({ summary: 'A new key for a unit (at most 2 live per unit); the answer holds `apiKey` = `<keyId>.<secret>`, shown once' })
  @ApiBody({ schema: { type: 'object', required: ['unitCode'], properties: { unitCode: { type: 'string' }, expiresInDays: { type: 'integer', minimum: 1, maximum: 730 } } } })
  create(@CurrentActor() actor: HubActor, @Body() body: unknown): Promise<NewApiKeyAnswer> {
    return this.credentials.createKey(actor, body);
  }

  @Post(':keyId/rotate')
  @ApiOperation({ summary: 'A successor key; the old one keeps working for overlapHours (default 168), then expires' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { overlapHours: { type: 'integer', minimum: 0, maximum: 720 }, expiresInDays: { type: 'integer' } } } })
  rotate(@CurrentActor() actor: HubActor, @Param('keyId') keyId: string, @Body() body: unknown): Promise<NewApiKeyAnswer> {
    return this.credentials.rotateKey(actor, keyId, body);
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key at once' })
  revoke(@CurrentActor() actor: HubActor, @Param('keyId') keyId: string): Promise<ApiKeyView> {
    return this.credentials.revokeKey(actor, keyId);
  }
}
