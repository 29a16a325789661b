import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { RedisClient } from '@hub/common';
import { HUB_CONFIG, HubConfig, INSTALLATION_ID, NOW, REDIS, redisWipes, type NowFn } from '@hub/common';
import { ClockJob, QUEUES, installationPrefix } from '@hub/queues';
import { claimClocksToSchedule, dueClocks, forgetScheduled, pendingRecomputes, ping, tryAdvisoryXactLock, type DueClock } from '@hub/store';
import { CLOCK_SETTINGS, ClockService, clockSweeps, type ClockSettings, type FireOutcome } from '@hub/workflow/clock';

/** Advisory lock of the sweeper: however many routers run, one sweeps at a time. */
export const CLOCK_SWEEPER_LOCK = 72012349;

/** Fixed job id of a timer: the installation, the clock and the instant it is for. */
export const clockJobId = (installation: string, clockId: string, at: Date): string => `${installation}.c${clockId}-${at.getTime()}`;

/** How often each router checks that Redis still holds the clock jobs (the marker below). */
export const CLOCK_WIPE_CHECK_MS = 1_000;

export interface SweepReport {
  /** false: another replica holds the sweeper lock; nothing was done */
  locked: boolean;
  /** timers found due and handed to fire() */
  due: number;
  fired: Partial<Record<FireOutcome, number>>;
  failed: number;
  /** delayed jobs added for timers within the horizon */
  scheduled: number;
  /** Redis had lost its jobs: timers marked to be queued again */
  requeued: number;
  /** a calendar-year replacement whose recomputation had not finished */
  recomputed: boolean;
  ms: number;
}

/**
 * Clock timers. PostgreSQL's deadline table is the truth; Redis only holds the timers of the next
 * hour (the horizon) as delayed jobs, so it never holds millions of far-future jobs. The sweeper,
 * under a database lock, (1) finishes a calendar recomputation a crash interrupted, (2) fires every
 * timer already due — those a wiped Redis or a stopped router missed — (3) notices that Redis lost
 * its jobs and re-queues, and (4) queues the timers of the coming horizon.
 */
