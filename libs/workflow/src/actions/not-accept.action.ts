import { defineAction } from './action';

/** 不予受理 (Yunnan Measures Art. 8): the citizen is told why (Yunnan Measures Art. 11). */
export const notAccept = defineAction({ type: 'not_accept', event: 'not_accepted' });
