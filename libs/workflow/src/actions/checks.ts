import type { FieldError } from '@hub/common';
import type { CompiledDirectory } from '@hub/rules/directory';
import { allowedActions, type WorkOrderContext } from '@hub/rules/lifecycle';
import { countMergedNational, extensionRequestsOf, latestClockOfType, loadAppeal, loadObjection, type Queryable, type TicketRow } from '@hub/store';
import { notAllowed } from '../work-order.errors';
import type { InputCheck } from './action';

export function nonEmpty(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/**
 * Whether a window's clock of this type (the latest one) is still running at `at`. A ticket with
 * none (handled before the clock existed, or a policy without it) is not checked: undefined.
 */
export async function latestClockOpen(tx: Queryable, ticketId: string, type: 'return' | 'appeal' | 'objection', at: Date): Promise<boolean | undefined> {
  const c = await latestClockOfType(tx, ticketId, type);
  if (!c) return undefined;
  return c.state === 'running' && at.getTime() < c.due.getTime();
}

/** The extension request still waiting for the office, if any. */
export async function pendingExtensionId(tx: Queryable, ticketId: string): Promise<string | null> {
  const pending = (await extensionRequestsOf(tx, ticketId)).filter((r) => r.status === 'pending');
  return pending[0]?.id ?? null;
}

/** A national transfer, or a ticket a national transfer was merged into: its result goes to the national platform. */
export async function concernsNational(tx: Queryable, t: TicketRow): Promise<boolean> {
  if (t.source === 'national') return true;
  return (await countMergedNational(tx, t.id)) > 0;
}

/** The checks an action's `check` hook uses, collecting field errors for one 422. */
export function inputCheck(tx: Queryable, t: TicketRow, ctx: WorkOrderContext, dir: CompiledDirectory | undefined): InputCheck {
  const fields: FieldError[] = [];
  const unit = (path: string, code: string | undefined): void => {
    if (code === undefined || !dir) return;
    const u = dir.units.get(code);
    if (!u) fields.push({ path, message: `unknown unit ${code} (not in the active directory)` });
    else if (u.kind === 'office') fields.push({ path, message: `${code} is the hotline office, which never handles a work order itself` });
  };
  return {
    fields,
    unit,
    units: (path, codes) => codes?.forEach((c, i) => unit(`${path}[${i}]`, c)),
    concernsNational: () => concernsNational(tx, t),
    pending: async (kind, id) => {
      if (id === undefined) return;
      const row = kind === 'objection' ? await loadObjection(tx, id) : await loadAppeal(tx, id);
      if (!row || row.ticketId !== t.id || row.status !== 'pending') {
        throw notAllowed(`${kind} ${id} is not the one pending on this ticket (already ${row?.status ?? 'unknown'})`, ctx.state, allowedActions(ctx, { role: 'office' }));
      }
    },
  };
}
