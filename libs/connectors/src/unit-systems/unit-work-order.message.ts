import { randomUUID } from 'node:crypto';
import type { UnitWorkOrderType } from '@hub/rules/lifecycle/work-order.types';
import type { OutboundMessage } from '../common/outbound-message';

/** A work order for a unit's own system (docs/contracts.md#unit-systems; only units that registered an endpoint). */
export function unitWorkOrder(
  unitCode: string,
  ticketId: string,
  type: UnitWorkOrderType,
  role: 'lead' | 'co',
  due: Record<string, string>,
  ticket: Record<string, unknown>,
): OutboundMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: `unit:${unitCode}`, type: 'work_order', payload: { segments: ['work-orders'], body: { eventId, ticketId, type, role, due, ticket } } };
}
