export * from './hotline-order.dto';
export * from './hotline-order-event.dto';
export * from './hotline.mapper';
export * from './hotline-status.message';
