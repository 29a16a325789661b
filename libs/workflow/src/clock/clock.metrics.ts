import { Counter, Histogram } from 'prom-client';
import { registry } from '@hub/common';

/** What the clock did: 预警, misses, 督办 rounds by level, windows that expired. */
export const clockFired = new Counter({
  name: 'hub_clock_fired_total',
  help: 'Clock timers fired, by clock type and what happened (warning, supervised:<level>, expired)',
  labelNames: ['clock', 'outcome'] as const,
  registers: [registry],
});

export const clockSweeps = new Histogram({
  name: 'hub_clock_sweep_duration_seconds',
  help: 'Duration of one sweeper pass (due query, firing, scheduling)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const clockExtensions = new Counter({
  name: 'hub_clock_extensions_total',
  help: 'Extension requests and decisions',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
