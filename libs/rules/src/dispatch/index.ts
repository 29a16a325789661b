export * from './dispatch.types';
export * from './intake.types';
export { route } from './dispatch.engine';
export { findOverride, overrideMatches, mentionsAny } from './override.matcher';
export { checkIntake, hashCitizenId, hashPhone, meaningfulLength } from './intake.checker';
export { DEFAULT_ORDER, EVALUATION_ORDER, ruleOrderFor } from './rule-order';
export type { RuleOrder } from './rule-order';
