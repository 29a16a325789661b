import type { Source, SourceRecord } from '@hub/rules/model/ticket';

/**
 * Where a message goes: an outside system, a unit's own system, or `router` (the hub's own
 * routing job). The outbox stores these and the notifier sends them (docs/delivery.md).
 */
export type OutboundTarget = 'router' | 'hotline' | 'ywtb' | 'national' | `unit:${string}`;

/** A message as the outbox keeps it until it is delivered. */
export interface OutboundMessage {
  /** stable on every attempt: the receiver deduplicates on it (docs/contracts.md: 409 = already have it) */
  eventId: string;
  ticketId: string | null;
  target: OutboundTarget;
  /** status | receipt | return | result | work_order | route */
  type: string;
  /** messages with one key are delivered in the order they were written; default target + ticket */
  orderKey?: string;
  /**
   * For outside systems: the path under the target's base URL as unencoded segments (the
   * sender encodes them) and the JSON body.
   */
  payload: { segments?: string[]; body?: Record<string, unknown> } & Record<string, unknown>;
}

/** The ticket as a status builder needs it: which system it came from and under which id. */
export interface TicketRef {
  id: string;
  source: Source;
  sourceRecord: SourceRecord;
  externalId: string;
}

/** What a status event says besides its type. */
export interface StatusDetails {
  occurredAt: string;
  unit?: { code: string; name: string } | null;
  due?: Record<string, string> | null;
  reason?: string | null;
  replyPoints?: string | null;
}

/** The body members every status event carries (docs/contracts.md#hotline-status-events). */
export function statusBody(eventId: string, ticketId: string, type: string, d: StatusDetails): Record<string, unknown> {
  return {
    eventId,
    ticketId,
    type,
    occurredAt: d.occurredAt,
    unit: d.unit ?? null,
    ...(d.due ? { due: d.due } : {}),
    reason: d.reason ?? null,
    replyPoints: d.replyPoints ?? null,
  };
}
