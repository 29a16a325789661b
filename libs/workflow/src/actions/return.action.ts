import { defineAction } from './action';
import { latestClockOpen } from './checks';

/**
 * 退回国办 (沪府办〔2020〕49号 Art. 4(一)): the machine asks for the national return. Whether the
 * 5-WD return clock from receipt is still open is the hub's to find out; a ticket accepted before
 * the clock existed has none: not checked.
 */
export const returnNational = defineAction({
  type: 'return',
  event: 'returned',
  complete: async ({ tx, ticket }, input, at) => ({ ...input, withinWindow: await latestClockOpen(tx, ticket.id, 'return', at) }),
});
