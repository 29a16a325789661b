export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const REDIS = Symbol('REDIS');
export const APP_NAME = Symbol('APP_NAME');
