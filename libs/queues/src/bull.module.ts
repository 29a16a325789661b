import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { HubConfig } from '@hub/common/config';
import { bullConnection } from './bull-connection';
import { QueueName } from './index';

/**
 * BullMQ for one app: the shared connection and prefix, and the queues it uses. Jobs are kept a
 * while after failing (for the operator), removed when done (the outbox row is the record).
 */
@Module({})
export class HubQueuesModule {
  static register(config: HubConfig, queues: QueueName[]): DynamicModule {
    return {
      module: HubQueuesModule,
      imports: [
        BullModule.forRoot({
          connection: bullConnection(config.redisUrl),
          prefix: config.queuePrefix,
          defaultJobOptions: {
            attempts: 3,
            backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
            removeOnComplete: true,
            removeOnFail: true,
          },
        }),
        ...queues.map((name) => BullModule.registerQueue({ name })),
      ],
      exports: [BullModule],
    };
  }
}
