import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, HEALTH_QUEUES, HubConfig } from '@hub/common';
import { HubQueuesModule } from '@hub/queues/bull.module';
import { QUEUES } from '@hub/queues';
import { getQueueToken } from '@nestjs/bullmq';
import { RouteProcessor } from './routing/route.processor';
import { RoutingService } from './routing/routing.service';

@Module({})
export class RouterModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: RouterModule,
      imports: [CoreModule.forApp({ app: 'router', config }), HubQueuesModule.register(config, [QUEUES.route])],
      providers: [
        RoutingService,
        RouteProcessor,
        { provide: HEALTH_QUEUES, useFactory: (...qs: unknown[]) => qs, inject: [getQueueToken(QUEUES.route)] },
      ],
    };
  }
}
