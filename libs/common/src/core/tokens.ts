export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const REDIS = Symbol('REDIS');
export const APP_NAME = Symbol('APP_NAME');
/** The current time, injected so tests drive deadlines without sleeping (default: the system clock). */
export const NOW = Symbol('NOW');
export type NowFn = () => Date;
export const systemNow: NowFn = () => new Date();
