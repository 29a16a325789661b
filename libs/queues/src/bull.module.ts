import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { HubConfig } from '@hub/common/config';
import { bullConnection } from './bull-connection';
import { QueueName } from './index';

const BULL_CLIENT = Symbol('BULL_CLIENT');

/** A Cluster client given to BullMQ is shared, and BullMQ leaves shared clients open: closed here. */
class BullClientCloser implements OnApplicationShutdown {
  constructor(@Inject(BULL_CLIENT) private readonly client: { quit(): Promise<unknown> } | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
  }
}

/**
 * BullMQ for one app: the shared connection and prefix, and the queues it uses. Jobs are kept a
 * while after failing (for the operator), removed when done (the outbox row is the record).
 */
@Module({})
export class HubQueuesModule {
  static register(config: HubConfig, queues: QueueName[]): DynamicModule {
    const connection = bullConnection(config);
    const client = 'quit' in connection && typeof connection.quit === 'function' ? (connection as { quit(): Promise<unknown> }) : null;
    return {
      module: HubQueuesModule,
      imports: [
        BullModule.forRoot({
          connection,
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
      providers: [{ provide: BULL_CLIENT, useValue: client }, BullClientCloser],
      exports: [BullModule],
    };
  }
}
