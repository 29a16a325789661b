import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app process (served at /metrics). */
export const registry = new Registry();
let defaultsCollected = false;
export function collectDefaults(app: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
}

/** A counter in this process's registry; without labelNames, one unlabelled series. */
export function counter<T extends string = string>(name: string, help: string, labelNames: readonly T[] = []): Counter<T> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** A gauge in this process's registry. */
export function gauge<T extends string = string>(name: string, help: string, labelNames: readonly T[] = []): Gauge<T> {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** A histogram in this process's registry over `buckets`. */
export function histogram<T extends string = string>(name: string, help: string, buckets: number[], labelNames: readonly T[] = []): Histogram<T> {
  return new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

export const ticketsReceived = counter('hub_intake_total', 'Inbound intake requests by source, record and answer', ['source', 'record', 'answer']);

export const deliveries = counter('hub_deliveries_total', 'Delivery attempts by target kind and outcome', ['target', 'outcome']);

export const deliveryDuration = histogram('hub_delivery_duration_seconds', 'Duration of one delivery attempt', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], ['target']);

export const routed = counter('hub_routing_decisions_total', 'Routing outcomes', ['outcome']);

export const piiUnreadable = counter('hub_pii_unreadable_total', 'Personal values that did not decrypt and were shown masked (docs/security.md)');

export const redisWipes = counter('hub_redis_wipes_total', 'Times a Redis marker was found gone (Redis emptied or replaced) and the in-flight jobs were queued again', ['what']);

export const replicaLag = gauge('hub_db_replica_lag_seconds', 'How far the PostgreSQL read replica is behind the primary at its last check (-1: unreachable or not a standby)');

export const replicaInUse = gauge('hub_db_replica_in_use', '1 while the office lists and reports read the replica, 0 while they read the primary (down, lagging or unset)');

export const replicaFallbacks = counter(
  'hub_db_replica_fallbacks_total',
  'Reads meant for the replica that ran on the primary, by reason (down, lagging, not_standby, starting; failed: failed on the replica and retried)',
  ['reason'],
);
