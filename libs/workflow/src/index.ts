/**
 * The lifecycle's executor (docs/domain.md#work-order-life): the one way a ticket changes state.
 * The clock service is imported from `@hub/workflow/clock`; `work-order-ticket` may be imported on
 * its own (`@hub/workflow/work-order-ticket`) by code the executor itself depends on.
 */
export * from './work-order.executor';
export * from './work-order.errors';
export * from './work-order.types';
export * from './work-order-ticket';
export * from './work-order-adoption';
export * from './workflow.module';
