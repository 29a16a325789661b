import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, HubConfig } from '@hub/common';
import { HotlineController } from './intake/hotline.controller';
import { YwtbController } from './intake/ywtb.controller';
import { IntakeService } from './intake/intake.service';
import { UpstreamAuthService } from './intake/upstream-auth.service';
import { NationalPollerService } from './intake/national-poller.service';

@Module({})
export class GatewayModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [CoreModule.forApp({ app: 'gateway', config, poolSize: 40 })],
      controllers: [HotlineController, YwtbController],
      providers: [IntakeService, UpstreamAuthService, NationalPollerService],
    };
  }
}
