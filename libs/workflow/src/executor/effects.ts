import { formatInstant } from '@hub/rules/calendar';
import type { CompiledDirectory } from '@hub/rules/directory';
import type { CallbackVisit, ClockEffect, ClockName, Effect, NationalEffect, StatusEffect, UnitWorkOrderEffect } from '@hub/rules/lifecycle';
import {
  latestReply,
  mergedNationalTransfers,
  openClocksOf,
  wireDue,
  type OutboxMessage,
  type Queryable,
  type TicketRow,
} from '@hub/store';
import { nationalResult, nationalReturn, unitWorkOrder, type NationalResultContent } from '@hub/connectors';
import { statusMessagesWithMerged } from '../status-messages';
import type { ClockService } from '../clock/clock.service';
import type { ActionDef, ActionStep } from '../actions/action';
import { citizenEventView, disclosedTo, recordDisclosures, workOrderTicket, type Disclosure } from '../work-order-ticket';
import { unitRef, withBody } from './helpers';

/**
 * The clock effects, in the machine's order (stops before starts). Consecutive starts with one
 * anchor are one call, so `dispatched` gets `{contact, resolve}` from one computation. Returns
 * the wire `due` of what was started.
 */
export async function runClocks(clocks: ClockService, s: Pick<ActionStep, 'tx' | 'ticket' | 'stored' | 'at'>, effects: readonly Effect[]): Promise<Record<string, string>> {
  const { tx, ticket: t, stored, at } = s;
  const list = effects.filter((e): e is ClockEffect => e.kind === 'clock');
  const due: Record<string, string> = {};
  for (let i = 0; i < list.length; ) {
    const e = list[i];
    if (e.op === 'start') {
      const { anchor, phase } = e;
      const types: ClockName[] = [];
      while (i < list.length) {
        const c = list[i];
        if (c.op !== 'start' || c.anchor !== anchor || c.phase !== phase) break;
        types.push(c.clock);
        i++;
      }
      // 沪府办〔2020〕49号 Art. 6(二) counts the appeal window from when the unit received the order.
      const from = anchor === 'assigned' ? (stored.assignedAt ?? at) : at;
      Object.assign(due, await clocks.start(tx, t, types, from, phase));
      continue;
    }
    if (e.op === 'meet') await clocks.meet(tx, t.id, e.clock, at);
    else if (e.op === 'stop') await clocks.stop(tx, t.id, [e.clock], at);
    // `extend` is the clock's decideExtension (review_extension's afterClocks).
    i++;
  }
  return due;
}

/** Status events, unit work orders and national calls, in the order the machine listed them. */
export async function messagesOf(s: ActionStep, def: ActionDef, effects: readonly Effect[], started: Record<string, string>): Promise<Array<OutboxMessage | null>> {
  const { tx, ticket: t, ctx, next, action, at, dir, opts } = s;
  const tz = (await s.clocks.calendar(tx)).timeZone;
  const occurredAt = formatInstant(at, tz);
  const out: Array<OutboxMessage | null> = [];
  let openDue: Record<string, string> | undefined;
  const currentDue = async (): Promise<Record<string, string>> => (openDue ??= wireDue(await openClocksOf(tx, t.id), tz));
  const hasStarted = Object.keys(started).length > 0;
  const disclosed: Array<Disclosure | undefined> = [];

  for (const e of effects) {
    if (e.kind === 'status') {
      if (def.sendsItself?.includes(e.type)) continue;
      out.push(...(await status(s, def, e, occurredAt, hasStarted ? started : null)));
    } else if (e.kind === 'work_order') {
      // Only units that registered a system get one (and only then is the due read).
      if (!dir?.units.get(e.unit)?.endpoint) continue;
      const due = e.type === 'redispatched_away' ? {} : hasStarted && (e.type === 'assigned' || e.type === 'reopened') ? { ...(await currentDue()), ...started } : await currentDue();
      const msg = unitMessage(t, e, dir, due, opts.workOrderBody);
      if (msg) out.push(msg);
      if (msg) disclosed.push(disclosedTo(e.unit, t, e.type === 'redispatched_away' ? 'none' : e.role, opts.workOrderBody?.citizenEvent));
    } else if (e.kind === 'national') {
      out.push(await national(tx, t, e, occurredAt));
    }
  }
  // Each source hears every event of the handled ticket (Yunnan Measures Art. 13); a national transfer merged
  // into this one hears the only thing the national contract lets it hear: the result.
  const concluded = (next.state === 'closed' || next.state === 'terminated') && ctx.state !== next.state;
  if (concluded) {
    const visit = next.state === 'closed' && action.type === 'callback' && 'visit' in action ? action.visit : next.lastVisit;
    for (const m of await mergedNationalTransfers(tx, t.id)) {
      const body = await resultBody(tx, t.id, visit, occurredAt);
      out.push(nationalResult(m.id, m.externalId, body));
    }
  }
  await recordDisclosures(tx, t.id, disclosed);
  return out;
}

async function status(s: ActionStep, def: ActionDef, e: StatusEffect, occurredAt: string, due: Record<string, string> | null): Promise<Array<OutboxMessage | null>> {
  const unitCode = def.statusUnit ? await def.statusUnit(s, e) : e.unit;
  return statusMessagesWithMerged(s.tx, s.ticket, e.type, { occurredAt, unit: unitRef(s.dir, unitCode), due, reason: e.reason, replyPoints: e.replyPoints });
}

/** A work order for a unit that registered its own system in the active directory. */
function unitMessage(t: TicketRow, e: UnitWorkOrderEffect, dir: CompiledDirectory | undefined, due: Record<string, string>, extra: Record<string, unknown> | undefined): OutboxMessage | null {
  const unit = dir?.units.get(e.unit);
  if (!unit?.endpoint) return null;
  const position = e.type === 'redispatched_away' ? 'none' : e.role;
  const msg = unitWorkOrder(unit.code, t.id, e.type, e.role, due, workOrderTicket(t, position));
  const event = extra?.citizenEvent;
  const seen = event !== null && typeof event === 'object' && !Array.isArray(event) ? { citizenEvent: citizenEventView(t, position, event as Record<string, unknown>) } : {};
  return withBody(msg, { reason: e.reason, ...(extra ?? {}), ...seen });
}

async function national(tx: Queryable, t: TicketRow, e: NationalEffect, occurredAt: string): Promise<OutboxMessage> {
  if (e.call === 'return') return nationalReturn(t.id, t.externalId, e.reason, e.detail, occurredAt);
  return nationalResult(t.id, t.externalId, await resultBody(tx, t.id, e.visit, occurredAt));
}

/**
 * The national `result`, after the callback: the handling unit's report and answer points
 * (谁承办，谁答复), who approved it, the sealed document, and the callback's findings.
 */
async function resultBody(tx: Queryable, ticketId: string, visit: CallbackVisit | null, concludedAt: string): Promise<NationalResultContent> {
  const reply = await latestReply(tx, ticketId);
  return {
    report: reply?.report ?? '',
    replyPoints: reply?.replyPoints ?? '',
    approvedBy: reply?.approvedBy ?? '',
    sealedDocument: reply?.sealedDocument ?? { name: '', sha256: '', url: '' },
    visit: {
      satisfied: visit?.satisfied ?? false,
      result: visit?.result ?? 1,
      efficiency: visit?.efficiency ?? 1,
      attitude: visit?.attitude ?? 1,
      note: visit?.note ?? '',
    },
    concludedAt,
  };
}
