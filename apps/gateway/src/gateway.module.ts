import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, HubAuthModule, HubConfig, HealthController } from '@hub/common';
import { StoreModule } from '@hub/store';
import { WorkflowModule } from '@hub/workflow';
import { GatewayAuthModule } from './auth/gateway-auth.module';
import { CalendarModule } from './calendar/calendar.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { DirectoryModule } from './directory/directory.module';
import { IntakeModule } from './intake/intake.module';
import { OfficeModule } from './office/office.module';
import { Open311Module } from './open311/open311.module';
import { ReportsModule } from './reports/reports.module';
import { WorkOrdersModule } from './work-orders/work-orders.module';

/**
 * The gateway: the shared modules (configuration, store, workflow, auth) and one feature module per
 * part of the API, each owning its controllers and services.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.forApp({ app: 'gateway', config }),
        // the office's lists and the reports may read DATABASE_REPLICA_URL (docs/reliability.md#postgresql-read-replica)
        StoreModule.forRoot({ poolSize: 40, replica: true }),
        WorkflowModule.forRoot(),
        HubAuthModule.register(config),
        IntakeModule,
        WorkOrdersModule,
        OfficeModule,
        DirectoryModule,
        CalendarModule,
        GatewayAuthModule,
        DeliveriesModule,
        Open311Module,
        ReportsModule,
      ],
      controllers: [HealthController],
    };
  }
}
