import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { HUB_CONFIG, HubConfig } from '@hub/common';
import { OutboxJob, QUEUES } from '@hub/queues';
import { DeliveryService } from './delivery.service';

/**
 * Deliveries to outside systems; the schedule of retries lives on the outbox row, not in Redis.
 *
 * A notifier killed mid-delivery leaves its jobs "active" in Redis, and the relay cannot queue them
 * again under the same job id; BullMQ's stalled-job check gives them back once their lock expires.
 * A living worker renews its locks every 7.5 s however long a job takes, so 15 s locks and a check
 * every 5 s bring a dead worker's messages back within about 20 s instead of BullMQ's default
 * minute. A job taken for stalled by mistake (an event loop blocked for 15 s) is harmless: the row
 * records each attempt once and the target deduplicates on eventId.
 */
@Processor(QUEUES.deliver, { lockDuration: 15_000, stalledInterval: 5_000 })
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly delivery: DeliveryService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.delivery.concurrency;
  }

  async process(job: Job<OutboxJob>): Promise<string> {
    return this.delivery.deliver(job.data.outboxId, job.data.attempt);
  }

  /**
   * A worker's own errors (Redis gone or wiped under a running job: "Missing key for job …") are
   * logged, never left unhandled: the outbox or clock row is the truth and is retried from there.
   */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    new Logger(DeliveryProcessor.name).warn({ err: err.message }, 'queue worker error');
  }
}
