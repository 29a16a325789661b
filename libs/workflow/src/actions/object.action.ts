import { insertObjection, latestClockOfType } from '@hub/store';
import { defineAction } from './action';
import { nonEmpty } from './checks';

/** 异议 (沪府办〔2020〕49号 Art. 7(一)): the unit says the order is not its; the office reviews it. */
export const object = defineAction({
  type: 'object',
  event: 'objected',
  // Whether the window is open is the hub's to find out from the current assignment's objection
  // clock, never the caller's to claim. A policy without one (national transfers) sets no limit.
  complete: async ({ tx, ticket }, input, at) => {
    const c = await latestClockOfType(tx, ticket.id, 'objection');
    const withinWindow = !c || (c.state === 'running' && at.getTime() < c.due.getTime());
    return { ...input, withinWindow };
  },
  check: ({ action, opts }, c) => {
    c.unit('suggestedUnit', action.suggestedUnit);
    if (!nonEmpty(opts.details?.legalBasis)) c.fields.push({ path: 'legalBasis', message: 'an objection states its legal basis (载明相关依据, 沪府办〔2020〕49号 Art. 7(一))' });
  },
  logged: ({ opts }) => (opts.details?.legalBasis ? { legalBasis: opts.details.legalBasis } : {}),
  record: async ({ tx, ticket, ctx, action, opts, by, at }) => {
    const o = await insertObjection(tx, { ticketId: ticket.id, unitCode: ctx.unit ?? '', reason: action.reason, legalBasis: opts.details?.legalBasis ?? '', suggestedUnit: action.suggestedUnit, objectedBy: by, at });
    return o.id;
  },
});
