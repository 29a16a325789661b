import { Inject, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, INSTALLATION_ID } from '@hub/common';
import { runInternalJob } from '@hub/store';
import { routingFailureVerdict } from '@hub/rules/dispatch';
import { OutboxJob, QUEUES, leaveIfForeign, retryDelayMs } from '@hub/queues';
import { RoutingService } from './routing.service';

/** The router's queue: intake checks and dispatch of each stored ticket, once per outbox row. */
@Processor(QUEUES.route, { concurrency: 16 })
export class RouteProcessor extends WorkerHost {
  private readonly logger = new Logger(RouteProcessor.name);

  constructor(
    private readonly ds: DataSource,
    private readonly routing: RoutingService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(INSTALLATION_ID) private readonly installation: string,
  ) {
    super();
  }

  async process(job: Job<OutboxJob>, token?: string): Promise<string> {
    const foreign = await leaveIfForeign(job, token, this.installation);
    if (foreign) {
      this.logger.warn({ jobId: job.id, owner: job.data.installation }, 'a routing job of another installation (two hubs on one Redis and prefix?); left for its owner');
      throw foreign;
    }
    const policy = { baseMs: this.config.delivery.backoffBaseMs, maxMs: this.config.delivery.backoffMaxMs, retryHours: this.config.delivery.retryHours };
    const { result, error } = await runInternalJob(
      this.ds,
      job.data,
      (tx, row) => this.routing.handle(tx, row),
      (failures) => new Date(Date.now() + retryDelayMs(failures, policy, Math.random())),
    );
    if (!error) return result;
    this.logger.error({ err: error, outboxId: job.data.outboxId }, 'routing failed; retry scheduled');
    // A ticket that cannot be routed never waits for ever: after a few failures the office gets it.
    const failures = job.data.attempt + 1;
    if (routingFailureVerdict(failures) === 'dispute') {
      const message = error instanceof Error ? error.message : String(error);
      await this.routing.giveUp(this.ds, job.data.outboxId, failures, message).catch((e: unknown) => {
        this.logger.error({ err: e, outboxId: job.data.outboxId }, 'could not hand the failed routing to the office; the job retries');
      });
    }
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
