import { insertAppeal } from '@hub/store';
import { defineAction } from './action';

/** 申诉 (沪府办〔2020〕49号 Art. 6(一)): the unit contests a finding, with its evidence. */
export const appeal = defineAction({
  type: 'appeal',
  event: 'appealed',
  // Filed within 15 WD of receipt of the order (沪府办〔2020〕49号 Art. 6(二); docs/rules.md, item 4).
  complete: async ({ tx, ticket, stored, clocks }, input, at) => ({ ...input, withinWindow: await clocks.windowOpen(tx, ticket, 'appeal', stored.assignedAt ?? at, at) }),
  check: ({ opts }, c) => {
    const evidence = opts.details?.evidence;
    if (!evidence || evidence.length === 0) c.fields.push({ path: 'evidence', message: 'an appeal brings its evidence (沪府办〔2020〕49号 Art. 6(一))' });
  },
  record: async ({ tx, ticket, ctx, action, opts, by, at }) => {
    const a = await insertAppeal(tx, { ticketId: ticket.id, unitCode: ctx.unit ?? '', reason: action.reason, evidence: opts.details?.evidence ?? [], appealedBy: by, at });
    return a.id;
  },
});
