import { defineAction } from './action';

/** 签收: the unit takes the order. */
export const sign = defineAction({ type: 'sign', event: 'signed' });
