import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { HubConfig } from '@hub/common/config';
import { OutboxJob, QUEUES, outboxJobId, queueForTarget } from './index';

/** The BullMQ job of an outbox row claimed at `attempts`: the same for the relay and for a writer. */
export function outboxJob(r: { id: string; target: string; attempts: number }): { name: string; data: OutboxJob; opts: { jobId: string } } {
  return { name: r.target, data: { outboxId: r.id, attempt: r.attempts }, opts: { jobId: outboxJobId(r.id, r.attempts) } };
}

/**
 * The outbox targets a writer may queue itself (selfQueueInsert): the router, and the outside
 * systems this configuration can reach (a URL and keys; units when HUB_UNITS_KEYS is set), as the
 * notifier's relay decides. Other targets' messages wait in the outbox for the relay.
 */
export function selfQueueTargets(config: HubConfig): { targets: string[]; units: boolean } {
  const ups = (['hotline', 'ywtb', 'national'] as const).filter((n) => config.upstreams[n].url && config.upstreams[n].keys);
  return { targets: ['router', ...ups], units: Boolean(config.upstreams.units.keys) };
}

/**
 * Adds the jobs of outbox rows a writer claimed itself, once its transaction has committed. A
 * failure here loses nothing: the rows stay claimed and the relay queues them again after
 * requeueAfterMs (HUB_RELAY_REQUEUE_AFTER_MS), so it is logged, not thrown.
 */
@Injectable()
export class OutboxJobs {
  private readonly logger = new Logger(OutboxJobs.name);

  constructor(
    @InjectQueue(QUEUES.route) private readonly route: Queue<OutboxJob>,
    @InjectQueue(QUEUES.deliver) private readonly deliver: Queue<OutboxJob>,
  ) {}

  async add(rows: Array<{ id: string; target: string; attempts?: number }>): Promise<void> {
    if (rows.length === 0) return;
    const jobs = rows.map((r) => ({ queue: queueForTarget(r.target), job: outboxJob({ ...r, attempts: r.attempts ?? 0 }) }));
    const route = jobs.filter((j) => j.queue === QUEUES.route).map((j) => j.job);
    const deliver = jobs.filter((j) => j.queue === QUEUES.deliver).map((j) => j.job);
    try {
      if (route.length) await this.route.addBulk(route);
      if (deliver.length) await this.deliver.addBulk(deliver);
    } catch (err) {
      this.logger.warn({ err, outboxIds: rows.map((r) => r.id) }, 'could not queue messages after commit; the relay queues them again after requeueAfterMs');
    }
  }
}
