import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HotlineOrderDto, HotlineOrderEventDto, mapHotlineOrder } from '@hub/connectors/hotline';
import { HubError, Public } from '@hub/common';
import { IntakeService } from './intake.service';
import { UpstreamAuthService } from './upstream-auth.service';

/** 12345 hotline system → hub (docs/contracts.md#hotline-orders). */
@ApiTags('intake: 12345 hotline')
// Upstream systems authenticate by signature (docs/contracts.md#signed-requests), not with user tokens.
@Public()
@Controller('connectors/hotline')
export class HotlineController {
  constructor(
    private readonly intake: IntakeService,
    private readonly auth: UpstreamAuthService,
  ) {}

  @Post('orders')
  @HttpCode(201)
  @ApiOperation({ summary: 'A work order from the hotline (signed, docs/contracts.md#hotline-orders)' })
  async order(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<Record<string, unknown>> {
    await this.auth.authenticate('hotline', req);
    const dto = this.intake.validate(HotlineOrderDto, body);
    const a = await this.intake.receive(mapHotlineOrder(dto), dto, body, 'hotline');
    void reply.status(a.status);
    return a.body;
  }

  @Post('orders/:orderNo/events')
  @HttpCode(201)
  @ApiOperation({ summary: 'Later news from the citizen: supplement 补充, urge 催办, withdraw 撤诉' })
  async event(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('orderNo') orderNo: string,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    await this.auth.authenticate('hotline', req);
    if (!orderNo || orderNo.length > 64) {
      throw new HubError(400, 'validation_failed', 'orderNo: must be 1–64 characters', { fields: [{ path: 'orderNo', message: 'must be 1–64 characters' }] });
    }
    const dto = this.intake.validate(HotlineOrderEventDto, body);
    const a = await this.intake.orderEvent(orderNo, dto);
    void reply.status(a.status);
    return a.body;
  }
}
