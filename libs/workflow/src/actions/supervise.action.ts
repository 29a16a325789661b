import { defineAction } from './action';

/** 督办 by the office. */
export const supervise = defineAction({ type: 'supervise', event: 'supervised' });
