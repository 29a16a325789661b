import type { ClockEffect, ClockName, Effect, WorkOrderConfig, WorkOrderContext } from '@hub/rules/lifecycle';
import {
  appendEvent,
  clockTypesOf,
  isTicketId,
  lastAssignedAt,
  loadStoredWorkOrder,
  loadTicket,
  lockTicketWithWorkOrder,
  saveWorkOrder,
  syncUnits,
  type Queryable,
} from '@hub/store';
import type { ClockService } from '../clock/clock.service';
import { adopt } from '../work-order-adoption';
import type { LockedTicket } from '../work-order.types';
import { roster } from './helpers';

/**
 * Locks the ticket and reads its context. A ticket stored before the executor existed (or routed
 * by a router that did not use it yet) has none: it is rebuilt from the row by replaying the
 * steps that lead to its state, and a dispatched one gets the clocks it never had, counted from
 * when it was dispatched (沪府办〔2020〕49号 Art. 5).
 */
export async function lockAndLoad(tx: Queryable, clocks: ClockService, ticketId: string, at: Date, configOf: () => Promise<WorkOrderConfig>): Promise<LockedTicket | undefined> {
  if (!isTicketId(ticketId)) return undefined;
  const found = await lockTicketWithWorkOrder(tx, ticketId);
  if (!found) return undefined;
  const { ticket, stored } = found;
  const config = await configOf();
  if (stored.context) return { ticket, stored, ctx: { ...(stored.context as WorkOrderContext), config } };

  const { ctx, effects } = adopt(ticket, config);
  if (ctx.state === 'received') return { ticket, stored, ctx };
  const assignedAt = ctx.unit !== null ? ((await lastAssignedAt(tx, ticket.id)) ?? ticket.updatedAt) : null;
  await saveWorkOrder(tx, ticket.id, { context: ctx, state: ctx.state, unitCode: ctx.unit, designated: ctx.designated, bounces: ctx.bounces, assignedAt: assignedAt ?? undefined });
  if (ctx.unit !== null) await syncUnits(tx, ticket.id, roster(ctx), assignedAt ?? at, 'hub');
  const missing = await neverStarted(tx, ticket.id, effects);
  if (missing.length > 0 && assignedAt) await clocks.start(tx, ticket, missing, assignedAt);
  await appendEvent(tx, ticket.id, 'work_order_adopted', 'hub', { state: ctx.state, unit: ctx.unit, clocksStarted: missing });
  const reloaded = await loadTicket(tx, ticketId, true);
  const restored = await loadStoredWorkOrder(tx, ticketId);
  if (!reloaded || !restored) return undefined;
  return { ticket: reloaded, stored: restored, ctx };
}

async function neverStarted(tx: Queryable, ticketId: string, effects: readonly Effect[]): Promise<ClockName[]> {
  const wanted = effects.filter((e): e is Extract<ClockEffect, { op: 'start' }> => e.kind === 'clock' && e.op === 'start').map((e) => e.clock);
  if (wanted.length === 0) return [];
  const seen = await clockTypesOf(tx, ticketId);
  return wanted.filter((c) => !seen.has(c));
}
