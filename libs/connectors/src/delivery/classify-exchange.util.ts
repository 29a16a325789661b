/**
 * The delivery rules of docs/contracts.md#delivery-and-retries, shared by every target: 2xx and 409 (the target already has
 * this eventId) are delivered; 5xx, 408, 429 (honouring Retry-After), timeouts and connection errors
 * are retried; any other status is permanent (the request itself is wrong and sending it again
 * cannot help). 1xx/3xx count as permanent: redirects are not followed because the signature covers
 * the path, so a redirecting target is misconfigured.
 */
import type { DeliveryResult } from './delivery-result.types';
import type { HttpExchange } from './signed-http.transport';
import { parseRetryAfter } from './retry-after.util';

export interface ClassifyOptions {
  /** POSTs are idempotent on eventId, so 409 means "already there"; for a GET it is an error */
  conflictIsDelivered?: boolean;
  now?: Date;
}

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function classifyExchange(exchange: HttpExchange, options: ClassifyOptions = {}): DeliveryResult {
  const { durationMs } = exchange;
  if (exchange.kind === 'failure') return { outcome: 'retry', error: exchange.error, durationMs };
  const { status } = exchange;
  if ((status >= 200 && status < 300) || (status === 409 && (options.conflictIsDelivered ?? true))) {
    return { outcome: 'delivered', status, durationMs };
  }
  const error = describeStatus(status, exchange.text);
  if (isRetryableStatus(status)) {
    const retryAfterMs = parseRetryAfter(exchange.retryAfter, options.now ?? new Date());
    return retryAfterMs === undefined
      ? { outcome: 'retry', status, error, durationMs }
      : { outcome: 'retry', status, error, retryAfterMs, durationMs };
  }
  return { outcome: 'permanent', status, error, durationMs };
}

/**
 * `http_400` plus the target's machine code when it sent `{"error": "<code>"}`. Free text of the
 * answer is left out: it could echo a citizen's data into our logs and outbox rows.
 */
export function describeStatus(status: number, text: string): string {
  const code = errorCodeOf(text);
  return code === undefined ? `http_${status}` : `http_${status}: ${code}`;
}

function errorCodeOf(text: string): string | undefined {
  if (text.length === 0 || text.length > 64 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && 'error' in parsed) {
      const code = (parsed as { error: unknown }).error;
      if (typeof code === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(code)) return code;
    }
  } catch {
    // not JSON: nothing to add
  }
  return undefined;
}
