import { defineAction } from './action';

/** 按一般意见建议归档 (沪府办〔2020〕49号 Art. 4(一)). */
export const archive = defineAction({ type: 'archive', event: 'archived' });
