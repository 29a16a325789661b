import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { RedisClient } from '@hub/common';
import { HUB_CONFIG, HubConfig, INSTALLATION_ID, REDIS, redisWipes } from '@hub/common';
import { claimUnclaimedFrom, forgetQueued, listenToOutbox, reclaimStale } from '@hub/store';
import { OutboxJob, QUEUES, installationPrefix, outboxJobId, queueForTarget } from '@hub/queues';
import { DeliveryService } from '../delivery/delivery.service';

/** Rows claimed per statement; a pass repeats until a claim comes back short. */
const RELAY_BATCH = 500;
/** Order keys one claim statement looks at: its work is bounded however many keys wait. */
const RELAY_KEYS = 2_000;
/** How often a pass checks that Redis still holds its data (the marker below). */
export const WIPE_CHECK_MS = 1_000;

/**
 * Moves due outbox rows into BullMQ. Woken by PostgreSQL NOTIFY when a message commits or a
 * delivery leaves the next message of its ticket unclaimed (a job ending its chain, or giving back
 * the rest of its window), and by a timer (retries that came due, rows whose job Redis lost). The outbox row is the truth: the job id is derived from it, so
 * relaying twice queues once.
 *
 * A wiped Redis (FLUSHALL, a restart without persistence, a failover to an empty replica) takes
 * the queued jobs with it while their rows stay claimed. A marker key lives as long as Redis keeps
 * its data; the pass that finds it gone forgets every claim and queues the rows again at once
 * instead of waiting for HUB_RELAY_REQUEUE_AFTER_MS (docs/reliability.md#redis-wiped).
 *
 * Under a backlog (docs/reliability.md#overload-and-catch-up) a pass claims only what nobody holds
 * (claimUnclaimedFrom, RELAY_KEYS order keys a statement, going round) and finds lost jobs among
 * the claims older than HUB_RELAY_REQUEUE_AFTER_MS (reclaimStale). While the target queue holds
 * more than HUB_RELAY_LIFO_ABOVE waiting jobs a message offered for the first time is queued LIFO:
 * a new order does not wait behind tens of thousands of old ones for its first event. Below that
 * everything is FIFO: LIFO at a steady load starves whatever sits at the bottom of a queue that
 * never quite empties. Re-offers (retries, lost jobs) always queue FIFO.
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
  private lastWipeCheck = 0;
  private lastStaleLook = 0;
  /** where the next claim goes on among the order keys (null: from the first) */
  private nextKey: string | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectQueue(QUEUES.route) private readonly routeQueue: Queue<OutboxJob>,
    @InjectQueue(QUEUES.deliver) private readonly deliverQueue: Queue<OutboxJob>,
    private readonly delivery: DeliveryService,
    @Inject(INSTALLATION_ID) private readonly installation: string,
    @Inject(REDIS) private readonly redis: RedisClient,
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
      // The timer keeps the relay going meanwhile (a lost notification costs latency only).
      this.logger.warn({ err: err.message }, 'outbox listener lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      this.relisten();
    });
    try {
      await client.connect();
      await listenToOutbox(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.listener = client;
    // Whatever committed while nobody listened.
    this.wake();
  }

  /** Tries to listen again every second until it works (PostgreSQL may be down for a while). */
  private relisten(): void {
    setTimeout(() => {
      if (this.stopped || this.listener) return;
      this.listen().catch(() => this.relisten());
    }, 1000).unref();
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

  /** One pass: claim and queue until nothing is ready. Exposed for tests and the bench. */
  async drain(): Promise<number> {
    let total = 0;
    // whether a queue holds a real backlog: read once per pass and queue, when first needed
    const deep = new Map<string, Promise<boolean>>();
    const backlog = (q: Queue<OutboxJob>): Promise<boolean> => {
      if (!deep.has(q.name)) deep.set(q.name, q.getWaitingCount().then((n) => n > this.config.delivery.lifoAboveWaiting));
      return deep.get(q.name)!;
    };
    try {
      if (await this.redisWiped()) {
        const n = await forgetQueued(this.ds).catch(async (err: unknown) => {
          // not forgotten: the marker goes, so that the next pass tries again
          await this.redis.del(this.marker()).catch(() => undefined);
          throw err;
        });
        this.logger.warn({ rows: n }, 'Redis holds no marker (emptied, replaced, or first start): every claimed outbox row is queued again');
      }
      for (;;) {
        const batch = RELAY_BATCH;
        const { targets, units } = this.delivery.deliverableTargets();
        const o = { targets: ['router', ...targets], units, batch };
        // Claims whose job was lost: now and then, timed from the end of the last look.
        if (Date.now() - this.lastStaleLook >= this.config.delivery.requeueAfterMs / 2) {
          const stale = await reclaimStale(this.ds, { ...o, requeueAfterMs: this.config.delivery.requeueAfterMs }).finally(() => (this.lastStaleLook = Date.now()));
          if (stale.length) await this.queueRows(stale, backlog);
          total += stale.length;
        }
        // Unclaimed heads, RELAY_KEYS order keys a statement, going round the keys pass after pass.
        const { rows, nextKey } = await claimUnclaimedFrom(this.ds, o, this.nextKey, RELAY_KEYS);
        this.nextKey = nextKey;
        if (rows.length) await this.queueRows(rows, backlog);
        total += rows.length;
        if (nextKey === null && rows.length < batch) break;
      }
    } catch (err) {
      // Rows already marked queued are queued again after requeueAfterMs: nothing is lost.
      this.logger.error({ err }, 'outbox relay pass failed');
    }
    return total;
  }

  /** The rows claimed, as jobs: first offers LIFO while their queue holds a backlog, re-offers FIFO. */
  private async queueRows(rows: Array<{ id: string; attempts: number; target: string }>, backlog: (q: Queue<OutboxJob>) => Promise<boolean>): Promise<void> {
    const route = rows.filter((r) => queueForTarget(r.target) === QUEUES.route);
    const deliver = rows.filter((r) => queueForTarget(r.target) === QUEUES.deliver);
    const jobs = (rs: typeof rows, lifo: boolean) =>
      rs.map((r) => ({ name: r.target, data: { outboxId: r.id, attempt: r.attempts }, opts: { jobId: outboxJobId(this.installation, r.id, r.attempts), lifo: lifo && r.attempts === 0 } }));
    if (route.length) await this.routeQueue.addBulk(jobs(route, await backlog(this.routeQueue)));
    if (deliver.length) await this.deliverQueue.addBulk(jobs(deliver, await backlog(this.deliverQueue)));
  }

  /**
   * At most every WIPE_CHECK_MS: sets the marker if it is missing and says whether it was (true at
   * the first pass of a hub, too: claims made before it started may have lost their jobs). Set
   * before the claims are forgotten, so a wipe in between is seen by the next check.
   */
  private async redisWiped(): Promise<boolean> {
    if (Date.now() - this.lastWipeCheck < WIPE_CHECK_MS) return false;
    const set = await this.redis.set(this.marker(), new Date().toISOString(), 'NX');
    this.lastWipeCheck = Date.now();
    if (set !== 'OK') return false;
    redisWipes.inc({ what: 'outbox' });
    return true;
  }

  private marker(): string {
    return `${installationPrefix(this.config.queuePrefix, this.installation)}:outbox-alive`;
  }
}
