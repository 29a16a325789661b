import { closeObjection } from '@hub/store';
import { defineAction } from './action';
import { latestClockOpen } from './checks';

/**
 * The office decides an objection. An accepted one moves the order to another unit: logged as
 * `redispatched`, with the other routing decisions, so "why is it here" finds it.
 */
export const reviewObjection = defineAction({
  type: 'review_objection',
  event: (a) => (a.decision === 'accepted' ? 'redispatched' : 'objection_refused'),
  settles: ['objection'],
  // Accepted only within the objection window (docs/rules.md, item 4).
  complete: async ({ tx, ticket }, input, at) => (input.decision === 'accepted' ? { ...input, withinWindow: await latestClockOpen(tx, ticket.id, 'objection', at) } : input),
  check: async ({ action, ctx, opts }, c) => {
    if (action.decision === 'accepted') c.unit('unit', action.unit ?? ctx.pendingObjection?.suggestedUnit);
    await c.pending('objection', opts.details?.objectionId);
  },
  logged: ({ opts }) => (opts.details?.objectionId ? { objectionId: opts.details.objectionId } : {}),
  record: async ({ tx, ticket, next, action, by, at }) => {
    const o = await closeObjection(tx, ticket.id, {
      status: action.decision,
      by,
      at,
      note: action.decision === 'refused' ? action.reason : null,
      redispatchedTo: action.decision === 'accepted' ? next.unit : null,
    });
    return o?.id ?? null;
  },
});
