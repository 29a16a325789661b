import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, HubActor, Roles } from '@hub/common';
import { CreateApiKeyDto, RotateApiKeyDto } from './auth.dto';
import { ApiKeysService, type AnyKeyView, type NewKeyAnswer } from './api-keys.service';

/**
 * API keys of units' own systems (docs/contracts.md#unit-systems: units act through the hub's API); administrators
 * only. A key's secret is shown once, in the answer that creates it.
 */
@ApiTags('admin: users and API keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiQuery({ name: 'unitCode', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: ['unit', 'open311'], description: "open311: the Open311 clients' keys (docs/open311.md)" })
  @ApiOperation({ summary: 'Keys (never their secrets), optionally of one unit' })
  list(@Query('unitCode') unitCode: string | undefined, @Query('kind') kind: string | undefined): Promise<AnyKeyView[]> {
    return this.keys.list(kind, unitCode);
  }

  @Post()
  @ApiOperation({ summary: 'A new key for a unit (at most 2 live per unit), or with `{"kind": "open311", "name": …}` for an Open311 client; the answer holds `apiKey` = `<keyId>.<secret>`, shown once' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { unitCode: { type: 'string' }, kind: { type: 'string', enum: ['open311'] }, name: { type: 'string', maxLength: 100 }, expiresInDays: { type: 'integer', minimum: 1, maximum: 730 } },
    },
  })
  create(@CurrentActor() actor: HubActor, @Body() body: CreateApiKeyDto): Promise<NewKeyAnswer> {
    return this.keys.create(actor, body);
  }

  @Post(':keyId/rotate')
  @ApiOperation({ summary: 'A successor key; the old one keeps working for overlapHours (default 168), then expires' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { overlapHours: { type: 'integer', minimum: 0, maximum: 720 }, expiresInDays: { type: 'integer' } } } })
  rotate(@CurrentActor() actor: HubActor, @Param('keyId') keyId: string, @Body() body: RotateApiKeyDto): Promise<NewKeyAnswer> {
    return this.keys.rotate(actor, keyId, body);
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key at once' })
  revoke(@CurrentActor() actor: HubActor, @Param('keyId') keyId: string): Promise<AnyKeyView> {
    return this.keys.revoke(actor, keyId);
  }
}
