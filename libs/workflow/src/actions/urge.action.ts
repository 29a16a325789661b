import { defineAction } from './action';

/** 催办 relayed from the hotline to the handling unit. */
export const urge = defineAction({ type: 'urge', event: 'urge_relayed' });