@Injectable()
export class ClockTimersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ClockTimersService.name);
  private timer?: NodeJS.Timeout;
  private watch?: NodeJS.Timeout;
  private watching = false;
  private running?: Promise<SweepReport>;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly clocks: ClockService,
    @InjectQueue(QUEUES.clock) private readonly queue: Queue<ClockJob>,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(NOW) private readonly now: NowFn,
    @Inject(CLOCK_SETTINGS) private readonly settings: ClockSettings,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(INSTALLATION_ID) private readonly installation: string,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.sweepIntervalMs <= 0) return;
    // A wiped Redis is noticed within a second, not at the next sweep (docs/reliability.md#redis-wiped).
    this.watch = setInterval(() => this.sweepIfWiped(), CLOCK_WIPE_CHECK_MS);
    const tick = (): void => {
      if (this.stopped) return;
      void this.sweep()
        .catch((err: unknown) => this.logger.error({ err }, 'clock sweep failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.settings.sweepIntervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watch) clearInterval(this.watch);
    await this.running?.catch(() => undefined);
  }

  /** One pass (see the class comment). Concurrent calls in one process share the pass in flight. */
  sweep(): Promise<SweepReport> {
    if (!this.running) this.running = this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<SweepReport> {
    const started = process.hrtime.bigint();
    const report: SweepReport = { locked: false, due: 0, fired: {}, failed: 0, scheduled: 0, requeued: 0, recomputed: false, ms: 0 };
    const lock = this.ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.startTransaction();
      if (!(await tryAdvisoryXactLock(lock, CLOCK_SWEEPER_LOCK))) return report;
      report.locked = true;
      // The lock lasts as long as its session: a pass whose lock connection is gone (PostgreSQL
      // restarted, the backend terminated) stops at its next page instead of going on unlocked.
      const held = (): Promise<void> => ping(lock);
      const now = this.now();
      if ((await pendingRecomputes(this.ds)).length > 0) {
        const summary = await this.ds.transaction((tx) => this.clocks.recomputeOpenClocks(tx, 'pending'));
        report.recomputed = true;
        this.logger.log({ ...summary }, 'finished an interrupted calendar recomputation');
      }
      // Firing needs PostgreSQL only: it comes first, so a Redis outage delays nothing that is due.
      await this.fireDue(now, report, held);
      report.requeued = await withTimeout(this.requeueIfRedisLost(now), REDIS_TIMEOUT_MS, 'Redis marker check');
      report.scheduled = await this.schedule(now, held);
      return report;
    } finally {
      await lock.commitTransaction().catch(() => undefined);
      await lock.release();
      report.ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (report.locked) {
        clockSweeps.observe(report.ms / 1000);
        const busy = report.due > 0 || report.scheduled > 0 || report.requeued > 0 || report.recomputed;
        if (busy) this.logger.log({ ...report }, 'clock sweep');
      }
    }
  }

  /** Fires every timer due at `now`, a page at a time, each clock in its own transaction. */
  private async fireDue(now: Date, report: SweepReport, held: () => Promise<void>): Promise<void> {
    let after: DueClock | undefined;
    for (;;) {
      await held();
      const page = await dueClocks(this.ds, now, this.settings.sweepBatch, after);
      if (page.length === 0) return;
      report.due += page.length;
      after = page[page.length - 1];
      await runPool(page, this.settings.sweepConcurrency, async ({ id }) => {
        try {
          const outcome = await this.ds.transaction((tx) => this.clocks.fire(tx, id, now));
          report.fired[outcome] = (report.fired[outcome] ?? 0) + 1;
        } catch (err) {
          // Left due in the table: the next pass (or its queued job's retry) tries again.
          report.failed++;
          this.logger.error({ err, clockId: id }, 'clock fire failed; retried at the next sweep');
        }
      });
      if (page.length < this.settings.sweepBatch) return;
    }
  }

  /**
   * Queues the timers of (now, now + horizon] that have no job yet. The rows are marked in the
   * same transaction that adds the jobs, so a failed add leaves them to the next pass.
   */
  async schedule(now: Date = this.now(), held: () => Promise<void> = async () => undefined): Promise<number> {
    const until = new Date(now.getTime() + this.settings.horizonMs);
    let total = 0;
    for (;;) {
      await held();
      const added = await this.ds.transaction(async (tx) => {
        const rows = await claimClocksToSchedule(tx, now, until, this.settings.sweepBatch);
        if (rows.length === 0) return 0;
        const jobs = rows.map((r) => ({
          name: 'fire',
          data: { clockId: r.id, at: r.nextFireAt.toISOString() },
          opts: { jobId: clockJobId(this.installation, r.id, r.nextFireAt), delay: Math.max(0, r.nextFireAt.getTime() - now.getTime()) },
        }));
        await withTimeout(this.queue.addBulk(jobs), REDIS_TIMEOUT_MS, 'queueing clock jobs');
        return rows.length;
      });
      total += added;
      if (added < this.settings.sweepBatch) return total;
    }
  }

  /**
   * A marker key lives as long as Redis keeps its data. When it is gone (FLUSHDB, a new empty
   * Redis, failover without persistence), the queued jobs are gone too: unmark the near-term
   * timers so this pass queues them again. Nothing is lost meanwhile — the sweeper fires whatever
   * falls due from the table.
   */
  private async requeueIfRedisLost(now: Date): Promise<number> {
    const set = await this.redis.set(this.marker(), new Date().toISOString(), 'NX');
    if (set !== 'OK') return 0;
    redisWipes.inc({ what: 'clock' });
    const n = await forgetScheduled(this.ds, new Date(now.getTime() + this.settings.horizonMs));
    if (n > 0) this.logger.warn({ timers: n }, 'Redis lost the clock jobs; timers queued again');
    return n;
  }

  private marker(): string {
    return `${installationPrefix(this.config.queuePrefix, this.installation)}:clock-alive`;
  }

  /** A sweep at once when the marker is gone (one check in flight at a time: Redis may hang). */
  private sweepIfWiped(): void {
    if (this.watching || this.stopped) return;
    this.watching = true;
    void this.redis
      .exists(this.marker())
      .then((n) => (n === 0 && !this.stopped ? this.sweep().then(() => undefined) : undefined))
      .catch((err: unknown) => this.logger.warn({ err }, 'Redis marker check failed'))
      .finally(() => (this.watching = false));
  }
}

/**
 * Redis commands wait for a reconnect rather than fail (maxRetriesPerRequest: null); the sweeper
 * must not hang on them. A late add after the timeout is harmless: the rows stay unmarked and the
 * next pass re-adds the same job ids, which BullMQ ignores.
 */
const REDIS_TIMEOUT_MS = 5_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function runPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}
