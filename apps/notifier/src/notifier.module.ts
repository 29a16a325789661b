import { DynamicModule, Module } from '@nestjs/common';
import { StoreModule } from '@hub/store';
import { getQueueToken } from '@nestjs/bullmq';
import { CoreModule, HEALTH_QUEUES, HubConfig, HealthController } from '@hub/common';
import { HubQueuesModule } from '@hub/queues/bull.module';
import { QUEUES } from '@hub/queues';
import { OutboxRelayService } from './relay/outbox-relay.service';
import { OutboxRetentionService } from './relay/outbox-retention.service';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryService } from './delivery/delivery.service';
import { UnitEndpoints } from './delivery/unit-endpoints.service';

@Module({})
export class NotifierModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: NotifierModule,
      imports: [CoreModule.forApp({ app: 'notifier', config }), StoreModule.forRoot({ poolSize: 30 }), HubQueuesModule.register(config, [QUEUES.route, QUEUES.deliver])],
      controllers: [HealthController],
      providers: [
        OutboxRelayService,
        OutboxRetentionService,
        UnitEndpoints,
        DeliveryService,
        DeliveryProcessor,
        {
          provide: HEALTH_QUEUES,
          useFactory: (...qs: unknown[]) => qs,
          inject: [getQueueToken(QUEUES.route), getQueueToken(QUEUES.deliver)],
        },
      ],
      exports: [OutboxRelayService],
    };
  }
}
