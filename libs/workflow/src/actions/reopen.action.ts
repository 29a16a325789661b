import { defineAction } from './action';

/** 重办: the office sends the matter back to the unit. */
export const reopen = defineAction({ type: 'reopen', event: 'reopened' });
