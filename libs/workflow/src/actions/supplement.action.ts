import { defineAction } from './action';

/** 补充 relayed from the hotline to the handling unit. */
export const supplement = defineAction({ type: 'supplement', event: 'supplement_relayed' });
