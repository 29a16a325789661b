export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const REDIS = Symbol('REDIS');
export const APP_NAME = Symbol('APP_NAME');
/** A pg Pool whose sessions force generic plans (createGenericPlanPool); connects on first use. */
export const GENERIC_PLAN_POOL = Symbol('GENERIC_PLAN_POOL');
/** The current time, injected so tests drive deadlines without sleeping (default: the system clock). */
export const NOW = Symbol('NOW');
export type NowFn = () => Date;
export const systemNow: NowFn = () => new Date();
