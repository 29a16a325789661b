/**
 * Outcome of one outbound request, in the terms of docs/contracts.md#delivery-and-retries: the notifier
 * marks the outbox row delivered, retries it later (BullMQ backoff, or `retryAfterMs` when the target
 * said so), or records a permanent failure (UnrecoverableError).
 */
export type DeliveryResult =
  | { outcome: 'delivered'; status: number; durationMs: number }
  | { outcome: 'retry'; status?: number; error: string; retryAfterMs?: number; durationMs: number }
  | {
      outcome: 'permanent';
      /** absent only when the request could not even be built (e.g. a unit registered a bad URL) */
      status?: number;
      error: string;
      durationMs: number;
    };

/** Default timeout of docs/contracts.md#delivery-and-retries (10 s, then retried). */
export const DEFAULT_TIMEOUT_MS = 10_000;
