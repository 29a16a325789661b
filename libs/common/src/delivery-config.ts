import { int, type Env } from './config-values';

/** Outbound delivery and the outbox relay (docs/delivery.md#settings). */
export interface DeliveryConfig {
  timeoutMs: number;
  concurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryHours: number;
  relayIntervalMs: number;
  requeueAfterMs: number;
  /** first offers go LIFO while their queue holds more waiting jobs than this (docs/reliability.md#overload-and-catch-up) */
  lifoAboveWaiting: number;
  /** delivered outbox rows older than this many days are deleted; 0 keeps them (docs/delivery.md#retention) */
  retentionDays: number;
}

export function deliveryConfig(env: Env): DeliveryConfig {
  return {
    timeoutMs: int(env, 'HUB_DELIVERY_TIMEOUT_MS', 10_000, 100, 120_000),
    concurrency: int(env, 'HUB_DELIVERY_CONCURRENCY', 64, 1, 1000),
    backoffBaseMs: int(env, 'HUB_DELIVERY_BACKOFF_BASE_MS', 5_000, 1, 3_600_000),
    backoffMaxMs: int(env, 'HUB_DELIVERY_BACKOFF_MAX_MS', 1_800_000, 1, 86_400_000),
    retryHours: int(env, 'HUB_DELIVERY_RETRY_HOURS', 72, 0, 24 * 30),
    relayIntervalMs: int(env, 'HUB_RELAY_INTERVAL_MS', 500, 10, 60_000),
    requeueAfterMs: int(env, 'HUB_RELAY_REQUEUE_AFTER_MS', 60_000, 100, 3_600_000),
    lifoAboveWaiting: int(env, 'HUB_RELAY_LIFO_ABOVE', 1_000, 0, 1_000_000_000),
    retentionDays: int(env, 'HUB_OUTBOX_RETENTION_DAYS', 30, 0, 3650),
  };
}
