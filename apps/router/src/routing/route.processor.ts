import { Inject, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, MicroBatcher, routed } from '@hub/common';
import { runInternalJobs, type InternalJobOutcome } from '@hub/store';
import { routingFailureVerdict } from '@hub/rules/dispatch';
import { OutboxJob, QUEUES, retryDelayMs } from '@hub/queues';
import { RoutingService, type RoutingOutcome } from './routing.service';

/** Jobs in hand at once, and how many of them one transaction routes (the rest wait for the next). */
const ROUTE_CONCURRENCY = 64;
const ROUTE_BATCH = 16;

/**
 * The router's queue: intake checks and dispatch of each stored ticket, once per outbox row. The
 * jobs in hand at one moment are routed together, up to ROUTE_BATCH per transaction
 * (runInternalJobs): alone when the queue is quiet, many per commit under a backlog
 * (docs/reliability.md#overload-and-catch-up).
 */
@Processor(QUEUES.route, { concurrency: ROUTE_CONCURRENCY })
export class RouteProcessor extends WorkerHost {
  private readonly logger = new Logger(RouteProcessor.name);
  private readonly batches: MicroBatcher<OutboxJob, InternalJobOutcome<RoutingOutcome | undefined>>;

  constructor(
    private readonly ds: DataSource,
    private readonly routing: RoutingService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super();
    const policy = { baseMs: config.delivery.backoffBaseMs, maxMs: config.delivery.backoffMaxMs, retryHours: config.delivery.retryHours };
    this.batches = new MicroBatcher(
      async (jobs) => {
        const outcomes = await runInternalJobs(
          this.ds,
          jobs,
          (tx, row) => this.routing.handle(tx, row),
          (failures) => new Date(Date.now() + retryDelayMs(failures, policy, Math.random())),
        );
        // counted once committed: a batch that rolled back ran its tickets again, alone
        for (const o of outcomes) if (o.value) routed.inc({ outcome: o.value });
        return outcomes;
      },
      ROUTE_BATCH,
      ROUTE_CONCURRENCY / ROUTE_BATCH,
    );
  }

  async process(job: Job<OutboxJob>): Promise<string> {
    const { result, error } = await this.batches.call(job.data);
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
