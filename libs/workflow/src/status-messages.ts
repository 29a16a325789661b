import { statusMessage, type StatusDetails } from '@hub/connectors';
import { forMergedSource } from '@hub/rules/dispatch/merge-scope';
import type { StatusEventType } from '@hub/rules/lifecycle/work-order.types';
import { mergedTicketRefs, type OutboxMessage, type Queryable, type TicketRef } from '@hub/store';

/**
 * A status event for a ticket and for every ticket merged into it (Yunnan Measures Art. 13): each source
 * hears every later event of the handled ticket under its own id.
 */
export async function statusMessagesWithMerged(db: Queryable, t: TicketRef, type: StatusEventType, d: StatusDetails): Promise<Array<OutboxMessage | null>> {
  const merged = await mergedTicketRefs(db, t.id);
  // A merged source hears the state change, never the handled ticket's text (forMergedSource).
  return [statusMessage(t, type, d), ...merged.map((m) => statusMessage(m, type, forMergedSource(d)))];
}
