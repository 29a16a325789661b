import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig } from '@hub/common';
import { deleteDeliveredOlderThan, type RetentionPass } from '@hub/store';

/** How often a pass runs, and the first one after start (a notifier restarted often still prunes). */
export const RETENTION_INTERVAL_MS = 10 * 60_000;
const FIRST_PASS_MS = 60_000;

/**
 * Deletes delivered outbox rows older than HUB_OUTBOX_RETENTION_DAYS, with their delivery log
 * (docs/delivery.md#retention), 5,000 rows per statement at most. Every notifier runs it; two at
 * once skip each other's rows (SKIP LOCKED) and cost a second walk, nothing more.
 */
@Injectable()
export class OutboxRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRetentionService.name);
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private running?: Promise<RetentionPass | undefined>;

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.delivery.retentionDays === 0) return;
    const tick = (): void => void this.prune().catch((err: unknown) => this.logger.error({ err }, 'outbox retention pass failed; the next one tries again'));
    this.timers.push(setTimeout(tick, FIRST_PASS_MS).unref(), setInterval(tick, RETENTION_INTERVAL_MS).unref());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.running?.catch(() => undefined);
  }

  /** One pass (one at a time in this process); undefined when retention is off. Public for tests. */
  prune(): Promise<RetentionPass | undefined> {
    if (this.config.delivery.retentionDays === 0) return Promise.resolve(undefined);
    this.running ??= deleteDeliveredOlderThan(this.ds, this.config.delivery.retentionDays, undefined, () => this.stopped)
      .then((pass) => {
        if (pass.deleted > 0) this.logger.log({ ...pass, days: this.config.delivery.retentionDays }, 'delivered outbox rows past their retention deleted');
        return pass;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
