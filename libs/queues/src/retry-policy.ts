/**
 * Delivery retry schedule (docs/contracts.md#delivery-and-retries: 5xx, 408, 429 and timeouts are retried). Exponential
 * backoff with "equal jitter": the n-th retry waits between half and all of
 * min(base · 2^(n-1), max). With the defaults (base 5 s, max 30 min) the waits are about
 * 5, 10, 20, 40 s, 1.3, 2.7, 5.3, 10.7, 21, 30, 30 … minutes, and a message is retried until
 * `retryHours` (72) have passed since its first attempt: a weekend outage of an upstream loses
 * nothing. A `Retry-After` from the target is obeyed as given (capped at one day).
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  retryHours: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, maxMs: 30 * 60_000, retryHours: 72 };

const ONE_DAY_MS = 86_400_000;

/** Wait before retry number `failures` (1 = after the first failed attempt). `random` ∈ [0,1). */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(retryAfterMs, ONE_DAY_MS);
  }
  const exp = Math.min(policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 40), policy.maxMs);
  return Math.round(exp / 2 + (exp / 2) * random);
}

/** True once the retry window (from the first attempt) is over: the message fails for good. */
export function retriesExhausted(firstAttemptAt: Date, now: Date, policy: RetryPolicy): boolean {
  return now.getTime() - firstAttemptAt.getTime() >= policy.retryHours * 3_600_000;
}
