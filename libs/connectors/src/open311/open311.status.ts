import { WORK_ORDER_STATES } from '@hub/rules/lifecycle/work-order.types';
import type { FmsStatus } from './open311.types';

/**
 * Hub states → GeoReport's two statuses. Closed once the hub is done with the matter: the callback
 * was satisfied (已办结) or the ticket ended without a result of its own (terminal states). A
 * replied ticket is still `open`: the 100 % callback may send it back to the unit (docs/open311.md).
 */
const CLOSED_STATES = new Set(['closed', 'not_accepted', 'archived', 'merged', 'returned', 'unfounded', 'terminated', 'withdrawn']);

export function open311Status(state: string): 'open' | 'closed' {
  return CLOSED_STATES.has(state) ? 'closed' : 'open';
}

/** The hub's states shown as `status` (the filter of GET requests). */
export function statesWithStatus(status: 'open' | 'closed'): string[] {
  return WORK_ORDER_STATES.filter((s) => open311Status(s) === status);
}

/**
 * The hub's events (ticket_events.type) that change what a citizen sees, as FixMyStreet's extended
 * statuses. The list, plus where it was silent (docs/open311.md "Status mapping"):
 * designated → INVESTIGATING (a unit named by hand, like dispatched), reopened (重办) → IN_PROGRESS,
 * archived and withdrawn → CLOSED, unfounded (差评 appeal upheld) → NO_FURTHER_ACTION, and a
 * callback → CLOSED when it closed the ticket (an unsatisfied one sends it back: IN_PROGRESS).
 */
const EVENT_STATUS: Record<string, FmsStatus> = {
  accepted: 'OPEN',
  dispatched: 'INVESTIGATING',
  designated: 'INVESTIGATING',
  signed: 'INVESTIGATING',
  contacted: 'ACTION_SCHEDULED',
  replied: 'FIXED',
  merged: 'DUPLICATE',
  not_accepted: 'NOT_COUNCILS_RESPONSIBILITY',
  returned: 'NOT_COUNCILS_RESPONSIBILITY',
  redispatched: 'INTERNAL_REFERRAL',
  terminated: 'NO_FURTHER_ACTION',
  unfounded: 'NO_FURTHER_ACTION',
  archived: 'CLOSED',
  withdrawn: 'CLOSED',
  reopened: 'IN_PROGRESS',
};

/** Every event type that can be an update (the store selects only these). */
export const UPDATE_EVENT_TYPES: readonly string[] = [...Object.keys(EVENT_STATUS), 'called_back'];

export function updateStatus(eventType: string, stateAfter: string | undefined): FmsStatus | undefined {
  if (eventType === 'called_back') return stateAfter === 'closed' ? 'CLOSED' : 'IN_PROGRESS';
  return EVENT_STATUS[eventType];
}

/** The Chinese description of an update: what happened, in the words the hub's office uses. */
const EVENT_TEXT: Record<FmsStatus, string> = {
  OPEN: '已受理',
  INVESTIGATING: '已派单至承办单位',
  IN_PROGRESS: '重新办理中',
  ACTION_SCHEDULED: '承办单位已先行联系',
  FIXED: '承办单位已答复',
  CLOSED: '已办结',
  DUPLICATE: '与其他工单为同一事项，已合并办理',
  NOT_COUNCILS_RESPONSIBILITY: '不予受理或不属本市事权',
  NO_FURTHER_ACTION: '已终结办理',
  INTERNAL_REFERRAL: '已改派其他单位办理',
};

export function updateDescription(status: FmsStatus, detail?: string | null): string {
  return detail ? `${EVENT_TEXT[status]}：${detail}` : EVENT_TEXT[status];
}
