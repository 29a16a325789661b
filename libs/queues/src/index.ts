/**
 * One table of queues and their job payloads, shared by producers (the relay) and processors.
 * Jobs carry ids only: the worker reloads the outbox row and does nothing if it is already done.
 */
export const QUEUES = {
  /** internal work for the router: intake checks and dispatch (outbox target `router`) */
  route: 'route',
  /** deliveries to outside systems (every other outbox target) */
  deliver: 'deliver',
  /** clock timers: warnings, misses, supervision (rows of the deadline table) */
  clock: 'clock',
  /** scheduled reports: one repeatable job that stores the snapshots whose moment has come */
  reports: 'reports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface OutboxJob {
  outboxId: string;
  /** the attempt this job is for; a stale job (the row moved on) does nothing */
  attempt: number;
}

export interface ClockJob {
  clockId: string;
  /** the due/warn instant this job was scheduled for */
  at: string;
}

export interface JobPayloads {
  route: OutboxJob;
  deliver: OutboxJob;
  clock: ClockJob;
  reports: ReportsJob;
}

/** The scheduler's tick: the worker decides from the clock and the table what is due (nothing in the job). */
export type ReportsJob = Record<string, never>;

/**
 * The Redis namespace of one installation's queues and markers: HUB_QUEUE_PREFIX, then the
 * installation (docs/reliability.md#job-identity). Two hubs pointed at one Redis and prefix by
 * mistake each keep their own queues: a worker only ever sees its own database's jobs. On Redis
 * Cluster the hash tag in HUB_QUEUE_PREFIX still puts every key in one slot.
 */
export const installationPrefix = (queuePrefix: string, installation: string): string => `${queuePrefix}:${installation}`;

/** Fixed job ids derived from the installation and the row served, so relaying twice queues once. */
export const outboxJobId = (installation: string, outboxId: string, attempt: number): string => `${installation}.o${outboxId}-a${attempt}`;

export function queueForTarget(target: string): QueueName {
  return target === 'router' ? QUEUES.route : QUEUES.deliver;
}
export * from './retry-policy';
export * from './bull-connection';
