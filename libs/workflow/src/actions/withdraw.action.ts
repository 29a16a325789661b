import { defineAction } from './action';

/** 撤诉 relayed from the hotline. */
export const withdraw = defineAction({ type: 'withdraw', event: 'withdrawn' });
