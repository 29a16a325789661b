import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, HubActor, HubError, OFFICE_ROLES, Roles, ValidationFailed } from '@hub/common';
import { eventsOf } from '@hub/store';
import { DataSource } from 'typeorm';
import { TryRouteDto } from './directory.dto';
import { DirectoryService, parseVersionId } from './directory.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Most tickets one replay reads (docs/performance.md#bounded-work). */
export const REPLAY_MAX = 1000;

/** The directory (机构与事项目录) and the routing it drives, for the hotline office. */
@ApiTags('office: directory and routing')
@ApiBearerAuth()
@Controller('office')
export class DirectoryController {
  constructor(
    private readonly directory: DirectoryService,
    private readonly ds: DataSource,
  ) {}

  @Post('directory/versions')
  @Roles('admin')
  @ApiOperation({ summary: 'Import a directory document (docs/contracts.md#directory); ?activate=true makes it the active version' })
  async import(@Body() body: unknown, @Query('activate') activate: string | undefined, @CurrentActor() actor: HubActor) {
    if (activate !== undefined && activate !== 'true' && activate !== 'false') {
      throw new ValidationFailed([{ path: 'activate', message: 'must be true or false' }]);
    }
    return this.directory.import(body, `${actor.role}:${actor.id}`, activate === 'true');
  }

  @Get('directory/versions')
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'Every imported version, newest first; one is active' })
  list() {
    return this.directory.list();
  }

  @Post('directory/versions/:id/activate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Activate a version; open deadlines are recomputed against its calendar' })
  activate(@Param('id') id: string) {
    return this.directory.activate(parseVersionId(id, 'id')!);
  }

  @Post('routing/try')
  @HttpCode(200)
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'Route a hypothetical ticket against the active (or ?version=) directory; nothing is stored' })
  try(@Body() body: TryRouteDto, @Query('version') version: string | undefined) {
    return this.directory.tryRoute(body, parseVersionId(version, 'version'));
  }

  @Post('routing/replay')
  @HttpCode(200)
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'Replay the last N routed tickets against a candidate version: which would change unit, and why' })
  replay(@Query('version') version: string | undefined, @Query('limit') limit: string | undefined) {
    const v = parseVersionId(version, 'version');
    if (v === undefined) throw new ValidationFailed([{ path: 'version', message: 'is required' }]);
    const n = limit === undefined ? 500 : Number(limit);
    // each replayed ticket is read and decrypted: bounded (docs/performance.md#bounded-work)
    if (!Number.isInteger(n) || n < 1 || n > REPLAY_MAX) throw new ValidationFailed([{ path: 'limit', message: `must be an integer 1..${REPLAY_MAX}` }]);
    return this.directory.replay(v, n);
  }

  @Get('tickets/:id/routing')
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'Why a ticket went where it went: every routing decision with its trace and directory version' })
  async explain(@Param('id') id: string) {
    if (!UUID.test(id)) throw new ValidationFailed([{ path: 'id', message: 'must be a ticket id (uuid)' }]);
    const events = await eventsOf(this.ds, id);
    if (events.length === 0) throw new HubError(404, 'not_found', `ticket ${id} not found`);
    const decisions = events.filter((e) => ['dispatched', 'disputed', 'designated', 'redispatched', 'not_accepted', 'archived', 'returned', 'merged'].includes(e.type));
    return { ticketId: id, decisions: decisions.map((e) => ({ type: e.type, at: e.occurredAt, by: e.actor, ...e.data })) };
  }
}
