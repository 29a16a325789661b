import { defineAction } from './action';

/** 终止: the office ends the handling. */
export const terminate = defineAction({ type: 'terminate', event: 'terminated' });
