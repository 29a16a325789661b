import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NOW, TicketPrivacy, type HubActor, type NowFn } from '@hub/common';
import { DataProtection } from '@hub/common/crypto';
import type { ChainPosition } from '@hub/common/crypto';
import { formatInstant } from '@hub/rules/calendar';
import { formatClockDue } from '@hub/rules/deadlines';
import type { CompiledDirectory } from '@hub/rules/directory';
import { allowedActions, type ActionName, type WorkOrderContext } from '@hub/rules/lifecycle';
import {
  appealsOf,
  callbacksOf,
  clocksOf,
  coInputsOf,
  disputes,
  eventsOf,
  extensionRequestsOf,
  isTicketId,
  listWorkOrders,
  loadStoredWorkOrder,
  loadTicket,
  mergesOf,
  objectionsOf,
  repliesOf,
  ReadReplica,
  type Queryable,
  type TicketRow,
  type WorkOrderListItem,
} from '@hub/store';
import { ClockService } from '@hub/workflow/clock';
import { WorkOrderService, ticketNotFound } from '@hub/workflow';
import { encodeCursor, type ListQuery } from './work-order-list.query';

export interface UnitRef {
  code: string;
  name: string;
}

export interface WorkOrderListEntry {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  title: string;
  state: string;
  /** the caller's role on it (unit lists) */
  role: 'lead' | 'co' | null;
  unit: UnitRef | null;
  designated: boolean;
  receivedAt: string;
  /** wire form of the open duty deadlines (`due`, docs/contracts.md#hotline-status-events) */
  due: Record<string, string>;
  /** a duty deadline is in its warning window (预警) */
  dueSoon: boolean;
  /** a duty deadline has passed (督办) */
  overdue: boolean;
  /** the office supervised an open duty deadline (督办, by the clock or by hand) */
  supervised: boolean;
  bounceFlagged?: boolean;
}

export interface WorkOrderPage {
  items: WorkOrderListEntry[];
  /** matching work orders, counted up to 1000 (LIST_COUNT_CAP) */
  total: number;
  /** false when more match than were counted: the console shows "1000+" */
  totalExact: boolean;
  /** pass as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

/** Where a reader stands: the office sees everything; a unit sees what its place in the chain allows. */
export interface Reader {
  office: boolean;
  chain: ChainPosition;
}

/**
 * Read side of the work-order API: lists, one work order with its history, the office's queue.
 * What a reader sees of the citizen follows citizenView (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10).
 */
@Injectable()
export class WorkOrderViews {
  constructor(
    private readonly ds: DataSource,
    private readonly workOrders: WorkOrderService,
    private readonly clocks: ClockService,
    private readonly privacy: TicketPrivacy,
    private readonly protection: DataProtection,
    private readonly replica: ReadReplica,
    @Inject(NOW) private readonly now: NowFn,
  ) {}

