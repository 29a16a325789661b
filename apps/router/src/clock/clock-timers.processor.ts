import { Inject, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { NOW, type NowFn } from '@hub/common';
import { ClockJob, QUEUES } from '@hub/queues';
import { unmarkScheduled } from '@hub/store';
import { ClockService, type FireOutcome } from '@hub/workflow/clock';

/**
 * The `clock` queue: near-term timers as BullMQ delayed jobs (id `<installation>.c<clockId>-<next_fire_at ms>`,
 * so queuing the same timer twice queues it once). The job carries ids only; the row decides: a job
 * whose clock has moved on (met, extended, already fired by the sweeper) does nothing. An error is
 * thrown so BullMQ retries; when retries run out, the sweeper still fires the clock from the table.
 */
@Processor(QUEUES.clock, { concurrency: 8 })
export class ClockTimersProcessor extends WorkerHost {
  private readonly logger = new Logger(ClockTimersProcessor.name);

  constructor(
    private readonly ds: DataSource,
    private readonly clocks: ClockService,
    @Inject(NOW) private readonly now: NowFn,
  ) {
    super();
  }

  async process(job: Job<ClockJob>): Promise<FireOutcome> {
    const expectedAt = Date.parse(job.data.at);
    const outcome = await this.ds.transaction((tx) => this.clocks.fire(tx, job.data.clockId, this.now(), Number.isNaN(expectedAt) ? undefined : expectedAt));
    // Fired before its time (clock skew between hosts): let the next scheduling pass queue it again.
    if (outcome === 'early') await unmarkScheduled(this.ds, job.data.clockId);
    this.logger.debug({ clockId: job.data.clockId, at: job.data.at, outcome }, 'clock job');
    return outcome;
  }

  /**
   * A worker's own errors (Redis gone or wiped under a running job: "Missing key for job …") are
   * logged, never left unhandled: the outbox or clock row is the truth and is retried from there.
   */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    new Logger(ClockTimersProcessor.name).warn({ err: err.message }, 'queue worker error');
  }
}
