import { Inject, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig } from '@hub/common';
import { runInternalJob, startSelfQueue, takeSelfQueued, type SelfQueued } from '@hub/store';
import { OutboxJobs, selfQueueTargets } from '@hub/queues/outbox-jobs';
import { OutboxJob, QUEUES, retryDelayMs } from '@hub/queues';
import { RoutingService } from './routing.service';

/** The router's queue: intake checks and dispatch of each stored ticket, once per outbox row. */
@Processor(QUEUES.route, { concurrency: 16 })
export class RouteProcessor extends WorkerHost {
  private readonly logger = new Logger(RouteProcessor.name);
  private readonly selfQueue: ReturnType<typeof selfQueueTargets>;

  constructor(
    private readonly ds: DataSource,
    private readonly routing: RoutingService,
    private readonly jobs: OutboxJobs,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super();
    this.selfQueue = selfQueueTargets(config);
  }

  async process(job: Job<OutboxJob>): Promise<string> {
    const policy = { baseMs: this.config.delivery.backoffBaseMs, maxMs: this.config.delivery.backoffMaxMs, retryHours: this.config.delivery.retryHours };
    // The messages routing writes that start a queue (the source's first status events, the unit's
    // work order) are queued here once the routing has committed, not by the relay.
    let queued: SelfQueued[] = [];
    const { result, error } = await runInternalJob(
      this.ds,
      job.data,
      async (tx, row) => {
        startSelfQueue(tx, this.selfQueue);
        await this.routing.handle(tx, row);
        queued = takeSelfQueued(tx);
      },
      (failures) => new Date(Date.now() + retryDelayMs(failures, policy, Math.random())),
    );
    if (error) this.logger.error({ err: error, outboxId: job.data.outboxId }, 'routing failed; retry scheduled');
    if (result === 'done') await this.jobs.add(queued);
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
