import { defineAction } from './action';

/** 受理: the ticket is taken in (003 Art. 4(一)). */
export const accept = defineAction({ type: 'accept', event: 'accepted' });
