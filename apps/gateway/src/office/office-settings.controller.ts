import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, HubActor, OFFICE_ROLES, Roles } from '@hub/common';
import { OfficeSettingsService } from './office-settings.service';

/** The office's own rules for intake and merging; the router reads them on every ticket. */
@ApiTags('office: settings')
@ApiBearerAuth()
@Controller('office/settings')
export class OfficeSettingsController {
  constructor(private readonly settings: OfficeSettingsService) {}

  @Get(':name')
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'The current intake or merge settings (defaults where never set)' })
  get(@Param('name') name: string) {
    return this.settings.get(name);
  }

  @Put(':name')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Replace the intake settings (flagged matters: litigation, arbitration …; archive rule) or the merge settings' })
  put(@Param('name') name: string, @Body() body: unknown, @CurrentActor() actor: HubActor) {
    return this.settings.put(name, body, actor);
  }
}
