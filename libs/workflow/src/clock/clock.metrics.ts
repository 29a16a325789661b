import { counter, histogram } from '@hub/common';

/** What the clock did: 预警, misses, 督办 rounds by level, windows that expired. */
export const clockFired = counter('hub_clock_fired_total', 'Clock timers fired, by clock type and what happened (warning, supervised:<level>, expired)', ['clock', 'outcome']);

export const clockSweeps = histogram('hub_clock_sweep_duration_seconds', 'Duration of one sweeper pass (due query, firing, scheduling)', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

export const clockExtensions = counter('hub_clock_extensions_total', 'Extension requests and decisions', ['outcome']);
