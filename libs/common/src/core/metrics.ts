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

export const ticketsReceived = new Counter({
  name: 'hub_intake_total',
  help: 'Inbound intake requests by source, record and answer',
  labelNames: ['source', 'record', 'answer'] as const,
  registers: [registry],
});

export const deliveries = new Counter({
  name: 'hub_deliveries_total',
  help: 'Delivery attempts by target kind and outcome',
  labelNames: ['target', 'outcome'] as const,
  registers: [registry],
});

export const deliveryDuration = new Histogram({
  name: 'hub_delivery_duration_seconds',
  help: 'Duration of one delivery attempt',
  labelNames: ['target'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const routed = new Counter({
  name: 'hub_routing_decisions_total',
  help: 'Routing outcomes',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const piiUnreadable = new Counter({
  name: 'hub_pii_unreadable_total',
  help: 'Personal values that did not decrypt and were shown masked (docs/security.md)',
  registers: [registry],
});

export const foreignJobs = new Counter({
  name: 'hub_foreign_jobs_total',
  help: 'Jobs of another installation met in this one’s queues (two hubs on one Redis and prefix), left for their owner',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const redisWipes = new Counter({
  name: 'hub_redis_wipes_total',
  help: 'Times a Redis marker was found gone (Redis emptied or replaced) and the in-flight jobs were queued again',
  labelNames: ['what'] as const,
  registers: [registry],
});

export const replicaLag = new Gauge({
  name: 'hub_db_replica_lag_seconds',
  help: 'How far the PostgreSQL read replica is behind the primary at its last check (-1: unreachable or not a standby)',
  registers: [registry],
});

export const replicaInUse = new Gauge({
  name: 'hub_db_replica_in_use',
  help: '1 while the office lists and reports read the replica, 0 while they read the primary (down, lagging or unset)',
  registers: [registry],
});

export const replicaFallbacks = new Counter({
  name: 'hub_db_replica_fallbacks_total',
  help: 'Reads meant for the replica that ran on the primary, by reason (down, lagging, not_standby, starting; failed: failed on the replica and retried)',
  labelNames: ['reason'] as const,
  registers: [registry],
});
