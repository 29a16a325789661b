import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, UNIT_ROLES, type HubActor } from '@hub/common';
import type { RawListQuery } from './work-order-list.query';
import type { WorkOrderPage } from './work-order-views.service';
import { AppealDto, CoInputDto, ContactDto, ExtensionRequestDto, ObjectionDto, ReplyDto } from './work-orders.dto';
import { WorkOrdersService, type ActionAnswer } from './work-orders.service';

const REFUSALS = [
  { status: 400, description: 'validation_failed / invalid_input: `fields[].path` names what is wrong' },
  { status: 403, description: 'forbidden: the caller handles the order in another role (e.g. a co-handler replying)' },
  { status: 404, description: 'not_found: no such work order, or one this unit does not handle (nothing is revealed)' },
  { status: 409, description: 'not_allowed: not in the current state; the body has `state` and the `allowed` actions' },
];

function refusals(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const r of REFUSALS) ApiResponse(r)(target, key, descriptor);
  };
}

/**
 * The handling units' API (承办单位, docs/domain.md#work-order-life; 沪府办〔2020〕49号 Art. 4–7). A unit sees
 * and acts on the work orders it handles as lead (主办) or co-handler (协办) only; every action is
 * recorded and reported to the ticket's source (docs/contracts.md#status-event-types) and the units' systems (docs/contracts.md#unit-systems).
 */
@ApiTags('units: work orders')
@ApiBearerAuth()
@Roles(...UNIT_ROLES)
@Controller('work-orders')
export class WorkOrdersController {
  constructor(private readonly service: WorkOrdersService) {}

  @Get()
  @ApiOperation({ summary: "My work orders (lead and co-handled), newest first; keyset-paged with a total" })
  @ApiQuery({ name: 'state', required: false, description: 'one or more states, comma-separated (dispatched,signed,…)' })
  @ApiQuery({ name: 'dueSoon', required: false, enum: ['true', 'false'], description: 'a deadline is in its warning window (预警)' })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'], description: 'a deadline has passed (督办)' })
  @ApiQuery({ name: 'source', required: false, enum: ['hotline', 'ywtb', 'national', 'open311'] })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  list(@CurrentActor() actor: HubActor, @Query() query: RawListQuery): Promise<WorkOrderPage> {
    return this.service.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One work order: the ticket as this unit may see it, its history, clocks, records and the actions allowed now' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @refusals()
  get(@CurrentActor() actor: HubActor, @Param('id') id: string): Promise<Record<string, unknown>> {
    return this.service.get(actor, id);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: '签收: the lead unit confirms it received the order' })
  @refusals()
  sign(@CurrentActor() actor: HubActor, @Param('id') id: string): Promise<ActionAnswer> {
    return this.service.sign(actor, id);
  }

  @Post(':id/contact')
  @HttpCode(200)
  @ApiOperation({ summary: '先行联系: the unit reached the citizen; meets the contact deadline (the "1" of 1/5/15, 沪府办〔2020〕49号 Art. 5)' })
  @ApiBody({ type: ContactDto, required: false })
  @refusals()
  contact(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ContactDto): Promise<ActionAnswer> {
    return this.service.contact(actor, id, body);
  }

  @Post(':id/reply')
  @HttpCode(200)
  @ApiOperation({ summary: '办结: the conclusion report and answer points (谁承办，谁答复); national transfers also approvedBy and the sealed document' })
  @ApiBody({ type: ReplyDto })
  @refusals()
  reply(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ReplyDto): Promise<ActionAnswer> {
    return this.service.reply(actor, id, body);
  }

  @Post(':id/objection')
  @HttpCode(200)
  @ApiOperation({ summary: '退单: "not ours", with the legal basis and a suggested unit; only within the objection window and never for a designated unit (沪府办〔2020〕49号 Art. 7)' })
  @ApiBody({ type: ObjectionDto })
  @refusals()
  object(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ObjectionDto): Promise<ActionAnswer> {
    return this.service.object(actor, id, body);
  }

  @Post(':id/extension-requests')
  @HttpCode(201)
  @ApiOperation({ summary: '申请延期: a later resolve date for an especially hard matter (沪府办〔2020〕49号 Art. 5); 422 when the date is past the cap or not a working day' })
  @ApiBody({ type: ExtensionRequestDto })
  @ApiResponse({ status: 422, description: 'extension_not_a_working_day / extension_not_later / extension_beyond_cap / extension_not_extendable' })
  @refusals()
  requestExtension(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: ExtensionRequestDto): Promise<ActionAnswer> {
    return this.service.requestExtension(actor, id, body);
  }

  @Post(':id/appeal')
  @HttpCode(200)
  @ApiOperation({ summary: '申诉: a 差评 is untrue, mistaken or malicious — with the evidence (沪府办〔2020〕49号 Art. 6)' })
  @ApiBody({ type: AppealDto })
  @refusals()
  appeal(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: AppealDto): Promise<ActionAnswer> {
    return this.service.appeal(actor, id, body);
  }

  @Post(':id/co-input')
  @HttpCode(200)
  @ApiOperation({ summary: '协办意见: a co-handler’s input for the lead unit, which answers for everyone (Shenzhen Draft ch. 4)' })
  @ApiBody({ type: CoInputDto })
  @refusals()
  coInput(@CurrentActor() actor: HubActor, @Param('id') id: string, @Body() body: CoInputDto): Promise<ActionAnswer> {
    return this.service.coInput(actor, id, body);
  }
}
