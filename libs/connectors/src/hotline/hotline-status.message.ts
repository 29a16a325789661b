import { randomUUID } from 'node:crypto';
import type { StatusEventType } from '@hub/rules/lifecycle/work-order.types';
import { statusBody, type OutboundMessage, type StatusDetails, type TicketRef } from '../common/outbound-message';

/** The hotline's status path (docs/contracts.md#hotline-status-events): `POST /api/orders/{orderNo}/status`. */
export const hotlineStatusPath = (orderNo: string): string[] => ['api', 'orders', orderNo, 'status'];

/** A status event for the 12345 hotline: the common body with its `orderNo`. */
export function hotlineStatusMessage(t: TicketRef, type: StatusEventType, d: StatusDetails): OutboundMessage {
  const eventId = randomUUID();
  return { eventId, ticketId: t.id, target: 'hotline', type: 'status', payload: { segments: hotlineStatusPath(t.externalId), body: { ...statusBody(eventId, t.id, type, d), orderNo: t.externalId } } };
}
