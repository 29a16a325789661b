import { TERMINAL_STATES } from '@hub/rules/lifecycle';
import { appendEvent, insertMerge, isTicketId, loadTicket } from '@hub/store';
import { defineAction } from './action';

/** 合并 (Yunnan Measures Art. 13): this ticket's source hears `merged`, then every event of the ticket it joined. */
export const merge = defineAction({
  type: 'merge',
  event: 'merged',
  mergesInto: (a) => a.into,
  check: async ({ tx, ticket, action }, c) => {
    if (action.into === ticket.id) {
      c.fields.push({ path: 'into', message: 'a ticket cannot be merged into itself' });
      return;
    }
    const into = isTicketId(action.into) ? await loadTicket(tx, action.into) : undefined;
    if (!into) c.fields.push({ path: 'into', message: `no ticket ${action.into}` });
    else if ((TERMINAL_STATES as readonly string[]).includes(into.state)) {
      c.fields.push({ path: 'into', message: `ticket ${action.into} is ${into.state}: merge into the ticket that is still being handled` });
    }
  },
  record: async ({ tx, ticket, ctx, action, by, at }) => {
    const m = await insertMerge(tx, { ticketId: ticket.id, intoTicketId: action.into, stateBefore: ctx.state, reason: action.reason ?? null, mergedBy: by, at });
    await appendEvent(tx, action.into, 'absorbed', by, { ticketId: ticket.id, source: ticket.source, externalId: ticket.externalId, reason: action.reason ?? null });
    return m.id;
  },
  // The merged ticket's source learns who handles the matter now: the unit of the ticket it joined.
  statusUnit: async ({ tx, action }, e) => (e.type === 'merged' ? ((await loadTicket(tx, action.into))?.unitCode ?? null) : e.unit),
});
