import { DelayedError, type Job } from 'bullmq';
import { foreignJobs } from '@hub/common/core/metrics';

/** Every job names the installation whose database holds its row (docs/reliability.md#job-identity). */
export interface OwnedJob {
  /** INSTALLATION_ID of the hub that queued it; absent on jobs queued before identities existed */
  installation?: string;
}

/** How long a job of another installation waits before a worker takes it again (its owner's, one hopes). */
export const FOREIGN_JOB_DELAY_MS = 2_000;

/**
 * Two hubs on one Redis and queue prefix by mistake share their queues. A job whose installation
 * is not this one's is never run against this hub's database nor completed: it is counted, put back
 * (delayed) for its owner, and the error to throw is returned, which makes BullMQ leave it so.
 * Jobs queued before identities existed are taken as this installation's (an upgrade in place).
 */
export async function leaveIfForeign(job: Job<OwnedJob>, token: string | undefined, mine: string): Promise<DelayedError | undefined> {
  const owner = job.data?.installation;
  if (owner === undefined || owner === mine) return undefined;
  foreignJobs.inc({ queue: job.queueName });
  await job.moveToDelayed(Date.now() + FOREIGN_JOB_DELAY_MS, token);
  return new DelayedError(`job ${job.id} belongs to installation ${owner}, not ${mine}; left for its owner`);
}
