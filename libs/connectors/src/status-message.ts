import type { StatusEventType } from '@hub/rules/lifecycle/work-order.types';
import type { OutboundMessage, StatusDetails, TicketRef } from './common/outbound-message';
import { hotlineStatusMessage } from './hotline/hotline-status.message';
import { ywtbStatusMessage } from './ywtb/ywtb-status.message';

/**
 * The status event the system a ticket came from hears, built by that system's folder. National
 * transfers hear receipts, returns and results instead (national.messages.ts): null. A new source
 * adds its builder here.
 */
export function statusMessage(t: TicketRef, type: StatusEventType, d: StatusDetails): OutboundMessage | null {
  if (t.source === 'hotline') return hotlineStatusMessage(t, type, d);
  if (t.source === 'ywtb') return ywtbStatusMessage(t, type, d);
  return null;
}
