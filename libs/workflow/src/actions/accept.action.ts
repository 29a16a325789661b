import { defineAction } from './action';

/** 受理: the ticket is taken in (沪府办〔2020〕49号 Art. 4(一)). */
export const accept = defineAction({ type: 'accept', event: 'accepted' });
