import type { FieldError } from '@hub/common';
import type { CompiledDirectory } from '@hub/rules/directory';
import type { ActionName, Actor, StatusEffect, WorkOrderActionOf, WorkOrderContext } from '@hub/rules/lifecycle';
import type { Queryable, StoredWorkOrder, TicketRow } from '@hub/store';
import type { ClockService } from '../clock/clock.service';
import type { ApplyOptions, ExecutorAction } from '../work-order.types';

/** Records an action may leave pending; the executor closes them as `lapsed` when the matter moves on without them. */
export type PendingRecord = 'objection' | 'appeal' | 'extension';

/** One action being run: the ticket as it was, what the machine made of it, and the transaction. */
export interface ActionStep<N extends ActionName = ActionName> {
  tx: Queryable;
  ticket: TicketRow;
  stored: StoredWorkOrder;
  /** the work order before the action */
  ctx: WorkOrderContext;
  /** the work order after it (the machine's answer) */
  next: WorkOrderContext;
  action: WorkOrderActionOf<N>;
  actor: Actor;
  opts: ApplyOptions;
  at: Date;
  /** the event log's actor */
  by: string;
  dir: CompiledDirectory | undefined;
  clocks: ClockService;
}

/** What `complete` reads: the locked ticket, its work order, the clocks. */
export interface CompleteContext {
  tx: Queryable;
  ticket: TicketRow;
  stored: StoredWorkOrder;
  clocks: ClockService;
}

/** What `check` uses to report a field and to check units against the active directory. */
export interface InputCheck {
  fields: FieldError[];
  /** a unit code that must exist and not be the hotline office */
  unit(path: string, code: string | undefined): void;
  units(path: string, codes: readonly string[] | undefined): void;
  /** a national transfer, or a ticket one was merged into: its result goes to the national platform */
  concernsNational(): Promise<boolean>;
  /** refuses a review of a record that is not the one pending on this ticket */
  pending(kind: 'objection' | 'appeal', id: string | undefined): Promise<void>;
}

/**
 * One work-order action as the executor runs it. The pure machine (`@hub/rules/lifecycle`
 * transition) decides whether it may happen and what it changes; this says what the hub does
 * around that: which event it logs, what it checks that the machine cannot, which record it leaves
 * and what it does after the clocks moved. Every hook is optional but `event`.
 */
export interface ActionDef<N extends ActionName = ActionName> {
  type: N;
  /** the event type left in the ticket's log (past tense) */
  event: string | ((action: WorkOrderActionOf<N>) => string);
  /** inputs only the hub can know (whether a window is open), filled before the machine sees the action */
  complete?(c: CompleteContext, input: Extract<ExecutorAction, { type: N }>, at: Date): Promise<WorkOrderActionOf<N>>;
  /** what the machine cannot check (units exist, a record is the pending one, the contract's required fields) */
  check?(s: ActionStep<N>, c: InputCheck): void | Promise<void>;
  /** what the event shows of the action's details beside its own fields (never citizen data) */
  logged?(s: Pick<ActionStep<N>, 'action' | 'opts'>): Record<string, unknown>;
  /** the record left beside the event; its id is the result's `recordId` */
  record?(s: ActionStep<N>): Promise<string | null>;
  /** pending records this action decides itself (the others are closed as `lapsed` when they end) */
  settles?: readonly PendingRecord[];
  /** the ticket this action merges this one into */
  mergesInto?(action: WorkOrderActionOf<N>): string;
  /** the unit a status event names, when not the machine's (`merged`: the unit of the ticket joined) */
  statusUnit?(s: ActionStep<N>, e: StatusEffect): Promise<string | null>;
  /** status types the action's own step sends (the machine's are skipped) */
  sendsItself?: readonly string[];
  /** after the clocks moved: a record or a new due of its own */
  afterClocks?(s: ActionStep<N>): Promise<{ recordId?: string | null; due?: Record<string, string> | null }>;
}

/** Declares an action (keeps its type parameter for the hooks). */
export function defineAction<N extends ActionName>(def: ActionDef<N>): ActionDef<N> {
  return def;
}
