import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, OFFICE_ROLES, Roles, type HubActor } from '@hub/common';
import type { RawListQuery } from '../work-orders/work-order-list.query';
import type { WorkOrderPage } from '../work-orders/work-order-views.service';
import type { ActionAnswer } from '../work-orders/work-orders.service';
import {
  AppealReviewDto,
  CallbackDto,
  DesignateDto,
  ExtensionReviewDto,
  MergeDto,
  ObjectionReviewDto,
  ReasonDto,
  ReturnDto,
  UnitsDto,
} from './office-work-orders.dto';
import { OfficeWorkOrdersService } from './office-work-orders.service';
import type { OfficeTodoCounts } from '@hub/store';

const REFUSALS = [
  { status: 400, description: 'validation_failed / invalid_input: `fields[].path` names what is wrong (e.g. an unknown unit)' },
  { status: 404, description: 'not_found: no such ticket or record' },
  { status: 409, description: 'not_allowed: not in the current state; the body has `state` and the `allowed` actions' },
];

function refusals(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const r of REFUSALS) ApiResponse(r)(target, key, descriptor);
  };
}

/**
 * The hotline office's work-order API (热线管理办公室, docs/domain.md#work-order-life; 沪府办〔2020〕49号 Art.
 * 4–7): the dispute queue, designation, reviews of objections, extensions and appeals, the 100%
 * callback, reopening, termination, supervision, lead and co-handlers, merging.
 */
@ApiTags('office: work orders')
@ApiBearerAuth()
@Roles(...OFFICE_ROLES)
@Controller('office')
export class OfficeWorkOrdersController {
  constructor(private readonly service: OfficeWorkOrdersService) {}

  @Get('disputes')
  @ApiOperation({ summary: 'Tickets waiting for the office: disputed (no unit fits) and objections to review or settle by designation (沪府办〔2020〕49号 Art. 4(二), 7)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 100' })
  disputes(@Query('limit') limit: string | undefined): Promise<{ items: Array<Record<string, unknown>> }> {
    return this.service.disputes(limit);
  }

  @Get('todo')
  @ApiOperation({ summary: 'What waits for the office, counted per to-do tab: disputes, objections, extensions, appeals, callbacks, warned, overdue, dead letters' })
  todo(): Promise<OfficeTodoCounts> {
    return this.service.todo();
  }

