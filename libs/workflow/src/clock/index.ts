// The clock service is shared by the router (timers, dispatch) and the gateway (work-order API).
// Temporary re-export while it is being finished in apps/router/src/clock; it moves here.
export * from '../../../../apps/router/src/clock/clock.service';
export * from '../../../../apps/router/src/clock/clock.errors';
export * from '../../../../apps/router/src/clock/clock.settings';
