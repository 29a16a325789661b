import { defineAction } from './action';

/** 不予受理 (001 Art. 8): the citizen is told why (001 Art. 11). */
export const notAccept = defineAction({ type: 'not_accept', event: 'not_accepted' });