  @Get('tickets')
  @ApiOperation({ summary: 'Every work order, newest first; filters as the units’ list plus unit and flagged (bounced between units)' })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'unit', required: false, description: 'handled (lead or co) by this unit' })
  @ApiQuery({ name: 'flagged', required: false, enum: ['true', 'false'], description: 'bounced between units more often than the office allows' })
  @ApiQuery({ name: 'dueSoon', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'source', required: false, enum: ['hotline', 'ywtb', 'national', 'open311'] })
  @ApiQuery({ name: 'q', required: false, description: "the source's order number or the hub's ticket id, exactly" })
  @ApiQuery({ name: 'phone', required: false, description: "the citizen's phone, exactly (searched through its keyed hash)" })
  @ApiQuery({ name: 'district', required: false, description: '6-digit district code the ticket’s region lies in' })
  @ApiQuery({ name: 'category', required: false, description: 'category code' })
  @ApiQuery({ name: 'from', required: false, description: 'received on or after this day (YYYY-MM-DD, Asia/Shanghai)' })
  @ApiQuery({ name: 'to', required: false, description: 'received on or before this day (YYYY-MM-DD, Asia/Shanghai)' })
  @ApiQuery({ name: 'extension', required: false, enum: ['pending'], description: 'an extension request waits for review' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  list(@Query() query: RawListQuery): Promise<WorkOrderPage> {
    return this.service.list(query);
  }

  @Get('tickets/:id')
  @ApiOperation({ summary: 'One ticket in full: citizen, history, clocks, records, flags and the office’s allowed actions' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @refusals()
  get(@CurrentActor() actor: HubActor, @Param('id') id: string): Promise<Record<string, unknown>> {
    return this.service.get(actor, id);
  }

  @Post('tickets/:id/designate')
  @HttpCode(200)
  @ApiOperation({ summary: '指定: name the handling unit (指定谁、谁办理); it can no longer object. Settles a second objection (沪府办〔2020〕49号 Art. 7(二))' })
  @ApiBody({ type: DesignateDto })
  @refusals()
  designate(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: DesignateDto): Promise<ActionAnswer> {
    return this.service.designate(actor, id, body);
  }

  @Post('objections/:id/review')
  @HttpCode(200)
  @ApiOperation({ summary: '退单审核: accepted → redispatch to the suggested unit; refused → back to the unit. A second objection is settled by designation instead' })
  @ApiBody({ type: ObjectionReviewDto })
  @refusals()
  reviewObjection(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ObjectionReviewDto): Promise<ActionAnswer> {
    return this.service.reviewObjection(actor, id, body);
  }

  @Post('extension-requests/:id/review')
  @HttpCode(200)
  @ApiOperation({ summary: '延期审批: approved moves the resolve deadline (the source hears `extended` with the new due); refused keeps it' })
  @ApiBody({ type: ExtensionReviewDto })
  @refusals()
  reviewExtension(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ExtensionReviewDto): Promise<ActionAnswer> {
    return this.service.reviewExtension(actor, id, body);
  }

  @Post('appeals/:id/review')
  @HttpCode(200)
  @ApiOperation({ summary: '申诉复核: upheld → closed as 不属实 (`unfounded`), not counted against the unit (沪府办〔2020〕49号 Art. 6(二)); refused → the unit handles it' })
  @ApiBody({ type: AppealReviewDto })
  @refusals()
  reviewAppeal(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: AppealReviewDto): Promise<ActionAnswer> {
    return this.service.reviewAppeal(actor, id, body);
  }

  @Post('tickets/:id/callback')
  @HttpCode(200)
  @ApiOperation({ summary: '回访: satisfaction with result, speed and attitude (1–5). Satisfied → closed (national: the result goes out); unsatisfied → reopened; unreachable (联系不上) → closed after the office\'s number of calls (anonymous: at once)' })
  @ApiBody({ type: CallbackDto })
  @refusals()
  callback(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: CallbackDto): Promise<ActionAnswer> {
    return this.service.callback(actor, id, body);
  }

  @Post('tickets/:id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: '重办: back to the unit with a fresh resolve deadline' })
  @ApiBody({ type: ReasonDto })
  @refusals()
  reopen(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ReasonDto): Promise<ActionAnswer> {
    return this.service.reopen(actor, id, body);
  }

  @Post('tickets/:id/return')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '退回国办 (沪府办〔2020〕49号 Art. 4(一)): a national transfer out of the city’s powers or incomplete goes back (the national `return`, docs/contracts.md#national-messages) while its 5-working-day return clock runs, also after dispatch; 409 once the window closed or the platform has the result',
  })
  @ApiBody({ type: ReturnDto })
  @refusals()
  returnNational(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ReturnDto): Promise<ActionAnswer> {
    return this.service.returnNational(actor, id, body);
  }

  @Post('tickets/:id/terminate')
  @HttpCode(200)
  @ApiOperation({ summary: '存电/终结: a clear answer given several times and the citizen still unsatisfied (沪府办〔2020〕49号 Art. 4(三)); needs the configured number of unsatisfied callbacks' })
  @ApiBody({ type: ReasonDto })
  @refusals()
  terminate(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ReasonDto): Promise<ActionAnswer> {
    return this.service.terminate(actor, id, body);
  }

  @Post('tickets/:id/supervise')
  @HttpCode(200)
  @ApiOperation({ summary: '督办 by hand (沪府办〔2020〕49号 Art. 4(五)): the source hears `supervised`, the unit’s system a `supervised` work order' })
  @ApiBody({ type: ReasonDto })
  @refusals()
  supervise(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ReasonDto): Promise<ActionAnswer> {
    return this.service.supervise(actor, id, body);
  }

  @Post('tickets/:id/units')
  @HttpCode(200)
  @ApiOperation({ summary: '主办/协办: set the lead unit and co-handlers of a multi-unit matter (Yunnan Measures Art. 15)' })
  @ApiBody({ type: UnitsDto })
  @refusals()
  units(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: UnitsDto): Promise<ActionAnswer> {
    return this.service.units(actor, id, body);
  }

  @Post('tickets/:id/merge')
  @HttpCode(200)
  @ApiOperation({ summary: '合并: this ticket is the same matter as `into` (Yunnan Measures Art. 13); its source hears `merged`, then every event of `into`' })
  @ApiBody({ type: MergeDto })
  @refusals()
  merge(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: MergeDto): Promise<ActionAnswer> {
    return this.service.merge(actor, id, body);
  }

  @Post('tickets/:id/unmerge')
  @HttpCode(200)
  @ApiOperation({ summary: '取消合并: the ticket is its own matter again and waits in the dispute queue for the office to designate its unit' })
  @ApiBody({ type: ReasonDto })
  @refusals()
  unmerge(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ReasonDto): Promise<ActionAnswer> {
    return this.service.unmerge(actor, id, body);
  }
}
