import { DynamicModule, Module } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { CoreModule, HEALTH_QUEUES, HubConfig, HealthController } from '@hub/common';
import { StoreModule } from '@hub/store';
import { HubQueuesModule } from '@hub/queues/bull.module';
import { QUEUES } from '@hub/queues';
import { WorkflowModule } from '@hub/workflow';
import { RouteProcessor } from './routing/route.processor';
import { RoutingService } from './routing/routing.service';
import { ClockTimersService } from './clock/clock-timers.service';
import { ClockTimersProcessor } from './clock/clock-timers.processor';
import { ReportService, ReportSnapshotService } from '@hub/workflow/reports';
import { ReportSnapshotsProcessor } from './reports/report-snapshots.processor';

@Module({})
export class RouterModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: RouterModule,
      imports: [CoreModule.forApp({ app: 'router', config }), StoreModule.forRoot(), WorkflowModule.forRoot(), HubQueuesModule.register(config, [QUEUES.route, QUEUES.clock, QUEUES.reports])],
      controllers: [HealthController],
      providers: [
        RoutingService,
        RouteProcessor,
        ClockTimersService,
        ClockTimersProcessor,
        ReportService,
        ReportSnapshotService,
        ReportSnapshotsProcessor,
        { provide: HEALTH_QUEUES, useFactory: (...qs: unknown[]) => qs, inject: [getQueueToken(QUEUES.route), getQueueToken(QUEUES.clock)] },
      ],
    };
  }
}