  /**
   * The office's list and search may read the replica (a few ms stale, docs/reliability.md#postgresql-read-replica);
   * a unit's list stays on the primary: the unit acts on what it lists.
   */
  async list(q: ListQuery, unitCode: string | undefined, office: boolean): Promise<WorkOrderPage> {
    const now = this.now();
    const { phone, ...search } = q.search;
    const read = <T>(fn: (db: Queryable) => Promise<T>): Promise<T> => (office ? this.replica.read(fn) : fn(this.ds));
    const { items, total, totalExact } = await read((db) => listWorkOrders(db, {
      ...search,
      // the citizen's phone is searched through its keyed hash only (docs/security.md)
      ...(phone !== undefined ? { phoneHash: this.protection.hashes({ phone }).phoneHash ?? '' } : {}),
      unitCode,
      states: q.states,
      source: q.source,
      dueSoon: q.dueSoon,
      overdue: q.overdue,
      flagged: q.flagged,
      after: q.after,
      limit: q.limit + 1,
      now,
    }));
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    // the calendar and directory caches load from the primary only: a replica behind must not put an older version back
    const tz = await this.timeZone(this.ds);
    const dir = await this.directory(this.ds);
    return {
      items: page.map((i) => this.entry(i, tz, dir, now, office)),
      total,
      totalExact,
      nextCursor: items.length > q.limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /** A unit's view of one work order; 404 when the unit does not handle it (revealing nothing). */
  async forUnit(actor: HubActor, ticketId: string, unitCode: string): Promise<Record<string, unknown>> {
    const t = isTicketId(ticketId) ? await loadTicket(this.ds, ticketId) : undefined;
    if (!t) throw ticketNotFound(ticketId);
    const ctx = await this.workOrders.contextOf(this.ds, t);
    const chain: ChainPosition = ctx.unit === unitCode ? 'lead' : ctx.coUnits.includes(unitCode) ? 'co' : 'none';
    if (chain === 'none') throw ticketNotFound(ticketId);
    const allowed = allowedActions(ctx, chain === 'lead' ? { role: 'unit', unitCode } : { role: 'co', unitCode });
    return this.build(actor, this.ds, t, ctx, { office: false, chain }, allowed);
  }

  async forOffice(actor: HubActor, ticketId: string): Promise<Record<string, unknown>> {
    const t = isTicketId(ticketId) ? await loadTicket(this.ds, ticketId) : undefined;
    if (!t) throw ticketNotFound(ticketId);
    const ctx = await this.workOrders.contextOf(this.ds, t);
    const allowed: string[] = allowedActions(ctx, { role: 'office' });
    if (ctx.state === 'merged') allowed.push('unmerge');
    return this.build(actor, this.ds, t, ctx, { office: true, chain: 'none' }, allowed);
  }

  /** 争议 and 退单 waiting for the office (沪府办〔2020〕49号 Art. 4(二), 7). */
  async disputes(limit: number): Promise<{ items: Array<Record<string, unknown>> }> {
    const dir = await this.directory(this.ds);
    const rows = await this.replica.read((db) => disputes(db, limit));
    const tz = await this.timeZone(this.ds);
    return {
      items: rows.map((r) => ({
        ticketId: r.id,
        source: r.source,
        externalId: r.externalId,
        title: r.title,
        state: r.state,
        // what the office has to do: name a unit, review an objection, or settle a second one by designation
        queue: r.state === 'disputed' ? 'designate' : r.secondObjection ? 'designate_after_second_objection' : 'review_objection',
        since: formatInstant(r.since, tz),
        // why it is disputed: no_location, no_directory, routing_failed (the hub could not route it) …
        reasonCode: r.disputeReasonCode,
        reason: r.disputeReason,
        unit: unitRef(dir, r.unitCode),
        objection: r.objectionId
          ? { id: r.objectionId, unit: unitRef(dir, r.objectingUnit), suggestedUnit: unitRef(dir, r.suggestedUnit), reason: r.objectionReason }
          : null,
      })),
    };
  }

  // --- internals --------------------------------------------------------------------------------------

  private async timeZone(db: Queryable): Promise<string> {
    return (await this.clocks.calendar(db)).timeZone;
  }

  private async directory(db: Queryable): Promise<CompiledDirectory | undefined> {
    return (await this.workOrders.directories.current(db))?.compiled;
  }

  private entry(i: WorkOrderListItem, tz: string, dir: CompiledDirectory | undefined, now: Date, office: boolean): WorkOrderListEntry {
    const due: Record<string, string> = {};
    let dueSoon = false;
    let overdue = false;
    let supervised = false;
    for (const c of i.clocks ?? []) {
      if (c.type !== 'contact' && c.type !== 'resolve') continue;
      if ((c.superviseCount ?? 0) > 0) supervised = true;
      const at = new Date(c.due);
      due[c.type] = formatClockDue({ due: at, days: c.days }, tz);
      if (c.state === 'missed' || at.getTime() <= now.getTime()) overdue = true;
    }
    if (!overdue) dueSoon = this.warned(i, now);
    return {
      id: i.id,
      source: i.source,
      externalId: i.externalId,
      kind: i.kind,
      title: i.title,
      state: i.state,
      role: i.role,
      unit: unitRef(dir, i.unitCode),
      designated: i.designated,
      receivedAt: formatInstant(new Date(i.receivedAt), tz),
      due,
      dueSoon,
      overdue,
      supervised,
      ...(office ? { bounceFlagged: i.bounceFlagged } : {}),
    };
  }

  /** The list's SQL filters on warn_at; the entry flag is recomputed from the same clocks. */
  private warned(i: WorkOrderListItem, now: Date): boolean {
    return (i.clocks ?? []).some((c) => (c.type === 'contact' || c.type === 'resolve') && c.state === 'running' && Date.parse(c.warnAt) <= now.getTime());
  }

  private async build(
    actor: HubActor,
    db: Queryable,
    t: TicketRow,
    ctx: WorkOrderContext,
    reader: Reader,
    allowed: readonly (ActionName | string)[],
  ): Promise<Record<string, unknown>> {
    const tz = await this.timeZone(db);
    const dir = await this.directory(db);
    const stored = await loadStoredWorkOrder(db, t.id);
    // What the reader may see of the citizen and the text (citizenView's rules); every unmasked
    // read is recorded in the PII access log (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10).
    const shown = await this.privacy.present(actor, { id: t.id, title: t.ticket.title, content: t.ticket.content, citizen: t.ticket.citizen }, reader.chain, { purpose: 'work_order_read' });
    const time = (d: Date | null | undefined): string | null => (d ? formatInstant(new Date(d), tz) : null);
    const [clocks, events, replies, objections, appeals, callbacks, coInputs, extensions, merges] = await Promise.all([
      clocksOf(db, t.id),
      eventsOf(db, t.id),
      repliesOf(db, t.id),
      objectionsOf(db, t.id),
      appealsOf(db, t.id),
      callbacksOf(db, t.id),
      coInputsOf(db, t.id),
      extensionRequestsOf(db, t.id),
      mergesOf(db, t.id),
    ]);
    return {
      id: t.id,
      source: t.source,
      sourceRecord: t.sourceRecord,
      externalId: t.externalId,
      kind: t.ticket.kind,
      channel: t.ticket.channel,
      categoryCode: t.ticket.categoryCode ?? null,
      serviceItemCode: t.ticket.serviceItemCode ?? null,
      title: shown.title,
      content: shown.content,
      citizen: shown.citizen,
      respondent: t.ticket.respondent ?? null,
      location: t.ticket.location ?? null,
      urgency: t.ticket.urgency,
      complex: t.ticket.complex,
      receivedAt: t.ticket.receivedAt,
      attachments: shown.contentHidden ? [] : t.ticket.attachments,
      evaluation: t.ticket.evaluation ?? null,
      national: t.ticket.national ?? null,
      state: ctx.state,
      role: reader.office ? null : reader.chain,
      unit: unitRef(dir, ctx.unit),
      coUnits: ctx.coUnits.map((c) => unitRef(dir, c)),
      designated: ctx.designated,
      assignedAt: time(stored?.assignedAt),
      mergedInto: t.mergedInto,
      pendingExtension: ctx.pendingExtension,
      allowedActions: allowed,
      ...(reader.office
        ? {
            bounces: ctx.bounces,
            bounceFlaggedAt: time(stored?.bounceFlaggedAt),
            unsatisfiedOnAnswer: ctx.unsatisfiedOnAnswer,
            config: ctx.config,
          }
        : {}),
      clocks: clocks.map((c) => ({
        id: c.id,
        type: c.type,
        state: c.state,
        unit: c.unitCode,
        startedAt: time(c.startedAt),
        due: formatClockDue(c, tz),
        dueDate: c.dueDate,
        warnAt: time(c.warnAt),
        provisional: c.provisional,
        metAt: time(c.metAt),
        missedAt: time(c.missedAt),
        stoppedAt: time(c.stoppedAt),
        superviseCount: c.superviseCount,
      })),
      replies: replies.map((r) => ({ ...r, createdAt: time(r.createdAt) })),
      objections: objections.map((o) => ({ ...o, createdAt: time(o.createdAt), reviewedAt: time(o.reviewedAt) })),
      appeals: appeals.map((a) => ({ ...a, createdAt: time(a.createdAt), reviewedAt: time(a.reviewedAt) })),
      callbacks: callbacks.map((c) => ({ ...c, createdAt: time(c.createdAt) })),
      coInputs: coInputs.map((c) => ({ ...c, createdAt: time(c.createdAt) })),
      extensionRequests: extensions.map((e) => ({ ...e, createdAt: time(e.createdAt), decidedAt: time(e.decidedAt) })),
      merges: merges.map((m) => ({ ...m, mergedAt: time(m.mergedAt), unmergedAt: time(m.unmergedAt) })),
      history: events.map((e) => ({ id: e.id, type: e.type, at: time(e.occurredAt), actor: e.actor, data: e.data })),
    };
  }
}

export function unitRef(dir: CompiledDirectory | undefined, code: string | null): UnitRef | null {
  if (code === null) return null;
  return { code, name: dir?.units.get(code)?.name ?? code };
}
