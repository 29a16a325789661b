import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, HubAuthModule, HubConfig, NOW, systemNow, HealthController } from '@hub/common';
import { HotlineController } from './intake/hotline.controller';
import { YwtbController } from './intake/ywtb.controller';
import { IntakeService } from './intake/intake.service';
import { UpstreamAuthService } from './intake/upstream-auth.service';
import { NationalPollerService } from './intake/national-poller.service';
import { CalendarController } from './calendar/calendar.controller';
import { DirectoryController } from './directory/directory.controller';
import { DirectoryService } from './directory/directory.service';
import { OfficeSettingsController } from './directory/office-settings.controller';
import { CalendarService } from './calendar/calendar.service';
import { DeliveriesController } from './office/deliveries.controller';
import { DeliveriesService } from './office/deliveries.service';

@Module({})
export class GatewayModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [CoreModule.forApp({ app: 'gateway', config, poolSize: 40 }), HubAuthModule.register(config)],
      controllers: [HealthController, HotlineController, YwtbController, CalendarController, DirectoryController, OfficeSettingsController, DeliveriesController],
      providers: [IntakeService, UpstreamAuthService, NationalPollerService, { provide: NOW, useValue: systemNow }, CalendarService, DirectoryService, DeliveriesService],
    };
  }
}
