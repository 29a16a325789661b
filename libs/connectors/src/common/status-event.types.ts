/**
 * Body of the status events the hub sends to the hotline (docs/contracts.md#hotline-status-events) and, with its own id field,
 * to 一网通办 (docs/contracts.md#ywtb-status-events: the same body and rules). Every member is always sent, null when it does not
 * apply, as in the contract's example.
 */

import { STATUS_EVENT_TYPES, type StatusEventType } from '@hub/rules/lifecycle/work-order.types';

/** The contract's status types (one list, in libs/rules); the hotline has all but `unfounded`. */
export type HotlineStatusType = Exclude<StatusEventType, 'unfounded'>;
export const HOTLINE_STATUS_TYPES: readonly HotlineStatusType[] = STATUS_EVENT_TYPES.filter((t): t is HotlineStatusType => t !== 'unfounded');

/** 一网通办 adds `unfounded` (差评 appeal upheld, 不属实), docs/contracts.md#ywtb-status-events. */
export type YwtbStatusType = StatusEventType;
export const YWTB_STATUS_TYPES: readonly YwtbStatusType[] = STATUS_EVENT_TYPES;

export interface StatusUnit {
  code: string;
  name: string;
}

/** Deadlines, RFC 3339 with offset: 联系时限 and 办结时限. */
export interface StatusDue {
  contact?: string;
  resolve?: string;
}

export interface StatusEventBody<TType extends string> {
  eventId: string;
  ticketId: string;
  type: TType;
  occurredAt: string;
  unit: StatusUnit | null;
  /** present whenever a deadline starts or moves */
  due: StatusDue | null;
  /** for not_accepted / merged / objected / terminated (and unfounded) */
  reason: string | null;
  /** 答复要点, for replied / closed */
  replyPoints: string | null;
}
