import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig } from '@hub/common';
import { claimReady } from '@hub/store';
import { OutboxJob, QUEUES, outboxJobId, queueForTarget } from '@hub/queues';

/**
 * Moves due outbox rows into BullMQ. Woken by PostgreSQL NOTIFY when a message commits or a
 * delivery finishes, and by a timer (retries that came due, rows whose job Redis lost). The
 * outbox row is the truth: the job id is derived from it, so relaying twice queues once.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectQueue(QUEUES.route) private readonly routeQueue: Queue<OutboxJob>,
    @InjectQueue(QUEUES.deliver) private readonly deliverQueue: Queue<OutboxJob>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.wake(), this.config.delivery.relayIntervalMs);
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle;
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'hub-relay-listen' });
    client.on('notification', () => this.wake());
    client.on('error', (err) => {
      // The timer keeps the relay going; try to listen again shortly.
      this.logger.warn({ err: err.message }, 'outbox listener lost; polling until it is back');
      this.listener = undefined;
      setTimeout(() => !this.stopped && this.listen().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query('LISTEN hub_outbox');
    this.listener = client;
  }

  /** Coalesces wake-ups: one pass at a time, one more if woken meanwhile. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.drain().then(() => undefined).finally(() => {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  private targets(): string[] {
    const u = this.config.upstreams;
    const t = ['router'];
    if (u.hotline.url && u.hotline.keys) t.push('hotline');
    if (u.ywtb.url && u.ywtb.keys) t.push('ywtb');
    if (u.national.url && u.national.keys) t.push('national');
    return t;
  }

  /** One pass: claim and queue until nothing is ready. Exposed for tests and the bench. */
  async drain(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const batch = 500;
        const rows = await claimReady(this.ds, {
          targets: this.targets(),
          units: this.config.upstreams.units.keys !== '',
          batch,
          requeueAfterMs: this.config.delivery.requeueAfterMs,
        });
        if (rows.length === 0) break;
        const route = rows.filter((r) => queueForTarget(r.target) === QUEUES.route);
        const deliver = rows.filter((r) => queueForTarget(r.target) === QUEUES.deliver);
        const jobs = (rs: typeof rows) => rs.map((r) => ({ name: r.target, data: { outboxId: r.id, attempt: r.attempts }, opts: { jobId: outboxJobId(r.id, r.attempts) } }));
        if (route.length) await this.routeQueue.addBulk(jobs(route));
        if (deliver.length) await this.deliverQueue.addBulk(jobs(deliver));
        total += rows.length;
        if (rows.length < batch) break;
      }
    } catch (err) {
      // Rows already marked queued are queued again after requeueAfterMs: nothing is lost.
      this.logger.error({ err }, 'outbox relay pass failed');
    }
    return total;
  }
}
