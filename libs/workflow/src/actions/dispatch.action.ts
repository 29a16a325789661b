import { defineAction } from './action';

/** 派单 (沪府办〔2020〕49号 Art. 4(二)): the unit's clocks start; the status carries them. */
export const dispatch = defineAction({ type: 'dispatch', event: 'dispatched' });
