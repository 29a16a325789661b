import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { YwtbEvaluationDto, YwtbSuggestionDto, becomesTicket, isBadReview, mapYwtbEvaluation, mapYwtbSuggestion } from '@hub/connectors/ywtb';
import { Public } from '@hub/common';
import { IntakeService } from './intake.service';
import { UpstreamAuthService } from './upstream-auth.service';

/** 一网通办 platform → hub (docs/contracts.md#ywtb-evaluations). */
@ApiTags('intake: 一网通办')
// Upstream systems authenticate by signature (docs/contracts.md#signed-requests), not with user tokens.
@Public()
@Controller('connectors/ywtb')
export class YwtbController {
  constructor(
    private readonly intake: IntakeService,
    private readonly auth: UpstreamAuthService,
  ) {}

  @Post('evaluations')
  @HttpCode(201)
  @ApiOperation({ summary: '好差评: ratings 1–2 (差评) become tickets (201); 3–5 are recorded (202), and with a comment (意见建议类评价) also become a suggestion ticket whose id the 202 names' })
  async evaluation(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<Record<string, unknown>> {
    await this.auth.authenticate('ywtb', req);
    const dto = this.intake.validate(YwtbEvaluationDto, body);
    const a = !becomesTicket(dto)
      ? await this.intake.record(dto, dto, body)
      : isBadReview(dto.rating)
        ? await this.intake.receive(mapYwtbEvaluation(dto), dto, body, 'ywtb')
        : await this.intake.receiveEvaluationSuggestion(mapYwtbEvaluation(dto), dto, body);
    void reply.status(a.status);
    return a.body;
  }

  @Post('suggestions')
  @HttpCode(201)
  @ApiOperation({ summary: 'A suggestion from the portal or the 随申办 app' })
  async suggestion(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<Record<string, unknown>> {
    await this.auth.authenticate('ywtb', req);
    const dto = this.intake.validate(YwtbSuggestionDto, body);
    const a = await this.intake.receive(mapYwtbSuggestion(dto), dto, body, 'ywtb');
    void reply.status(a.status);
    return a.body;
  }
}
