import { Module } from '@nestjs/common';
import { HotlineController } from './hotline.controller';
import { IntakeService } from './intake.service';
import { NationalPollerService } from './national-poller.service';
import { UpstreamAuthService } from './upstream-auth.service';
import { YwtbController } from './ywtb.controller';

/** Tickets in from the upstream systems: the hotline's and 一网通办's signed endpoints and the national poller (docs/contracts.md). */
@Module({
  controllers: [HotlineController, YwtbController],
  providers: [IntakeService, UpstreamAuthService, NationalPollerService],
  // the Open311 door stores its requests through the same intake
  exports: [IntakeService],
})
export class IntakeModule {}
