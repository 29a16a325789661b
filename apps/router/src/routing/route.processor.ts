import { Inject, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig } from '@hub/common';
import { runInternalJob } from '@hub/store';
import { OutboxJob, QUEUES, retryDelayMs } from '@hub/queues';
import { RoutingService } from './routing.service';

/** The router's queue: intake checks and dispatch of each stored ticket, once per outbox row. */
@Processor(QUEUES.route, { concurrency: 16 })
export class RouteProcessor extends WorkerHost {
  private readonly logger = new Logger(RouteProcessor.name);

  constructor(
    private readonly ds: DataSource,
    private readonly routing: RoutingService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super();
  }

  async process(job: Job<OutboxJob>): Promise<string> {
    const policy = { baseMs: this.config.delivery.backoffBaseMs, maxMs: this.config.delivery.backoffMaxMs, retryHours: this.config.delivery.retryHours };
    const { result, error } = await runInternalJob(
      this.ds,
      job.data,
      (tx, row) => this.routing.handle(tx, row),
      (failures) => new Date(Date.now() + retryDelayMs(failures, policy, Math.random())),
    );
    if (error) this.logger.error({ err: error, outboxId: job.data.outboxId }, 'routing failed; retry scheduled');
    return result;
  }

  /**
   * A worker's own errors (Redis gone or wiped under a running job: "Missing key for job …") are
   * logged, never left unhandled: the outbox or clock row is the truth and is retried from there.
   */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    new Logger(RouteProcessor.name).warn({ err: err.message }, 'queue worker error');
  }
}
