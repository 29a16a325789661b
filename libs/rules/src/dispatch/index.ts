export * from './dispatch.types';
export * from './intake.types';
export { route } from './dispatch.engine';
export { findOverride, overrideMatches, mentionsAny } from './override.matcher';
export { checkIntake, hashCitizenId, hashPhone, meaningfulLength } from './intake.checker';
