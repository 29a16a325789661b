import { BeforeApplicationShutdown, DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { BullModule, WorkerHost } from '@nestjs/bullmq';
import type { HubConfig } from '@hub/common/config';
import { INSTALLATION_ID } from '@hub/common/core/tokens';
import { bullConnection } from './bull-connection';
import { QueueName, installationPrefix } from './index';

const BULL_CLIENT = Symbol('BULL_CLIENT');

/**
 * A Cluster client given to BullMQ is shared, and BullMQ leaves shared clients open: closed here,
 * after the app's workers. Nest shuts the shallowest modules first, so this module's
 * onApplicationShutdown comes before BullMQ's own closes its workers: a worker that then finished a
 * job on the quit client retried moveToFinished with no pause for ever (BullMQ skips its retry
 * delay while closing), a spinning process that never exited (docs/reliability.md).
 */
class BullClientCloser implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(BULL_CLIENT) private readonly client: { quit(): Promise<unknown> } | null,
    private readonly discovery: DiscoveryService,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    const hosts = this.discovery.getProviders().map((w) => w.instance as unknown).filter((i): i is WorkerHost => i instanceof WorkerHost);
    await Promise.all(hosts.map((h) => workerOf(h)?.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
  }
}

/** The host's worker, or none if it never started (WorkerHost's getter throws then). */
function workerOf(host: WorkerHost): WorkerHost['worker'] | undefined {
  try {
    return host.worker;
  } catch {
    return undefined;
  }
}

/**
 * BullMQ for one app: the shared connection, the installation's own prefix (installationPrefix:
 * known once the database has named the installation), and the queues it uses. Jobs are removed
 * when done or failed: the outbox and clock rows are the record.
 */
@Module({})
export class HubQueuesModule {
  static register(config: HubConfig, queues: QueueName[]): DynamicModule {
    const connection = bullConnection(config);
    const client = 'quit' in connection && typeof connection.quit === 'function' ? (connection as { quit(): Promise<unknown> }) : null;
    return {
      module: HubQueuesModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          useFactory: (installation: string) => ({
            connection,
            prefix: installationPrefix(config.queuePrefix, installation),
            defaultJobOptions: {
              attempts: 3,
              backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
              removeOnComplete: true,
              removeOnFail: true,
            },
          }),
          inject: [INSTALLATION_ID],
        }),
        ...queues.map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [{ provide: BULL_CLIENT, useValue: client }, BullClientCloser],
      exports: [BullModule],
    };
  }
}
