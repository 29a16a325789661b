/**
 * 取消合并 (WorkOrderService.unmerge), outside the machine: the machine's own steps rebuild the
 * ticket as accepted and disputed, then the work order, the merge record, both tickets' events and
 * the source's `accepted` are written in the caller's transaction.
 */
import { formatInstant } from '@hub/rules/calendar';
import { allowedActions, createWorkOrder, transition, type WorkOrderContext } from '@hub/rules/lifecycle';
import { appendEvent, endMerge, isTicketId, loadTicket, mergedIntoOf, saveWorkOrder, writeOutbox, type Queryable, type TicketRow } from '@hub/store';
import { statusMessage } from '@hub/connectors';
import { notAllowed, ticketNotFound } from '../work-order.errors';
import type { LockedTicket, Performer } from '../work-order.types';
import { SYSTEM, byOf } from './helpers';

export async function unmerge(
  tx: Queryable,
  ticketId: string,
  reason: string,
  performer: Performer,
  at: Date,
  load: (ticketId: string) => Promise<LockedTicket | undefined>,
  timeZone: () => Promise<string>,
): Promise<{ ticket: TicketRow; before: WorkOrderContext; next: WorkOrderContext }> {
  // Lock order: the handled ticket before the one merged into it, as an action on the handled
  // ticket does (it writes messages for its merged tickets while holding its own lock).
  if (isTicketId(ticketId)) {
    const into = await mergedIntoOf(tx, ticketId);
    if (into) await loadTicket(tx, into, true);
  }
  const loaded = await load(ticketId);
  if (!loaded) throw ticketNotFound(ticketId);
  const { ticket, ctx } = loaded;
  if (ctx.state !== 'merged') throw notAllowed(`unmerge needs a merged ticket; this one is ${ctx.state}`, ctx.state, allowedActions(ctx, { role: 'office' }));
  const fresh = createWorkOrder({ source: ticket.source, kind: ticket.ticket.kind, config: ctx.config });
  const accepted = transition(fresh, { type: 'accept' }, SYSTEM);
  const disputed = accepted.ok ? transition(accepted.next, { type: 'dispute', reason: 'unmerged' }, SYSTEM) : accepted;
  if (!disputed.ok) throw new Error(`unmerge: the machine refused to rebuild the ticket: ${disputed.message}`);
  const next = disputed.next;
  const by = byOf({ role: 'office', id: performer.id }, performer);
  const from = ticket.mergedInto;
  await saveWorkOrder(tx, ticket.id, { context: next, state: next.state, unitCode: null, designated: false, bounces: next.bounces, assignedAt: null, mergedInto: null });
  await endMerge(tx, ticket.id, { by, at, reason });
  await appendEvent(tx, ticket.id, 'unmerged', by, { from, reason, before: { state: ctx.state }, after: { state: next.state }, performer });
  if (from) await appendEvent(tx, from, 'released', by, { ticketId: ticket.id, reason });
  const tz = await timeZone();
  await writeOutbox(tx, [statusMessage(ticket, 'accepted', { occurredAt: formatInstant(at, tz), reason: `取消合并，重新作为独立工单办理 (unmerged): ${reason}` })]);
  return { ticket, before: ctx, next };
}
