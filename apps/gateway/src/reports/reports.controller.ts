import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, OFFICE_ROLES, Roles, UNIT_ROLES, type HubActor } from '@hub/common';
import type { RawReportQuery } from './reports.query';
import { ReportsGatewayService } from './reports-gateway.service';

const PERIOD_QUERIES = (): MethodDecorator => (t, k, d) => {
  ApiQuery({ name: 'period', required: false, description: '2026-11, 2026Q3, 2026H1, 2026, A2026 (assessment year 1 Nov–31 Oct); or from/to' })(t, k, d);
  ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD, Asia/Shanghai, included' })(t, k, d);
  ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD, included' })(t, k, d);
  ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 instant: the figures as known then (default now)' })(t, k, d);
};

/** The office's reports (docs/contracts.md#report-api, docs/reports.md). */
@ApiTags('office: reports')
@ApiBearerAuth()
@Roles('admin', ...OFFICE_ROLES)
@Controller('office/reports')
export class OfficeReportsController {
  constructor(private readonly service: ReportsGatewayService) {}

  @Get('summary')
  @ApiOperation({ summary: 'The figures of a period (docs/contracts.md#report-api), grouped; format=xlsx for a workbook' })
  @PERIOD_QUERIES()
  @ApiQuery({ name: 'groupBy', required: false, enum: ['none', 'unit', 'district', 'source', 'category'] })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx'] })
  summary(@Query() q: RawReportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.service.summary(q, reply);
  }

  @Get('tickets')
  @ApiOperation({ summary: 'The tickets behind one number (figure=resolve.late …), keyset-paged; groupBy+key for one group' })
  @PERIOD_QUERIES()
  tickets(@Query() q: RawReportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.service.tickets(q, reply);
  }

  @Get('rankings')
  @ApiOperation({ summary: '排名: units by score or by one of the three rates' })
  @PERIOD_QUERIES()
  @ApiQuery({ name: 'by', required: false, enum: ['score', 'contactRate', 'resolutionRate', 'satisfactionRate'] })
  rankings(@Query() q: RawReportQuery) {
    return this.service.rankings(q);
  }

  @Get('notices')
  @ApiOperation({ summary: '通报: units with overdue supervised tickets, refused appeals, repeated bounces — with the tickets' })
  @PERIOD_QUERIES()
  notices(@Query() q: RawReportQuery) {
    return this.service.notices(q);
  }

  @Get('trend')
  @ApiOperation({ summary: 'The three rates and the score month by month over the period' })
  @PERIOD_QUERIES()
  trend(@Query() q: RawReportQuery) {
    return this.service.trend(q);
  }

  @Get('snapshots')
  @ApiOperation({ summary: 'Stored scheduled reports (quarter, half, year, assessment year)' })
  snapshots() {
    return this.service.snapshots();
  }

  @Get('snapshots/:id')
  @ApiOperation({ summary: 'One stored report, as stored: JSON (default) or format=xlsx' })
  snapshot(@Param('id') id: string, @Query('format') format: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.service.snapshot(id, format, reply);
  }
}

/** The assessment weights (docs/contracts.md#report-api), versioned: each report says which version it used. */
@ApiTags('office: settings')
@ApiBearerAuth()
@Controller('office/settings/assessment')
export class AssessmentSettingsController {
  constructor(private readonly service: ReportsGatewayService) {}

  @Get()
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'The assessment weights in force (version 0: the defaults)' })
  get() {
    return this.service.assessment();
  }

  @Put()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'New assessment weights {basicallySatisfied, contact, resolution, satisfaction}: a new version from now' })
  put(@Body() body: unknown, @CurrentActor() actor: HubActor) {
    return this.service.setAssessment(body, actor);
  }
}

/** A unit's own figures (docs/contracts.md#report-api): the same parameters, no groupBy; only its own tickets. */
@ApiTags('units: reports')
@ApiBearerAuth()
@Roles(...UNIT_ROLES)
@Controller('work-orders/reports')
export class UnitReportsController {
  constructor(private readonly service: ReportsGatewayService) {}

  @Get('summary')
  @ApiOperation({ summary: "This unit's figures of a period; format=xlsx for a workbook" })
  @PERIOD_QUERIES()
  summary(@Query() q: RawReportQuery, @Res() reply: FastifyReply, @CurrentActor() actor: HubActor): Promise<void> {
    return this.service.summary(q, reply, actor);
  }

  @Get('tickets')
  @ApiOperation({ summary: "The unit's own tickets behind one of its numbers" })
  @PERIOD_QUERIES()
  tickets(@Query() q: RawReportQuery, @Res() reply: FastifyReply, @CurrentActor() actor: HubActor): Promise<void> {
    return this.service.tickets(q, reply, actor);
  }

  @Get('trend')
  @ApiOperation({ summary: "The unit's three rates month by month" })
  @PERIOD_QUERIES()
  trend(@Query() q: RawReportQuery, @CurrentActor() actor: HubActor) {
    return this.service.trend(q, actor);
  }
}
