import { createWorkOrder, transition, type Actor, type Effect, type WorkOrderAction, type WorkOrderConfig, type WorkOrderContext } from '@hub/rules/lifecycle';
import type { TicketRow } from '@hub/store';
import { contextMissing } from './work-order.errors';

const SYSTEM: Actor = { role: 'system' };

/**
 * The context of a ticket no executor has written, rebuilt by replaying through the machine the
 * steps that lead to its state: only states intake and routing reach without the executor.
 */
export function adopt(t: TicketRow, config: WorkOrderConfig): { ctx: WorkOrderContext; effects: Effect[] } {
  const fresh = createWorkOrder({ source: t.source, kind: t.ticket.kind, config });
  const before = '(decided before the work-order executor)';
  const steps: Record<string, WorkOrderAction[]> = {
    received: [],
    accepted: [{ type: 'accept' }],
    disputed: [{ type: 'accept' }, { type: 'dispute' }],
    not_accepted: [{ type: 'not_accept', reason: before }],
    archived: [{ type: 'archive' }],
    merged: [{ type: 'merge', into: t.mergedInto ?? 'unknown' }],
    returned: [{ type: 'return', reason: 'out_of_jurisdiction', detail: before }],
  };
  if (t.state === 'dispatched' && t.unitCode) {
    steps.dispatched = [{ type: 'accept' }, { type: 'dispatch', unit: t.unitCode, designated: t.ticket.designatedUnitCode === t.unitCode }];
  }
  const list = steps[t.state];
  if (!list) throw contextMissing(t.id, t.state);
  let ctx = fresh;
  const effects: Effect[] = [];
  for (const action of list) {
    const r = transition(ctx, action, SYSTEM);
    if (!r.ok) throw contextMissing(t.id, t.state);
    ctx = r.next;
    effects.push(...r.effects);
  }
  return { ctx, effects };
}
