import { defineAction } from './action';

/** No rule fits: the dispute queue, where the office names the unit. */
export const dispute = defineAction({ type: 'dispute', event: 'disputed' });
