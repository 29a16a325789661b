/**
 * The working-day clocks of a ticket (docs/domain.md#the-clocks): shared by the router (dispatch,
 * timers, sweeper) and the gateway (the work-order API, extensions, the calendar).
 */
export * from './clock.service';
export * from './clock.errors';
export * from './clock.settings';
export * from './clock.metrics';
export * from './calendar-change';
export * from './clock-notices';
