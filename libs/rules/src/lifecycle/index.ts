/** The pure work-order state machine (docs/domain.md#work-order-life; 沪府办〔2020〕49号 Art. 4–7). */
export { DEFAULT_WORK_ORDER_CONFIG, allowedActions, createWorkOrder, transition } from './work-order-machine';
export type { NewWorkOrder } from './work-order-machine';
export { ACTION_RULES, OPEN_STATES } from './work-order.rules';
export type { ActionRule } from './work-order.rules';
export {
  ACTION_NAMES,
  ACTOR_ROLES,
  CLOCK_NAMES,
  STATUS_EVENT_TYPES,
  TERMINAL_STATES,
  UNIT_WORK_ORDER_TYPES,
  WORK_ORDER_STATES,
} from './work-order.types';
export type {
  ActionName,
  Actor,
  ActorRole,
  CallbackVisit,
  UnreachableCall,
  ClockEffect,
  ClockName,
  Effect,
  FlagBouncedEffect,
  NationalEffect,
  NationalReturnReason,
  PendingExtension,
  PendingObjection,
  ResumableState,
  Score,
  StatusEffect,
  StatusEventType,
  TerminalState,
  TransitionError,
  TransitionResult,
  UnitWorkOrderEffect,
  UnitWorkOrderType,
  WorkOrderAction,
  WorkOrderActionOf,
  WorkOrderConfig,
  WorkOrderContext,
  WorkOrderState,
} from './work-order.types';
