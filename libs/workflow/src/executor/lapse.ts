import type { WorkOrderContext } from '@hub/rules/lifecycle';
import { closeAppeal, closeObjection, decideExtensionRequest, type Queryable } from '@hub/store';
import type { ActionDef } from '../actions/action';
import { pendingExtensionId } from '../actions/checks';

/** Records whose matter ended before anyone decided them are closed as `lapsed`, never left pending. */
export async function lapse(tx: Queryable, ticketId: string, ctx: WorkOrderContext, next: WorkOrderContext, def: ActionDef, at: Date, by: string): Promise<void> {
  const note = `lapsed: ${def.type}`;
  const settles = def.settles ?? [];
  if (ctx.state === 'objected' && next.state !== 'objected' && !settles.includes('objection')) {
    await closeObjection(tx, ticketId, { status: 'lapsed', by, at, note });
  }
  if (ctx.state === 'appealed' && next.state !== 'appealed' && !settles.includes('appeal')) {
    await closeAppeal(tx, ticketId, { status: 'lapsed', by, at, note });
  }
  if (ctx.pendingExtension !== null && next.pendingExtension === null && !settles.includes('extension')) {
    const id = await pendingExtensionId(tx, ticketId);
    // The extension_requests table knows approved and refused only; the note says it was never decided.
    if (id !== null) await decideExtensionRequest(tx, id, { status: 'refused', by: 'hub', note, at, previousDueDate: null });
  }
}
