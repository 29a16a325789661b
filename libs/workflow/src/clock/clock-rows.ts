import type { ClockSubject } from '@hub/rules/deadlines';
import { openClocksOf, type ClockRow, type Queryable, type TicketRow } from '@hub/store';
import { clockMissed, noResolveClock } from './clock.errors';

/** What a ticket's clock policy needs to know of it. */
export function subjectOf(t: TicketRow): ClockSubject {
  const n = t.ticket.national;
  return { complex: t.ticket.complex, national: n ? { level: n.level, dueAt: n.dueAt, transferredAt: n.transferredAt } : undefined };
}

/** The ticket's open resolve clock, locked; an extension needs one that has not been missed. */
export async function openResolveClock(tx: Queryable, ticketId: string): Promise<ClockRow> {
  const clock = (await openClocksOf(tx, ticketId, true)).find((c) => c.type === 'resolve');
  if (!clock) throw noResolveClock(ticketId);
  if (clock.state === 'missed') throw clockMissed(clock.dueDate);
  return clock;
}
