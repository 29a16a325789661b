/** Deadline policies and clocks (docs/domain.md#the-clocks; 沪府办〔2020〕49号 Art. 4–7; Yunnan Measures Art. 10–13). */
export {
  CLOCK_POLICIES,
  CLOCK_TYPES,
  NATIONAL,
  SHANGHAI_1_5_15,
  SUPERVISION_LEVELS,
  YUNNAN_2_3_10,
  clocksForPhase,
  defineClockPolicy,
  getClockPolicy,
} from './clock-policy';
export type { ClockPolicy, ClockPolicyInput, ClockType, ExtensionCap, SupervisionLevel } from './clock-policy';
export { DEFAULT_POLICY_TABLE, selectPolicy } from './policy-selection';
export type { PolicySelectionRule, PolicySelectionTable, Urgency } from './policy-selection';
export { CLOCK_UNITS, asStep, spanEnd, spanWarnAt } from './clock-span';
export type { ClockStep, ClockUnit } from './clock-span';
export { applyCeiling, clockDays, clockStep, evaluateClock, formatClockDue, startClocks, warnAtFor } from './deadline-clock';
export type { ClockCeiling, ClockState, ClockStatus, ClockSubject, DeadlineClock } from './deadline-clock';
export { supervisionPlan } from './supervision-plan';
export type { SupervisionStep } from './supervision-plan';
export { applyExtension } from './clock-extension';
export type { ExtensionError, ExtensionResult } from './clock-extension';
export { recomputeClock } from './clock-recompute';
export type { RecomputeResult } from './clock-recompute';
export { applicableClocks } from './duty-clocks';
export { DEFAULT_CLOCK_SETTINGS, compileClockSettings } from './clock-settings';
export type { ClockSettings as OfficeClockSettings, ClockSettingsResult, CompiledClockSettings } from './clock-settings';
