import { HubError, type FieldError } from '@hub/common';
import { DELIVERY_STATUSES, type DeliveryStatus } from '@hub/store';

/** The dead-letter API's error codes (one enum per feature; the global filter maps HubError to `{error, message, ...}`). */
export enum DeliveryErrorCode {
  NotFound = 'delivery_not_found',
  NotFailed = 'delivery_not_failed',
}

export const deliveryNotFound = (id: string): HubError => new HubError(404, DeliveryErrorCode.NotFound, `投递消息 ${id} 不存在 (outbox message ${id} not found)`);

/** Only dead letters can be retried or discarded: a pending one is still being tried, a delivered one is done. */
export const deliveryNotFailed = (id: string, status: DeliveryStatus, action: 'retry' | 'discard'): HubError =>
  new HubError(
    409,
    DeliveryErrorCode.NotFailed,
    `投递消息 ${id} 状态为 ${status}，只有失败的消息可以${action === 'retry' ? '重试' : '丢弃'} (only failed messages can be ${action === 'retry' ? 'retried' : 'discarded'}; this one is ${status})`,
    { status },
  );

/** Outbox ids are bigserial: digits only, within bigint. */
const BIGINT_MAX = 9_223_372_036_854_775_807n;
export function checkDeliveryId(value: unknown, path: string, fields: FieldError[]): string | undefined {
  if (typeof value !== 'string' || !/^[0-9]{1,19}$/.test(value) || BigInt(value) < 1n || BigInt(value) > BIGINT_MAX) {
    fields.push({ path, message: `must be a message id (digits, 1–${BIGINT_MAX}), got ${JSON.stringify(value)}` });
    return undefined;
  }
  return BigInt(value).toString();
}

/** `hotline`, `ywtb`, `national`, `router` (internal work) or `unit:<unit code>`. */
export const TARGET = /^(hotline|ywtb|national|router|unit:[A-Za-z0-9._-]{1,64})$/;
/** What a target that is none of them is told. */
export const targetRefusal = (value: unknown): string => `must be hotline, ywtb, national, router or unit:<unit code>, got ${JSON.stringify(value)}`;

export function checkTarget(value: unknown, path: string, fields: FieldError[]): string | undefined {
  if (typeof value !== 'string' || !TARGET.test(value)) {
    fields.push({ path, message: targetRefusal(value) });
    return undefined;
  }
  return value;
}

export function checkStatus(value: unknown, path: string, fields: FieldError[]): DeliveryStatus | undefined {
  if (typeof value !== 'string' || !(DELIVERY_STATUSES as readonly string[]).includes(value)) {
    fields.push({ path, message: `must be one of ${DELIVERY_STATUSES.join(', ')}, got ${JSON.stringify(value)}` });
    return undefined;
  }
  return value as DeliveryStatus;
}

export const MAX_PAGE = 500;
export function checkLimit(value: unknown, path: string, fields: FieldError[]): number | undefined {
  if (typeof value !== 'string' || !/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE) {
    fields.push({ path, message: `must be an integer from 1 to ${MAX_PAGE}, got ${JSON.stringify(value)}` });
    return undefined;
  }
  return Number(value);
}

export const MAX_REASON = 500;
