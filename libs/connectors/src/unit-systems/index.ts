export * from './unit-work-order.types';
export * from './citizen-mask.util';
export * from './unit-work-order.message';
