/**
 * Body of `POST {unit}/work-orders` (contracts §6). The contract leaves `due` and `ticket` open
 * ("{...}"); the hub sends the deadlines like the status events and the canonical ticket with the
 * hub's id, the citizen masked unless the unit is the handler (see maskCitizen).
 */
import type { CanonicalTicket } from '@hub/rules/model/ticket';
import type { StatusDue } from '../common/status-event.types';

export const UNIT_WORK_ORDER_TYPES = [
  'assigned',
  'reopened',
  'warning',
  'supervised',
  'withdrawn',
  'supplement',
  'redispatched_away',
] as const;
export type UnitWorkOrderType = (typeof UNIT_WORK_ORDER_TYPES)[number];

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
