import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, HEALTH_QUEUES, HubConfig, NOW, systemNow, HealthController } from '@hub/common';
import { HubQueuesModule } from '@hub/queues/bull.module';
import { QUEUES } from '@hub/queues';
import { getQueueToken } from '@nestjs/bullmq';
import { RouteProcessor } from './routing/route.processor';
import { RoutingService } from './routing/routing.service';
import { WorkOrderService } from '@hub/workflow';
import { ClockService, CLOCK_SETTINGS, loadClockSettings } from '@hub/workflow/clock';
import { ClockTimersService } from './clock/clock-timers.service';
import { ClockTimersProcessor } from './clock/clock-timers.processor';
import { ReportService, ReportSnapshotService } from '@hub/workflow/reports';
import { ReportSnapshotsProcessor } from './reports/report-snapshots.processor';

@Module({})
export class RouterModule {
  static forRoot(config: HubConfig): DynamicModule {
    // Read at boot so a bad HUB_CLOCK_* value stops the router with a message naming it.
    const clockSettings = loadClockSettings();
    return {
      module: RouterModule,
      imports: [CoreModule.forApp({ app: 'router', config }), HubQueuesModule.register(config, [QUEUES.route, QUEUES.clock, QUEUES.reports])],
      controllers: [HealthController],
      providers: [
        RoutingService,
        WorkOrderService,
        RouteProcessor,
        { provide: NOW, useValue: systemNow },
        { provide: CLOCK_SETTINGS, useValue: clockSettings },
        ClockService,
        ClockTimersService,
        ClockTimersProcessor,
        ReportService,
        ReportSnapshotService,
        ReportSnapshotsProcessor,
        { provide: HEALTH_QUEUES, useFactory: (...qs: unknown[]) => qs, inject: [getQueueToken(QUEUES.route), getQueueToken(QUEUES.clock)] },
      ],
      exports: [ClockService],
    };
  }
}
