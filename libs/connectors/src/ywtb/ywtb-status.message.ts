import { randomUUID } from 'node:crypto';
import type { SourceRecord } from '@hub/rules/model/ticket';
import type { StatusEventType } from '@hub/rules/lifecycle/work-order.types';
import { statusBody, type OutboundMessage, type StatusDetails, type TicketRef } from '../common/outbound-message';

/** 一网通办's status paths (docs/contracts.md#ywtb-status-events), per record kind, with the body's id member. */
export function ywtbStatusPath(record: SourceRecord, externalId: string): { segments: string[]; idField: 'evaluationId' | 'suggestionId' } {
  return record === 'evaluation'
    ? { segments: ['api', 'evaluations', externalId, 'status'], idField: 'evaluationId' }
    : { segments: ['api', 'suggestions', externalId, 'status'], idField: 'suggestionId' };
}

/** A status event for 一网通办; null for `unfounded` on a suggestion (only a 差评 can be found unfounded). */
export function ywtbStatusMessage(t: TicketRef, type: StatusEventType, d: StatusDetails): OutboundMessage | null {
  if (type === 'unfounded' && t.sourceRecord !== 'evaluation') return null;
  const eventId = randomUUID();
  const { segments, idField } = ywtbStatusPath(t.sourceRecord, t.externalId);
  return { eventId, ticketId: t.id, target: 'ywtb', type: 'status', payload: { segments, body: { ...statusBody(eventId, t.id, type, d), [idField]: t.externalId } } };
}
