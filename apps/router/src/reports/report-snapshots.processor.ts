import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { NOW, type NowFn } from '@hub/common';
import { QUEUES, type ReportsJob } from '@hub/queues';
import { ReportService, ReportSnapshotService } from '@hub/workflow/reports';

/** How often the scheduler looks for a due snapshot (each kind is due a few times a year). */
export const REPORTS_EVERY_MS = 3_600_000;
export const REPORTS_SCHEDULER = 'report-snapshots';

/**
 * Scheduled reports (docs/reports.md "Snapshots"): a BullMQ job scheduler ticks every hour on
 * whichever router runs it (one schedule, however many routers); the tick makes the snapshots whose
 * moment has come and are not stored yet. Idempotent: the table keeps one per kind and period.
 * Each tick first moves the reports' rollup to the latest safe watermark (the day's start).
 */
@Processor(QUEUES.reports, { concurrency: 1 })
export class ReportSnapshotsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportSnapshotsProcessor.name);

  constructor(
    private readonly snapshots: ReportSnapshotService,
    private readonly reports: ReportService,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue<ReportsJob>,
    @Inject(NOW) private readonly now: NowFn,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    // one scheduler in the installation's own queue (installationPrefix), however many routers
    await this.queue.upsertJobScheduler(REPORTS_SCHEDULER, { every: REPORTS_EVERY_MS }, { name: 'snapshots', data: {} });
  }

  async process(): Promise<number> {
    // The rollup first (docs/reports.md "The rollup"): the snapshots read it when their asOf allows.
    const rolled = await this.reports.refreshRollup();
    if (rolled) this.logger.log({ watermark: rolled.to.toISOString(), facts: rolled.facts, clocks: rolled.clocks, live: rolled.live }, 'report rollup refreshed');
    const made = await this.snapshots.makeDue(this.now());
    if (made.length > 0) this.logger.log({ made: made.map((s) => `${s.kind}:${s.period}`) }, 'report snapshots made');
    return made.length;
  }

  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.logger.error({ err }, 'reports worker error');
  }
}
