import { defineAction } from './action';

/** 按一般意见建议归档 (003 Art. 4(一)). */
export const archive = defineAction({ type: 'archive', event: 'archived' });
