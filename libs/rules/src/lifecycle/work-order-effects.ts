/**
 * Small builders for the declarative effects, so the machine reads as "what happens" and the
 * contract spellings live in one place.
 */
import type {
  ClockEffect,
  ClockName,
  Effect,
  StatusEventType,
  UnitWorkOrderEffect,
  UnitWorkOrderType,
  WorkOrderContext,
} from './work-order.types';

/**
 * A status event for the originating system. National transfers get none: the national platform
 * only takes receipt, return and result (docs/contracts.md#national-messages), emitted as `national` effects instead.
 */
export function statusEvent(
  ctx: WorkOrderContext,
  type: StatusEventType,
  unit: string | null,
  detail: { reason?: string | null; replyPoints?: string | null } = {},
): Effect[] {
  if (ctx.source === 'national') return [];
  return [{ kind: 'status', type, unit, reason: detail.reason ?? null, replyPoints: detail.replyPoints ?? null }];
}

export function workOrder(
  type: UnitWorkOrderType,
  unit: string,
  role: 'lead' | 'co',
  reason: string | null = null,
): UnitWorkOrderEffect {
  return { kind: 'work_order', type, unit, role, reason };
}

/** The same push to the lead and every co-handler (each with its role, docs/contracts.md#unit-systems). */
export function toHandlers(ctx: WorkOrderContext, type: UnitWorkOrderType, reason: string | null = null): Effect[] {
  if (ctx.unit === null) return [];
  return [workOrder(type, ctx.unit, 'lead', reason), ...ctx.coUnits.map((co) => workOrder(type, co, 'co', reason))];
}

export function startClock(clock: ClockName, anchor: 'now' | 'assigned' = 'now', phase?: 'assignment' | 'acceptance'): ClockEffect {
  return phase === undefined ? { kind: 'clock', op: 'start', clock, anchor } : { kind: 'clock', op: 'start', clock, anchor, phase };
}

export function meetClock(clock: ClockName): ClockEffect {
  return { kind: 'clock', op: 'meet', clock };
}

export function stopClock(clock: ClockName): ClockEffect {
  return { kind: 'clock', op: 'stop', clock };
}

/**
 * The clocks of a unit's assignment (1/5/15, 沪府办〔2020〕49号 Art. 5; objection window, 沪府办〔2020〕49号 Art. 7(二)). A
 * designated unit gets no objection window because it may not object.
 */
export function assignmentClocks(designated: boolean): ClockEffect[] {
  // 交办 is done once a unit has it; Yunnan's 受理 clock runs from here (Yunnan Measures Art. 10, 11).
  const types: ClockName[] = designated ? ['contact', 'resolve', 'accept'] : ['contact', 'resolve', 'objection', 'accept'];
  return [meetClock('forward'), ...types.map((t) => startClock(t, 'now', 'assignment'))];
}

/** Everything the current assignment may have running; stopping a stopped clock is a no-op. */
export function stopAssignmentClocks(ctx: WorkOrderContext): ClockEffect[] {
  const clocks: ClockName[] = ['contact', 'resolve', 'objection', 'accept'];
  if (ctx.state === 'appealed') clocks.push('appeal');
  return clocks.map(stopClock);
}

/**
 * Pushes for a change of who handles the matter: the new lead is assigned, a lead that stays on
 * as co-handler is re-assigned as `co`, anyone dropped is told `redispatched_away`, and new
 * co-handlers are assigned. Units whose role does not change hear nothing.
 */
export function rosterChanges(
  ctx: WorkOrderContext,
  lead: string,
  coUnits: readonly string[],
  reason: string | null,
): UnitWorkOrderEffect[] {
  const out: UnitWorkOrderEffect[] = [];
  if (lead !== ctx.unit) out.push(workOrder('assigned', lead, 'lead', reason));
  if (ctx.unit !== null && ctx.unit !== lead) {
    out.push(
      coUnits.includes(ctx.unit)
        ? workOrder('assigned', ctx.unit, 'co', reason)
        : workOrder('redispatched_away', ctx.unit, 'lead', reason),
    );
  }
  for (const co of ctx.coUnits) {
    if (co !== lead && !coUnits.includes(co)) out.push(workOrder('redispatched_away', co, 'co', reason));
  }
  for (const co of coUnits) {
    if (co !== ctx.unit && !ctx.coUnits.includes(co)) out.push(workOrder('assigned', co, 'co', reason));
  }
  return out;
}
