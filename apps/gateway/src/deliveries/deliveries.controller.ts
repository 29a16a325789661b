import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, OFFICE_ROLES, Roles, type HubActor } from '@hub/common';
import { DELIVERY_STATUSES } from '@hub/store';
import { DeliveriesService, type DeliveryDetail, type DeliveryPage, type DeliverySummary } from './deliveries.service';
import { MAX_PAGE, MAX_REASON } from './delivery.errors';
import { DiscardDto, RetryTargetDto } from './deliveries.dto';

const TARGET_DOC = 'hotline, ywtb, national, router, or unit:<unit code>';

/**
 * Dead letters of the outbound delivery (docs/delivery.md): what the 12345 hotline, 一网通办, the
 * national platform or a unit's system refused for good, or what stayed undelivered through the
 * whole retry window.
 */
// authz: office operators (operator, supervisor) through the hub's auth contract; the security
// work owns the role matrix and may narrow it.
@ApiTags('office: deliveries')
@ApiBearerAuth()
@Roles(...OFFICE_ROLES)
@Controller('office/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @ApiOperation({ summary: 'Outbound messages of one status (default failed: the dead letters), oldest first, with attempts, last status and last error' })
  @ApiQuery({ name: 'status', required: false, enum: DELIVERY_STATUSES, description: 'default failed' })
  @ApiQuery({ name: 'target', required: false, description: TARGET_DOC, example: 'hotline' })
  @ApiQuery({ name: 'after', required: false, description: 'id from nextAfter of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_PAGE}, default 100` })
  list(
    @Query('status') status: string | undefined,
    @Query('target') target: string | undefined,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<DeliveryPage> {
    return this.deliveries.list({ status, target, after, limit });
  }

  @Post('retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send every failed message of one target again (after the target fixed what it refused)' })
  @ApiBody({ schema: { type: 'object', required: ['target'], properties: { target: { type: 'string', description: TARGET_DOC, example: 'hotline' } } } })
  retryTarget(@Body() body: RetryTargetDto, @CurrentActor() actor: HubActor): Promise<{ target: string; retried: number }> {
    return this.deliveries.retryTarget(body, `${actor.role}:${actor.id}`);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One message with its delivery log (every attempt: time, outcome, status code, duration, error); citizens\' numbers masked' })
  @ApiParam({ name: 'id', example: '42' })
  get(@Param('id') id: string): Promise<DeliveryDetail> {
    return this.deliveries.get(id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one failed message again, with a fresh retry window; 409 unless it is failed' })
  @ApiParam({ name: 'id', example: '42' })
  retry(@Param('id') id: string, @CurrentActor() actor: HubActor): Promise<DeliverySummary> {
    return this.deliveries.retry(id, `${actor.role}:${actor.id}`);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give up one failed message, with the reason (kept on the message); 409 unless it is failed' })
  @ApiParam({ name: 'id', example: '42' })
  @ApiBody({ schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: MAX_REASON, example: '热线系统已人工补录该状态' } } } })
  discard(@Param('id') id: string, @Body() body: DiscardDto, @CurrentActor() actor: HubActor): Promise<DeliverySummary> {
    return this.deliveries.discard(id, body, `${actor.role}:${actor.id}`);
  }
}
