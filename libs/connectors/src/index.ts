/**
 * @hub/connectors: one folder per outside system (contracts README), plus what they share:
 * signing (docs/contracts.md#signed-requests), body validation and the delivery rules of outbound requests.
 */
export * from './common';
export * from './signing';
export * from './delivery';
export * from './hotline';
export * from './ywtb';
export * from './national';
export * from './unit-systems';
export * from './open311';
export * from './status-message';
