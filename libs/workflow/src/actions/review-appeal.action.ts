import { closeAppeal } from '@hub/store';
import { defineAction } from './action';
import { latestClockOpen } from './checks';

/** The office decides an appeal (沪府办〔2020〕49号 Art. 6). */
export const reviewAppeal = defineAction({
  type: 'review_appeal',
  event: 'appeal_reviewed',
  settles: ['appeal'],
  // Upheld only within the appeal window (docs/rules.md, item 4).
  complete: async ({ tx, ticket }, input, at) => ({ ...input, withinWindow: await latestClockOpen(tx, ticket.id, 'appeal', at) }),
  check: ({ opts }, c) => c.pending('appeal', opts.details?.appealId),
  logged: ({ opts }) => (opts.details?.appealId ? { appealId: opts.details.appealId } : {}),
  record: async ({ tx, ticket, action, by, at }) => {
    const a = await closeAppeal(tx, ticket.id, { status: action.decision, by, at, note: action.reason ?? null });
    return a?.id ?? null;
  },
});
