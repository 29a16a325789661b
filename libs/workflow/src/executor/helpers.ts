import type { CompiledDirectory } from '@hub/rules/directory';
import type { Actor, WorkOrderAction, WorkOrderContext } from '@hub/rules/lifecycle';
import type { OutboxMessage } from '@hub/store';
import type { ApplyOptions, LockedTicket, Performer } from '../work-order.types';

export const SYSTEM: Actor = { role: 'system' };

/** A routing decision's explanation, kept on its event (so an operator can explain it, docs/lifecycle.md). */
export interface RoutingNote {
  directoryVersion?: string | null;
  rule?: string;
  reasonCode?: string;
  reason?: string;
  trace?: readonly unknown[];
  at?: Date;
  /** more event data */
  data?: Record<string, unknown>;
  /** the ticket as `lock` read it in this transaction (not read again) */
  locked?: LockedTicket;
}

export function handles(ctx: WorkOrderContext, unitCode: string): boolean {
  return ctx.unit === unitCode || ctx.coUnits.includes(unitCode);
}

export function roster(ctx: WorkOrderContext): Array<{ unitCode: string; role: 'lead' | 'co' }> {
  if (ctx.unit === null) return [];
  return [{ unitCode: ctx.unit, role: 'lead' }, ...ctx.coUnits.map((unitCode) => ({ unitCode, role: 'co' as const }))];
}

export function rosterChanged(a: WorkOrderContext, b: WorkOrderContext): boolean {
  return a.unit !== b.unit || a.coUnits.length !== b.coUnits.length || a.coUnits.some((c) => !b.coUnits.includes(c));
}

export function byOf(actor: Actor, performer: Performer | undefined): string {
  if (actor.role === 'unit' || actor.role === 'co') return `unit:${actor.unitCode}:${performer?.id ?? actor.id ?? 'unknown'}`;
  if (actor.role === 'system') return performer?.id ?? 'system';
  return `${actor.role}:${performer?.id ?? actor.id ?? 'unknown'}`;
}

export function unitRef(dir: CompiledDirectory | undefined, code: string | null): { code: string; name: string } | null {
  if (code === null) return null;
  return { code, name: dir?.units.get(code)?.name ?? code };
}

export function withBody(msg: OutboxMessage, extra: Record<string, unknown>): OutboxMessage {
  return { ...msg, payload: { ...msg.payload, body: { ...(msg.payload.body ?? {}), ...extra } } };
}

/** What the event shows of a decision at a glance (review outcomes). */
export function decisionOf(action: WorkOrderAction): Record<string, unknown> {
  return 'decision' in action ? { decision: action.decision } : {};
}

export function routingOptions(note: RoutingNote, data: Record<string, unknown> = {}): ApplyOptions {
  return {
    by: 'router',
    at: note.at,
    locked: note.locked,
    directoryVersion: note.directoryVersion,
    data: {
      ...data,
      ...(note.rule !== undefined ? { rule: note.rule } : {}),
      ...(note.reasonCode !== undefined ? { reasonCode: note.reasonCode } : {}),
      ...(note.reason !== undefined ? { reason: note.reason } : {}),
      ...(note.directoryVersion !== undefined ? { directoryVersion: note.directoryVersion } : {}),
      ...(note.trace !== undefined ? { trace: note.trace } : {}),
      ...(note.data ?? {}),
    },
  };
}
