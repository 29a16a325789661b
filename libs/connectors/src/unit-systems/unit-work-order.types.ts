/**
 * Body of `POST {unit}/work-orders` (docs/contracts.md#unit-systems). The contract leaves `due` and `ticket` open
 * ("{...}"); the hub sends the deadlines like the status events and the canonical ticket with the
 * hub's id, the citizen masked unless the unit is the handler (see maskCitizen).
 */
import type { CanonicalTicket } from '@hub/rules/model/ticket';
import type { StatusDue } from '../common/status-event.types';

// The contract's docs/contracts.md#unit-systems types, one list in libs/rules.
import type { UnitWorkOrderType } from '@hub/rules/lifecycle/work-order.types';
export { UNIT_WORK_ORDER_TYPES, type UnitWorkOrderType } from '@hub/rules/lifecycle/work-order.types';

/** 主办 / 协办 */
export type UnitRole = 'lead' | 'co';

export type UnitWorkOrderTicket = CanonicalTicket & { ticketId: string };

export interface UnitWorkOrderBody {
  eventId: string;
  ticketId: string;
  type: UnitWorkOrderType;
  role: UnitRole;
  due: StatusDue;
  ticket: UnitWorkOrderTicket;
}
