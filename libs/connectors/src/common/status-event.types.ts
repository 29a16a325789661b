/**
 * Body of the status events the hub sends to the hotline (contracts §3) and, with its own id field,
 * to 一网通办 (§4 "same body and rules as §3"). Every member is always sent, null when it does not
 * apply, as in the contract's example.
 */

export const HOTLINE_STATUS_TYPES = [
  'accepted',
  'not_accepted',
  'merged',
  'archived',
  'dispatched',
  'signed',
  'contacted',
  'objected',
  'redispatched',
  'extended',
  'replied',
  'reopened',
  'supervised',
  'closed',
  'terminated',
] as const;
export type HotlineStatusType = (typeof HOTLINE_STATUS_TYPES)[number];

/** 一网通办 adds `unfounded` (差评 appeal upheld, 不属实), §4. */
export const YWTB_STATUS_TYPES = [...HOTLINE_STATUS_TYPES, 'unfounded'] as const;
export type YwtbStatusType = (typeof YWTB_STATUS_TYPES)[number];

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
