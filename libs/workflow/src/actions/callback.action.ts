import { insertCallback, latestReply } from '@hub/store';
import { defineAction } from './action';

/**
 * 回访: the office asks the citizen about the answer; satisfied closes, unsatisfied reopens. A call
 * that reached nobody (联系不上) is its own event, which the reports do not count as a callback
 * (docs/rules.md item 9b; docs/reports.md).
 */
export const callback = defineAction({
  type: 'callback',
  event: (action) => ('unreachable' in action ? 'callback_unreachable' : 'called_back'),
  // Only the hub knows whether the citizen left any way to be reached.
  complete: async ({ ticket }, input) =>
    'unreachable' in input ? { ...input, unreachable: { ...input.unreachable, anonymous: ticket.ticket.citizen.anonymous } } : input,
  check: async ({ action }, c) => {
    if (!(await c.concernsNational())) return;
    if (!('visit' in action)) {
      c.fields.push({ path: 'unreachable', message: 'a national transfer (or a ticket one was merged into) cannot be closed as unreachable: its result carries every score (docs/contracts.md#national-messages)' });
      return;
    }
    // The national platform's `result` carries every score (docs/contracts.md).
    for (const k of ['result', 'efficiency', 'attitude'] as const) {
      if (action.visit[k] === undefined) c.fields.push({ path: k, message: 'required for a national transfer: the result carries every score (docs/contracts.md#national-messages)' });
    }
  },
  record: async ({ tx, ticket, ctx, action, by, at }) => {
    if (!('visit' in action)) return null;
    const reply = await latestReply(tx, ticket.id);
    const v = action.visit;
    const c = await insertCallback(tx, {
      ticketId: ticket.id,
      unitCode: ctx.unit,
      replyId: reply?.id ?? null,
      satisfied: v.satisfied,
      resolved: v.resolved ?? null,
      result: v.result ?? null,
      efficiency: v.efficiency ?? null,
      attitude: v.attitude ?? null,
      note: v.note ?? null,
      calledBy: by,
      at,
    });
    return c.id;
  },
});
