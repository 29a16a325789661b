import { insertCallback, latestReply } from '@hub/store';
import { defineAction } from './action';

/** 回访: the office asks the citizen about the answer; satisfied closes, unsatisfied reopens. */
export const callback = defineAction({
  type: 'callback',
  event: 'called_back',
  check: async ({ action }, c) => {
    if (!(await c.concernsNational())) return;
    // The national platform's `result` carries every score (docs/contracts.md).
    for (const k of ['result', 'efficiency', 'attitude'] as const) {
      if (action.visit[k] === undefined) c.fields.push({ path: k, message: 'required for a national transfer: the result carries every score (docs/contracts.md#national-messages)' });
    }
  },
  record: async ({ tx, ticket, ctx, action, by, at }) => {
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
