import { DynamicModule, Module } from '@nestjs/common';
import { StoreModule } from '@hub/store';
import { CoreModule, HubAuthModule, HubConfig, HealthController } from '@hub/common';
import { HotlineController } from './intake/hotline.controller';
import { YwtbController } from './intake/ywtb.controller';
import { IntakeService } from './intake/intake.service';
import { UpstreamAuthService } from './intake/upstream-auth.service';
import { NationalPollerService } from './intake/national-poller.service';
import { CalendarController } from './calendar/calendar.controller';
import { DirectoryController } from './directory/directory.controller';
import { DirectoryUnitsController } from './directory/directory-units.controller';
import { DirectoryService } from './directory/directory.service';
import { OfficeSettingsController } from './office/office-settings.controller';
import { OfficeSettingsService } from './office/office-settings.service';
import { CalendarService } from './calendar/calendar.service';
import { DeliveriesController } from './office/deliveries.controller';
import { DeliveriesService } from './office/deliveries.service';
import { GatewayAuthModule } from './auth/gateway-auth.module';
import { WorkflowModule } from '@hub/workflow';
import { WorkOrdersController } from './work-orders/work-orders.controller';
import { WorkOrdersService } from './work-orders/work-orders.service';
import { WorkOrderViews } from './work-orders/work-order-views.service';
import { OfficeWorkOrdersController } from './office/office-work-orders.controller';
import { OfficeWorkOrdersService } from './office/office-work-orders.service';
import { Open311Module } from './open311/open311.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class GatewayModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [CoreModule.forApp({ app: 'gateway', config }), StoreModule.forRoot({ poolSize: 40 }), WorkflowModule.forRoot(), HubAuthModule.register(config), GatewayAuthModule, Open311Module, ReportsModule],
      controllers: [HealthController, HotlineController, YwtbController, CalendarController, DirectoryController, DirectoryUnitsController, OfficeSettingsController, DeliveriesController, WorkOrdersController, OfficeWorkOrdersController],
      providers: [OfficeSettingsService, IntakeService, UpstreamAuthService, NationalPollerService, CalendarService, DirectoryService, DeliveriesService,
        WorkOrderViews,
        WorkOrdersService,
        OfficeWorkOrdersService,
      ],
    };
  }
}
