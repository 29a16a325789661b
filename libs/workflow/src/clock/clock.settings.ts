/**
 * The clock's own settings, from the environment and validated at boot like the rest of the
 * configuration (a bad value stops the router with a message naming the variable).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `HUB_CLOCK_WARN_BEFORE_DAYS` | 预警: working days before the due the unit is warned (0 = no warning) | the policy's (1) |
 * | `HUB_CLOCK_SUPERVISE_EVERY_DAYS` | 督办: working days between supervision rounds while overdue | the policy's (1) |
 * | `HUB_CLOCK_HORIZON_MS` | timers due within this are queued in Redis as delayed jobs | 3600000 (1 h) |
 * | `HUB_CLOCK_SWEEP_MS` | interval of the sweeper (0 = off; tests drive it by hand) | 15000 |
 * | `HUB_CLOCK_SWEEP_BATCH` | clocks read per sweeper query | 500 |
 * | `HUB_CLOCK_SWEEP_CONCURRENCY` | clocks the sweeper fires at once | 4 |
 */
import { ConfigError } from '@hub/common';
import { DEFAULT_POLICY_TABLE, type PolicySelectionTable } from '@hub/rules/deadlines';

export const CLOCK_SETTINGS = Symbol('CLOCK_SETTINGS');

export interface ClockSettings {
  /** overrides every policy's warnBeforeDays when set */
  warnBeforeDays?: number;
  /** overrides every policy's superviseEveryDays when set */
  superviseEveryDays?: number;
  horizonMs: number;
  sweepIntervalMs: number;
  sweepBatch: number;
  sweepConcurrency: number;
  /** which policy applies per source and kind (data, not code) */
  policyTable: PolicySelectionTable;
}

type Env = Record<string, string | undefined>;

function optionalInt(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function loadClockSettings(env: Env = process.env): ClockSettings {
  return {
    warnBeforeDays: optionalInt(env, 'HUB_CLOCK_WARN_BEFORE_DAYS', 0, 30),
    superviseEveryDays: optionalInt(env, 'HUB_CLOCK_SUPERVISE_EVERY_DAYS', 1, 30),
    horizonMs: optionalInt(env, 'HUB_CLOCK_HORIZON_MS', 1_000, 7 * 86_400_000) ?? 3_600_000,
    sweepIntervalMs: optionalInt(env, 'HUB_CLOCK_SWEEP_MS', 0, 3_600_000) ?? 15_000,
    sweepBatch: optionalInt(env, 'HUB_CLOCK_SWEEP_BATCH', 1, 10_000) ?? 500,
    sweepConcurrency: optionalInt(env, 'HUB_CLOCK_SWEEP_CONCURRENCY', 1, 64) ?? 4,
    policyTable: DEFAULT_POLICY_TABLE,
  };
}
