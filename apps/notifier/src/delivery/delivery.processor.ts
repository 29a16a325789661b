import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { HUB_CONFIG, HubConfig } from '@hub/common';
import { OutboxJob, QUEUES } from '@hub/queues';
import { DeliveryService } from './delivery.service';

/** Deliveries to outside systems; the schedule of retries lives on the outbox row, not in Redis. */
@Processor(QUEUES.deliver)
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

  process(job: Job<OutboxJob>): Promise<string> {
    return this.delivery.deliver(job.data.outboxId, job.data.attempt);
  }
}
