import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OFFICE_ROLES, Roles, ValidationFailed } from '@hub/common';
import { DirectoryService, type UnitSummary } from './directory.service';

/**
 * The active directory's units for everyone who picks one: a unit suggesting where its objection
 * should go (退单), the office designating (指定). Names and codes only, no endpoints or keys.
 */
@ApiTags('directory')
@ApiBearerAuth()
@Roles('unit_staff', 'admin', ...OFFICE_ROLES)
@Controller('directory')
export class DirectoryUnitsController {
  constructor(private readonly directory: DirectoryService) {}

  @Get('units')
  @ApiOperation({ summary: 'Units of the active directory whose name or code contains q, in directory order' })
  @ApiQuery({ name: 'q', required: false, description: 'part of the name or code; empty: all' })
  @ApiQuery({ name: 'limit', required: false, description: '1..200, default 30' })
  units(@Query('q') q: unknown, @Query('limit') limit: unknown): Promise<{ items: UnitSummary[] }> {
    return this.directory.searchUnits(...parseUnitsQuery(q, limit));
  }
}

export function parseUnitsQuery(q: unknown, limit: unknown): [string, number] {
  const fields = [];
  if (q !== undefined && (typeof q !== 'string' || q.length > 64)) fields.push({ path: 'q', message: 'must be given once, at most 64 characters' });
  const n = limit === undefined || limit === '' ? 30 : typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 200) fields.push({ path: 'limit', message: 'must be an integer 1..200' });
  if (fields.length > 0) throw new ValidationFailed(fields);
  return [typeof q === 'string' ? q : '', n];
}
