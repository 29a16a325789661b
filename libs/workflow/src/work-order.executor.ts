import { Inject, Injectable, Logger } from '@nestjs/common';
import { NOW, type FieldError, type NowFn } from '@hub/common';
import { formatInstant } from '@hub/rules/calendar';
import type { CompiledDirectory } from '@hub/rules/directory';
import {
  DEFAULT_WORK_ORDER_CONFIG,
  TERMINAL_STATES,
  allowedActions,
  createWorkOrder,
  transition,
  type ActionName,
  type Actor,
  type CallbackVisit,
  type ClockEffect,
  type ClockName,
  type Effect,
  type NationalEffect,
  type StatusEffect,
  type UnitWorkOrderEffect,
  type WorkOrderAction,
  type WorkOrderConfig,
  type WorkOrderContext,
} from '@hub/rules/lifecycle';
import {
  DirectoryCache,
  appendEvent,
  closeAppeal,
  closeObjection,
  decideExtensionRequest,
  endMerge,
  extensionRequestsOf,
  flagBounced,
  flushWrites,
  closeWrites,
  openWrites,
  insertAppeal,
  insertCallback,
  insertCoInput,
  insertMerge,
  insertObjection,
  insertReply,
  isTicketId,
  latestClockOfType,
  latestReply,
  loadAppeal,
  loadObjection,
  loadStoredWorkOrder,
  loadTicket,
  lockTicketWithWorkOrder,
  nationalResult,
  nationalReturn,
  officeSetting,
  openClocksOf,
  queryRows,
  saveWorkOrder,
  statusMessage,
  statusMessagesWithMerged,
  syncUnits,
  unitWorkOrder,
  wireDue,
  writeOutbox,
  type NationalResultBody,
  type OutboxMessage,
  type Queryable,
  type StoredWorkOrder,
  type TicketRow,
} from '@hub/store';
import { ClockService } from '@hub/workflow/clock';
import { adopt } from './work-order-adoption';
import { workOrderTicket } from './work-order-ticket';
import { fieldOfMachineMessage, forbidden, invalidInput, notAllowed, ticketNotFound } from './work-order.errors';
import type { ApplyOptions, ApplyResult, ExecutorAction, LockedTicket, Performer } from './work-order.types';

const SYSTEM: Actor = { role: 'system' };
const OFFICE_SETTING = 'work_order';

/**
 * The event type each action leaves in the ticket's log. Past tense like the router's and the
 * clock's events; the extension actions have names of their own because the clock already logs
 * `extension_requested` / `extension_approved` / `extension_refused` with the deadline arithmetic.
 */
const EVENT_OF: Record<ActionName, string> = {
  accept: 'accepted',
  not_accept: 'not_accepted',
  archive: 'archived',
  merge: 'merged',
  return: 'returned',
  dispatch: 'dispatched',
  dispute: 'disputed',
  designate: 'designated',
  sign: 'signed',
  contact: 'contacted',
  reply: 'replied',
  object: 'objected',
  review_objection: 'objection_reviewed',
  request_extension: 'extension_filed',
  review_extension: 'extension_reviewed',
  appeal: 'appealed',
  review_appeal: 'appeal_reviewed',
  callback: 'called_back',
  reopen: 'reopened',
  terminate: 'terminated',
  supervise: 'supervised',
  co_input: 'co_input',
  set_lead: 'lead_set',
  withdraw: 'withdrawn',
  supplement: 'supplement_relayed',
  urge: 'urge_relayed',
};

/**
 * An accepted objection moves the order to another unit: logged as `redispatched`, with the other
 * routing decisions (dispatched, designated), so "why is it here" finds it (GET …/routing).
 */
function eventOf(action: WorkOrderAction): string {
  if (action.type === 'review_objection') return action.decision === 'accepted' ? 'redispatched' : 'objection_refused';
  return EVENT_OF[action.type];
}

/** A routing decision's explanation, kept on its event (so an operator can explain it, DOMAIN.md "Dispatch"). */
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

type Loaded = LockedTicket;

/**
 * The one way a ticket changes state (DOMAIN.md "A work order's life"; 003 Art. 4–7). Every call
 * runs inside the caller's transaction: it locks the ticket, asks the pure machine
 * (`@hub/rules/lifecycle` transition) whether the action may happen, and if so writes — in that
 * same transaction — the new context and state, who handles the ticket, the action's record, one
 * event with who/what/before/after (001 Art. 17), and every effect the machine asked for: status
 * events for the source (contracts §3/§4, also to every ticket merged into this one), work orders
 * for units' own systems (§6), national returns and results (§5), and the clocks (003 Art. 5).
 * Refusals throw a HubError and the caller's transaction rolls back: nothing changes.
 */
@Injectable()
export class WorkOrderService {
  private readonly logger = new Logger(WorkOrderService.name);
  constructor(
    readonly directories: DirectoryCache,
    private readonly clocks: ClockService,
    @Inject(NOW) private readonly now: NowFn,
  ) {
    this.clocks.onWindowExpired((tx, ticketId, type, at) => this.lapseWindow(tx, ticketId, type, at));
  }

  // --- the executor ----------------------------------------------------------------------------------

  async apply(tx: Queryable, ticketId: string, input: ExecutorAction, actor: Actor, opts: ApplyOptions = {}): Promise<ApplyResult> {
    const at = opts.at ?? this.now();
    const loaded = await this.lockedOrLoad(tx, ticketId, at, opts.locked);
    if (!loaded) throw ticketNotFound(ticketId);
    // A unit acting on a ticket it does not handle learns nothing, not even that it exists.
    if ((actor.role === 'unit' || actor.role === 'co') && !handles(loaded.ctx, actor.unitCode)) throw ticketNotFound(ticketId);
    return this.buffered(tx, async () => (await this.step(tx, loaded, input, actor, opts, at)).result);
  }

  /**
   * Runs `work` with the event log and outbox rows it writes collected and written in one
   * statement at the end (openWrites; nothing in an action reads them back). A refusal thrown
   * midway drops what was collected: the caller's transaction is rolled back.
   */
  private async buffered<T>(tx: Queryable, work: () => Promise<T>): Promise<T> {
    const mine = openWrites(tx);
    let result: T;
    try {
      result = await work();
    } catch (e) {
      if (mine) closeWrites(tx);
      throw e;
    }
    if (mine) await flushWrites(tx);
    return result;
  }

  /**
   * Several actions on one ticket in one go (the router's accept-then-dispatch): the ticket is
   * locked and read once, and each action starts from what the previous one left, kept in memory
   * (`step` returns it) instead of being read back. Each action is still checked by the machine and
   * leaves its own event and messages, in order. `when` skips an action whose condition does not
   * hold on the ticket as it was locked.
   */
  private async applyAll(
    tx: Queryable,
    ticketId: string,
    steps: ReadonlyArray<{ input: ExecutorAction; opts: ApplyOptions; when?: (ctx: WorkOrderContext) => boolean }>,
    at: Date,
  ): Promise<ApplyResult> {
    const first = await this.lockedOrLoad(tx, ticketId, at, steps[0]?.opts.locked);
    if (!first) throw ticketNotFound(ticketId);
    let loaded: Loaded = first;
    // A dispatch starts clocks: the calendar is read once, under its lock, for every step (the
    // accept before it would otherwise read it unlocked first). Ticket first, then the calendar.
    if (steps.some((s) => s.input.type === 'dispatch')) await this.clocks.calendars.loadForWrite(tx);
    const run = steps.filter((s) => !s.when || s.when(first.ctx));
    return this.buffered(tx, async () => {
      let last: ApplyResult | undefined;
      for (const [i, s] of run.entries()) {
        // Only the last step's work order is saved: the ones before it would be overwritten in the
        // same transaction, and nothing between reads them back (the clocks read the unit, which
        // only the step that changes it — the last — sets).
        ({ result: last, loaded } = await this.step(tx, loaded, s.input, SYSTEM, s.opts, at, { save: i === run.length - 1 }));
      }
      if (!last) throw new Error('applyAll: no step ran');
      return last;
    });
  }

  /** One action on a locked, loaded ticket; returns its result and the ticket as it now stands. */
  private async step(
    tx: Queryable,
    loaded: Loaded,
    input: ExecutorAction,
    actor: Actor,
    opts: ApplyOptions,
    at: Date,
    how: { save: boolean } = { save: true },
  ): Promise<{ result: ApplyResult; loaded: Loaded }> {
    const { ticket, stored, ctx } = loaded;

    const action = await this.complete(tx, loaded, input, at);
    const result = transition(ctx, action, actor);
    if (!result.ok) {
      if (result.error === 'not_allowed') throw notAllowed(result.message, result.state, result.allowed);
      if (result.error === 'wrong_actor') throw forbidden(result.message, result.state, result.allowed);
      throw invalidInput([{ path: fieldOfMachineMessage(action.type, result.message), message: result.message }]);
    }
    const next = result.next;
    const dir = (await this.directories.current(tx))?.compiled;
    await this.checkInput(tx, ticket, ctx, action, opts, dir);

    const by = opts.by ?? byOf(actor, opts.performer);
    const unitChanged = next.unit !== ctx.unit;
    const assignedAt = unitChanged && next.unit !== null ? at : undefined;
    const mergedInto = action.type === 'merge' ? action.into : undefined;
    const save = (): Promise<number> => saveWorkOrder(tx, ticket.id, {
      context: next,
      state: next.state,
      unitCode: next.unit,
      designated: next.designated,
      bounces: next.bounces,
      assignedAt,
      mergedInto,
      directoryVersion: opts.directoryVersion,
    });
    if (!how.save && (unitChanged || mergedInto !== undefined)) throw new Error(`applyAll: ${action.type} changes the unit or merge and must be the last step`);
    const rowVersion = how.save ? await save() : ticket.rowVersion;
    if (rosterChanged(ctx, next)) await syncUnits(tx, ticket.id, roster(next), at, by);

    await appendEvent(tx, ticket.id, eventOf(action), by, {
      action: action.type,
      ...decisionOf(action),
      input: inputOf(action, opts),
      before: { state: ctx.state, unit: ctx.unit, coUnits: ctx.coUnits },
      after: { state: next.state, unit: next.unit, coUnits: next.coUnits },
      ...(opts.performer ? { performer: opts.performer } : {}),
      ...(opts.data ?? {}),
    });

    let recordId = await this.record(tx, ticket, ctx, next, action, opts, at, by);
    await this.lapse(tx, ticket.id, ctx, next, action, at, by);

    const effects = result.effects;
    const due = await this.runClocks(tx, ticket, stored, effects, at);
    let extendedDue: Record<string, string> | null = null;
    if (action.type === 'request_extension') {
      // The clock checks the date against the policy's cap now, so the unit learns at once that
      // it is impossible (422), and keeps the request for the office (003 Art. 5).
      const request = await this.clocks.requestExtension(tx, ticket.id, ctx.unit ?? '', action.dueDate, action.reason);
      recordId = request.id;
    }
    if (action.type === 'review_extension') {
      const requestId = opts.details?.extensionRequestId ?? (await this.pendingExtensionId(tx, ticket.id));
      if (requestId === null) throw notAllowed('no extension request is pending', ctx.state, allowedActions(ctx, actor));
      const note = action.decision === 'refused' ? action.reason : (opts.details?.note ?? null);
      // The clock moves the resolve deadline within the policy's cap and tells the source
      // `extended` with the new `due` itself (003 Art. 5), so those two effects are its.
      const decided = await this.clocks.decideExtension(tx, requestId, action.decision === 'approved', by, note);
      extendedDue = decided.due;
    }

    const messages = await this.messages(tx, ticket, ctx, next, action, effects, due, at, dir, opts);
    await writeOutbox(tx, messages);
    let bounceFlaggedAt = stored.bounceFlaggedAt;
    for (const e of effects) {
      if (e.kind !== 'flag_bounced') continue;
      await flagBounced(tx, ticket.id, at);
      bounceFlaggedAt ??= at;
      await appendEvent(tx, ticket.id, 'bounce_flagged', 'hub', { bounces: e.bounces, maxBounces: e.maxBounces, unit: next.unit });
      this.logger.warn({ ticketId: ticket.id, bounces: e.bounces, maxBounces: e.maxBounces }, 'ticket bounced between units');
    }
    // The ticket as this action left it, as lockAndLoad would read it back (same transaction, row
    // still locked by it): what the next action of applyAll starts from.
    const after: Loaded = {
      ticket: {
        ...ticket,
        state: next.state,
        unitCode: next.unit,
        mergedInto: mergedInto ?? ticket.mergedInto,
        directoryVersion: opts.directoryVersion ?? ticket.directoryVersion,
        rowVersion,
      },
      stored: { context: next, designated: next.designated, bounces: next.bounces, assignedAt: assignedAt ?? stored.assignedAt, bounceFlaggedAt },
      ctx: next,
    };
    return { result: this.result(ticket.id, action.type, ctx, next, extendedDue ?? (Object.keys(due).length > 0 ? due : null), recordId), loaded: after };
  }

  // --- for the router: every intake and routing decision goes through `apply` ---------------------

  /**
   * Locks a ticket and reads it with its work order, for a caller that looks at it before it
   * decides (the router) and then passes it on (`RoutingNote.locked`) so it is not read twice.
   */
  lock(tx: Queryable, ticketId: string): Promise<LockedTicket | undefined> {
    return this.lockAndLoad(tx, ticketId, this.now());
  }

  private async lockedOrLoad(tx: Queryable, ticketId: string, at: Date, locked: LockedTicket | undefined): Promise<Loaded | undefined> {
    if (!locked) return this.lockAndLoad(tx, ticketId, at);
    if (locked.ticket.id !== ticketId.toLowerCase()) throw new Error(`locked ticket ${locked.ticket.id} passed for ${ticketId}`);
    return locked;
  }

  /** The `accept` step of a routing decision: taken only while the ticket is still `received`. */
  private acceptStep(note: RoutingNote): { input: ExecutorAction; opts: ApplyOptions; when: (ctx: WorkOrderContext) => boolean } {
    return { input: { type: 'accept' }, opts: routingOptions(note), when: (ctx) => ctx.state === 'received' };
  }

  /**
   * 派单 (003 Art. 4(二)): accepts a `received` ticket first, then sends it to `unitCode` (and its
   * co-handlers). `designated` when the upstream named the unit (指定谁、谁办理): it may not object.
   * The unit's 1/5/15 clocks start at `note.at` (003 Art. 5); the `dispatched` status carries them.
   */
  async dispatch(
    tx: Queryable,
    ticketId: string,
    d: { unitCode: string; designated?: boolean; coUnits?: string[] },
    note: RoutingNote = {},
  ): Promise<ApplyResult> {
    return this.applyAll(
      tx,
      ticketId,
      [this.acceptStep(note), { input: { type: 'dispatch', unit: d.unitCode, designated: d.designated, coUnits: d.coUnits }, opts: routingOptions(note, { unitCode: d.unitCode }) }],
      note.at ?? this.now(),
    );
  }

  /** No rule fits: accepted, then the dispute queue (争议事项由热线管理办公室指定, 003 Art. 4(二)). */
  async dispute(tx: Queryable, ticketId: string, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.applyAll(tx, ticketId, [this.acceptStep(note), { input: { type: 'dispute', reason: note.reason }, opts: routingOptions(note) }], note.at ?? this.now());
  }

  /** 不予受理 (001 Art. 8): the citizen is told why (001 Art. 11). */
  notAccept(tx: Queryable, ticketId: string, note: RoutingNote & { reason: string }): Promise<ApplyResult> {
    const reason = note.reasonCode ? `${note.reasonCode}: ${note.reason}` : note.reason;
    return this.apply(tx, ticketId, { type: 'not_accept', reason }, SYSTEM, routingOptions(note));
  }

  /** 按一般意见建议归档 (003 Art. 4(一)). */
  archive(tx: Queryable, ticketId: string, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.apply(tx, ticketId, { type: 'archive', reason: note.reason }, SYSTEM, routingOptions(note));
  }

  /** 退回国办 (003 Art. 4(一)): out of jurisdiction or incomplete; writes the §5 `return`. */
  returnNational(tx: Queryable, ticketId: string, r: { reason: 'out_of_jurisdiction' | 'incomplete_elements'; detail: string }, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.apply(tx, ticketId, { type: 'return', reason: r.reason, detail: r.detail }, SYSTEM, routingOptions(note));
  }

  /** 合并 (001 Art. 13) by the hub: this ticket's source hears `merged`, then every event of `into`. */
  merge(tx: Queryable, ticketId: string, into: string, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.apply(tx, ticketId, { type: 'merge', into, reason: note.reason }, SYSTEM, routingOptions(note));
  }

  /**
   * 补充 / 催办 / 撤诉 relayed from the hotline (contracts §3 events). Answers null instead of
   * throwing when the machine refuses (the matter is already concluded): the citizen event is
   * recorded at intake either way, and a refusal is not a reason to retry the job.
   */
  async citizenEvent(
    tx: Queryable,
    ticketId: string,
    e: { type: 'withdraw' | 'supplement' | 'urge'; content?: string; payload?: Record<string, unknown> },
    note: RoutingNote = {},
  ): Promise<ApplyResult | null> {
    const action: WorkOrderAction =
      e.type === 'withdraw' ? { type: 'withdraw', reason: e.content } : e.type === 'supplement' ? { type: 'supplement', content: e.content } : { type: 'urge', content: e.content };
    try {
      return await this.apply(tx, ticketId, action, SYSTEM, { ...routingOptions(note), workOrderBody: { citizenEvent: e.payload ?? { type: e.type, content: e.content } } });
    } catch (err) {
      if (err instanceof Error && 'code' in err && (err as { code: unknown }).code === 'not_allowed') return null;
      throw err;
    }
  }

  // --- outside the machine -----------------------------------------------------------------------------

  /**
   * 取消合并: the ticket is its own matter again. It goes to the dispute queue, whatever it was
   * before the merge, so the office names its unit by hand (re-routing it would only merge it again),
   * and its source hears `accepted` again: the only status that says "alive, awaiting dispatch".
   */
  async unmerge(tx: Queryable, ticketId: string, reason: string, performer: Performer): Promise<ApplyResult> {
    const at = this.now();
    // Lock order: the handled ticket before the one merged into it, as an action on the handled
    // ticket does (it writes messages for its merged tickets while holding its own lock).
    if (isTicketId(ticketId)) {
      const link = await queryRows<{ into: string | null }>(tx, `SELECT merged_into::text AS into FROM tickets WHERE id = $1`, [ticketId]);
      if (link[0]?.into) await loadTicket(tx, link[0].into, true);
    }
    const loaded = await this.lockAndLoad(tx, ticketId, at);
    if (!loaded) throw ticketNotFound(ticketId);
    const { ticket, ctx } = loaded;
    if (ctx.state !== 'merged') throw notAllowed(`unmerge needs a merged ticket; this one is ${ctx.state}`, ctx.state, allowedActions(ctx, { role: 'office' }));
    const fresh = createWorkOrder({ source: ticket.source, kind: ticket.ticket.kind, config: ctx.config });
    const accepted = transition(fresh, { type: 'accept' }, SYSTEM);
    const disputed = accepted.ok ? transition(accepted.next, { type: 'dispute', reason: 'unmerged' }, SYSTEM) : accepted;
    if (!disputed.ok) throw new Error(`unmerge: the machine refused to rebuild the ticket: ${disputed.message}`);
    const next = disputed.next;
    const by = byOf({ role: 'office', id: performer.id }, performer);
    const from = ticket.mergedInto;
    await saveWorkOrder(tx, ticket.id, { context: next, state: next.state, unitCode: null, designated: false, bounces: next.bounces, assignedAt: null, mergedInto: null });
    await endMerge(tx, ticket.id, { by, at, reason });
    await appendEvent(tx, ticket.id, 'unmerged', by, { from, reason, before: { state: ctx.state }, after: { state: next.state }, performer });
    if (from) await appendEvent(tx, from, 'released', by, { ticketId: ticket.id, reason });
    const tz = await this.timeZone(tx);
    await writeOutbox(tx, [statusMessage(ticket, 'accepted', { occurredAt: formatInstant(at, tz), reason: `取消合并，重新作为独立工单办理 (unmerged): ${reason}` })]);
    return this.result(ticket.id, 'unmerge', ctx, next, null, null);
  }

  // --- reading ----------------------------------------------------------------------------------------

  /** The context of a ticket as the executor would see it (no lock, nothing written). */
  async contextOf(db: Queryable, ticket: TicketRow): Promise<WorkOrderContext> {
    const stored = await loadStoredWorkOrder(db, ticket.id);
    const config = await this.config(db);
    if (stored?.context) return { ...(stored.context as WorkOrderContext), config };
    return adopt(ticket, config).ctx;
  }

  /** The installation's lifecycle settings (office_settings `work_order`), checked like the machine checks them. */
  async config(db: Queryable): Promise<WorkOrderConfig> {
    const raw = await officeSetting<WorkOrderConfig>(db, OFFICE_SETTING, DEFAULT_WORK_ORDER_CONFIG);
    try {
      return createWorkOrder({ source: 'hotline', kind: 'complaint', config: raw }).config;
    } catch (e) {
      this.logger.error({ err: e, setting: OFFICE_SETTING }, 'office setting work_order is invalid; using the defaults');
      return DEFAULT_WORK_ORDER_CONFIG;
    }
  }

  // --- internals --------------------------------------------------------------------------------------

  private result(ticketId: string, action: ApplyResult['action'], before: WorkOrderContext, next: WorkOrderContext, due: Record<string, string> | null, recordId: string | null): ApplyResult {
    return { ticketId, action, before: before.state, state: next.state, unit: next.unit, coUnits: next.coUnits, due, recordId, context: next };
  }

  /**
   * Locks the ticket and reads its context. A ticket stored before the executor existed (or routed
   * by a router that did not use it yet) has none: it is rebuilt from the row by replaying the
   * steps that lead to its state, and a dispatched one gets the clocks it never had, counted from
   * when it was dispatched (003 Art. 5).
   */
  private async lockAndLoad(tx: Queryable, ticketId: string, at: Date): Promise<Loaded | undefined> {
    if (!isTicketId(ticketId)) return undefined;
    const found = await lockTicketWithWorkOrder(tx, ticketId);
    if (!found) return undefined;
    const { ticket, stored } = found;
    const config = await this.config(tx);
    if (stored.context) return { ticket, stored, ctx: { ...(stored.context as WorkOrderContext), config } };

    const { ctx, effects } = adopt(ticket, config);
    if (ctx.state === 'received') return { ticket, stored, ctx };
    const assignedAt = ctx.unit !== null ? await this.dispatchedAt(tx, ticket) : null;
    await saveWorkOrder(tx, ticket.id, { context: ctx, state: ctx.state, unitCode: ctx.unit, designated: ctx.designated, bounces: ctx.bounces, assignedAt: assignedAt ?? undefined });
    if (ctx.unit !== null) await syncUnits(tx, ticket.id, roster(ctx), assignedAt ?? at, 'hub');
    const missing = await this.neverStarted(tx, ticket.id, effects);
    if (missing.length > 0 && assignedAt) await this.clocks.start(tx, ticket, missing, assignedAt);
    await appendEvent(tx, ticket.id, 'work_order_adopted', 'hub', { state: ctx.state, unit: ctx.unit, clocksStarted: missing });
    const reloaded = await loadTicket(tx, ticketId, true);
    const restored = await loadStoredWorkOrder(tx, ticketId);
    if (!reloaded || !restored) return undefined;
    return { ticket: reloaded, stored: restored, ctx };
  }

  private async dispatchedAt(tx: Queryable, t: TicketRow): Promise<Date> {
    const rows = await queryRows<{ at: Date }>(
      tx,
      `SELECT occurred_at AS at FROM ticket_events WHERE ticket_id = $1 AND type IN ('dispatched','designated','redispatched') ORDER BY id DESC LIMIT 1`,
      [t.id],
    );
    return rows[0]?.at ?? t.updatedAt;
  }

  private async neverStarted(tx: Queryable, ticketId: string, effects: readonly Effect[]): Promise<ClockName[]> {
    const wanted = effects.filter((e): e is Extract<ClockEffect, { op: 'start' }> => e.kind === 'clock' && e.op === 'start').map((e) => e.clock);
    if (wanted.length === 0) return [];
    const rows = await queryRows<{ type: string }>(tx, `SELECT DISTINCT type FROM ticket_clocks WHERE ticket_id = $1`, [ticketId]);
    const seen = new Set(rows.map((r) => r.type));
    return wanted.filter((c) => !seen.has(c));
  }

  /** Inputs only the hub can know: whether the objection window is still open (003 Art. 7(二)). */
  private async complete(tx: Queryable, loaded: Loaded, input: ExecutorAction, at: Date): Promise<WorkOrderAction> {
    const ticketId = loaded.ticket.id;
    switch (input.type) {
      case 'return':
        return { ...input, withinWindow: await this.latestClockOpen(tx, ticketId, 'return', at) };
      case 'object':
        return { ...input, withinWindow: await this.objectionWindowOpen(tx, ticketId, at) };
      // 差评 windows (沪府办〔2020〕49号 Art. 6(二), 7(二); docs/rules.md, item 4)
      case 'appeal':
        return { ...input, withinWindow: await this.clocks.windowOpen(tx, loaded.ticket, 'appeal', loaded.stored.assignedAt ?? at, at) };
      case 'review_appeal':
        return { ...input, withinWindow: await this.latestClockOpen(tx, ticketId, 'appeal', at) };
      case 'review_objection':
        return input.decision === 'accepted' ? { ...input, withinWindow: await this.latestClockOpen(tx, ticketId, 'objection', at) } : input;
      default:
        return input;
    }
  }

  /**
   * Whether a window's clock of this type (the latest one) is still running at `at`. A ticket with
   * none (handled before the clock existed, or a policy without it) is not checked: undefined.
   */
  private async latestClockOpen(tx: Queryable, ticketId: string, type: 'return' | 'appeal' | 'objection', at: Date): Promise<boolean | undefined> {
    const c = await latestClockOfType(tx, ticketId, type);
    if (!c) return undefined;
    return c.state === 'running' && at.getTime() < c.due.getTime();
  }

  /**
   * A window's clock expired (ClockService.fire): a review still pending in it lapses — refused by
   * the hub, the unit carries on (沪府办〔2020〕49号 Art. 6(二), 7(二); docs/rules.md, item 4).
   */
  async lapseWindow(tx: Queryable, ticketId: string, type: string, at: Date): Promise<void> {
    const loaded = await this.lockedOrLoad(tx, ticketId, at, undefined);
    if (!loaded) return;
    const state = loaded.ctx.state;
    let input: ExecutorAction | null = null;
    if (type === 'objection' && state === 'objected') input = { type: 'review_objection', decision: 'refused', reason: '异议复核期限（收到工单之日起5个工作日）届满，原承办单位继续办理' };
    if (type === 'appeal' && state === 'appealed') input = { type: 'review_appeal', decision: 'refused', reason: '申诉复核期限（收到工单之日起15个工作日）届满，差评按原结果办理' };
    if (!input) return;
    await this.buffered(tx, async () => (await this.step(tx, loaded, input, SYSTEM, { by: 'clock' }, at)).result);
  }



  /**
   * The current assignment's objection clock decides. A policy without one (national transfers)
   * sets no time limit; the machine still refuses designated units.
   */
  private async objectionWindowOpen(tx: Queryable, ticketId: string, at: Date): Promise<boolean> {
    const rows = await queryRows<{ state: string; due: Date }>(
      tx,
      `SELECT state, due FROM ticket_clocks WHERE ticket_id = $1 AND type = 'objection' ORDER BY id DESC LIMIT 1`,
      [ticketId],
    );
    const c = rows[0];
    if (!c) return true;
    return c.state === 'running' && at.getTime() < c.due.getTime();
  }

  /** What the machine cannot check: that units exist, that a national reply has what §5 needs, that a review is about the pending record. */
  private async checkInput(
    tx: Queryable,
    t: TicketRow,
    ctx: WorkOrderContext,
    action: WorkOrderAction,
    opts: ApplyOptions,
    dir: CompiledDirectory | undefined,
  ): Promise<void> {
    const fields: FieldError[] = [];
    const unit = (path: string, code: string | undefined): void => {
      if (code === undefined || !dir) return;
      const u = dir.units.get(code);
      if (!u) fields.push({ path, message: `unknown unit ${code} (not in the active directory)` });
      else if (u.kind === 'office') fields.push({ path, message: `${code} is the hotline office, which never handles a work order itself` });
    };
    const units = (path: string, codes: readonly string[] | undefined): void => codes?.forEach((c, i) => unit(`${path}[${i}]`, c));
    const d = opts.details ?? {};
    switch (action.type) {
      case 'designate':
        unit('unit', action.unit);
        units('coUnits', action.coUnits);
        break;
      case 'set_lead':
        unit('lead', action.lead);
        units('coUnits', action.coUnits);
        break;
      case 'review_objection': {
        if (action.decision === 'accepted') unit('unit', action.unit ?? ctx.pendingObjection?.suggestedUnit);
        await this.checkPending(tx, t.id, ctx, 'objection', d.objectionId);
        break;
      }
      case 'review_appeal':
        await this.checkPending(tx, t.id, ctx, 'appeal', d.appealId);
        break;
      case 'object':
        unit('suggestedUnit', action.suggestedUnit);
        if (!nonEmpty(d.legalBasis)) fields.push({ path: 'legalBasis', message: 'an objection states its legal basis (载明相关依据, 003 Art. 7(一))' });
        break;
      case 'reply': {
        if (!nonEmpty(d.report)) fields.push({ path: 'report', message: 'a reply carries its conclusion report (办结报告)' });
        if (await this.concernsNational(tx, t)) {
          // contracts §5 `result`: the national platform wants who approved it and the sealed document.
          if (!nonEmpty(d.approvedBy)) fields.push({ path: 'approvedBy', message: 'required for a national transfer (审核人, contracts §5)' });
          if (!d.sealedDocument) fields.push({ path: 'sealedDocument', message: 'required for a national transfer (盖章文书, contracts §5)' });
        }
        break;
      }
      case 'callback':
        if (await this.concernsNational(tx, t)) {
          for (const k of ['result', 'efficiency', 'attitude'] as const) {
            if (action.visit[k] === undefined) fields.push({ path: k, message: 'required for a national transfer: the result carries every score (contracts §5)' });
          }
        }
        break;
      case 'appeal':
        if (!d.evidence || d.evidence.length === 0) fields.push({ path: 'evidence', message: 'an appeal brings its evidence (003 Art. 6(一))' });
        break;
      case 'merge': {
        if (action.into === t.id) {
          fields.push({ path: 'into', message: 'a ticket cannot be merged into itself' });
          break;
        }
        const into = isTicketId(action.into) ? await loadTicket(tx, action.into) : undefined;
        if (!into) fields.push({ path: 'into', message: `no ticket ${action.into}` });
        else if ((TERMINAL_STATES as readonly string[]).includes(into.state)) {
          fields.push({ path: 'into', message: `ticket ${action.into} is ${into.state}: merge into the ticket that is still being handled` });
        }
        break;
      }
      default:
        break;
    }
    if (fields.length > 0) throw invalidInput(fields);
  }

  private async checkPending(tx: Queryable, ticketId: string, ctx: WorkOrderContext, kind: 'objection' | 'appeal', id: string | undefined): Promise<void> {
    if (id === undefined) return;
    const row = kind === 'objection' ? await loadObjection(tx, id) : await loadAppeal(tx, id);
    if (!row || row.ticketId !== ticketId || row.status !== 'pending') {
      throw notAllowed(`${kind} ${id} is not the one pending on this ticket (already ${row?.status ?? 'unknown'})`, ctx.state, allowedActions(ctx, { role: 'office' }));
    }
  }

  /** A national transfer, or a ticket a national transfer was merged into: its result goes to §5. */
  private async concernsNational(tx: Queryable, t: TicketRow): Promise<boolean> {
    if (t.source === 'national') return true;
    const rows = await queryRows<{ n: number }>(tx, `SELECT count(*)::int AS n FROM tickets WHERE merged_into = $1 AND source = 'national'`, [t.id]);
    return (rows[0]?.n ?? 0) > 0;
  }

  /** The record an action leaves beside the event (returns its id). */
  private async record(
    tx: Queryable,
    t: TicketRow,
    ctx: WorkOrderContext,
    next: WorkOrderContext,
    action: WorkOrderAction,
    opts: ApplyOptions,
    at: Date,
    by: string,
  ): Promise<string | null> {
    const d = opts.details ?? {};
    switch (action.type) {
      case 'reply': {
        const r = await insertReply(tx, {
          ticketId: t.id,
          unitCode: ctx.unit ?? '',
          report: d.report ?? '',
          replyPoints: action.replyPoints,
          attachments: d.attachments ?? [],
          approvedBy: d.approvedBy ?? null,
          sealedDocument: d.sealedDocument ?? null,
          maintainsPrevious: action.maintainsPreviousAnswer === true && ctx.lastReplyPoints !== null,
          repliedBy: by,
          at,
        });
        return r.id;
      }
      case 'object': {
        const o = await insertObjection(tx, { ticketId: t.id, unitCode: ctx.unit ?? '', reason: action.reason, legalBasis: d.legalBasis ?? '', suggestedUnit: action.suggestedUnit, objectedBy: by, at });
        return o.id;
      }
      case 'review_objection': {
        const o = await closeObjection(tx, t.id, {
          status: action.decision,
          by,
          at,
          note: action.decision === 'refused' ? action.reason : null,
          redispatchedTo: action.decision === 'accepted' ? next.unit : null,
        });
        return o?.id ?? null;
      }
      case 'designate': {
        // 003 Art. 7(二): a disputed objection is settled by the office's designation.
        if (ctx.state !== 'objected') return null;
        const o = await closeObjection(tx, t.id, { status: 'settled', by, at, note: `designated ${action.unit}`, redispatchedTo: action.unit });
        return o?.id ?? null;
      }
      case 'appeal': {
        const a = await insertAppeal(tx, { ticketId: t.id, unitCode: ctx.unit ?? '', reason: action.reason, evidence: d.evidence ?? [], appealedBy: by, at });
        return a.id;
      }
      case 'review_appeal': {
        const a = await closeAppeal(tx, t.id, { status: action.decision, by, at, note: action.reason ?? null });
        return a?.id ?? null;
      }
      case 'callback': {
        const reply = await latestReply(tx, t.id);
        const v = action.visit;
        const c = await insertCallback(tx, {
          ticketId: t.id,
          unitCode: ctx.unit,
          replyId: reply?.id ?? null,
          satisfied: v.satisfied,
          resolved: v.resolved ?? null,
          result: v.result ?? null,
          efficiency: v.efficiency ?? null,
          attitude: v.attitude ?? null,
          note: v.note ?? null,
          calledBy: by,
          at,
        });
        return c.id;
      }
      case 'co_input': {
        const c = await insertCoInput(tx, { ticketId: t.id, unitCode: opts.performer?.unitCode ?? '', leadUnitCode: ctx.unit ?? '', content: action.content, attachments: d.attachments ?? [], submittedBy: by, at });
        return c.id;
      }
      case 'merge': {
        const m = await insertMerge(tx, { ticketId: t.id, intoTicketId: action.into, stateBefore: ctx.state, reason: action.reason ?? null, mergedBy: by, at });
        await appendEvent(tx, action.into, 'absorbed', by, { ticketId: t.id, source: t.source, externalId: t.externalId, reason: action.reason ?? null });
        return m.id;
      }
      default:
        return null;
    }
  }

  /** Records whose matter ended before anyone decided them are closed as `lapsed`, never left pending. */
  private async lapse(tx: Queryable, ticketId: string, ctx: WorkOrderContext, next: WorkOrderContext, action: WorkOrderAction, at: Date, by: string): Promise<void> {
    const note = `lapsed: ${action.type}`;
    if (ctx.state === 'objected' && next.state !== 'objected' && action.type !== 'review_objection' && action.type !== 'designate') {
      await closeObjection(tx, ticketId, { status: 'lapsed', by, at, note });
    }
    if (ctx.state === 'appealed' && next.state !== 'appealed' && action.type !== 'review_appeal') {
      await closeAppeal(tx, ticketId, { status: 'lapsed', by, at, note });
    }
    if (ctx.pendingExtension !== null && next.pendingExtension === null && action.type !== 'review_extension') {
      const id = await this.pendingExtensionId(tx, ticketId);
      // The extension_requests table knows approved and refused only; the note says it was never decided.
      if (id !== null) await decideExtensionRequest(tx, id, { status: 'refused', by: 'hub', note, at, previousDueDate: null });
    }
  }

  private async pendingExtensionId(tx: Queryable, ticketId: string): Promise<string | null> {
    const pending = (await extensionRequestsOf(tx, ticketId)).filter((r) => r.status === 'pending');
    return pending[0]?.id ?? null;
  }

  /**
   * The clock effects, in the machine's order (stops before starts). Consecutive starts with one
   * anchor are one call, so `dispatched` gets `{contact, resolve}` from one computation. Returns
   * the wire `due` of what was started.
   */
  private async runClocks(tx: Queryable, t: TicketRow, stored: StoredWorkOrder, effects: readonly Effect[], at: Date): Promise<Record<string, string>> {
    const clocks = effects.filter((e): e is ClockEffect => e.kind === 'clock');
    const due: Record<string, string> = {};
    for (let i = 0; i < clocks.length; ) {
      const e = clocks[i];
      if (e.op === 'start') {
        const anchor = e.anchor;
        const types: ClockName[] = [];
        while (i < clocks.length) {
          const c = clocks[i];
          if (c.op !== 'start' || c.anchor !== anchor) break;
          types.push(c.clock);
          i++;
        }
        // 003 Art. 6(二) counts the appeal window from when the unit received the order.
        const from = anchor === 'assigned' ? (stored.assignedAt ?? at) : at;
        Object.assign(due, await this.clocks.start(tx, t, types, from));
        continue;
      }
      if (e.op === 'meet') await this.clocks.meet(tx, t.id, e.clock, at);
      else if (e.op === 'stop') await this.clocks.stop(tx, t.id, [e.clock], at);
      // `extend` is the clock's decideExtension (review_extension), run by `apply`.
      i++;
    }
    return due;
  }

  private async timeZone(tx: Queryable): Promise<string> {
    return (await this.clocks.calendar(tx)).timeZone;
  }

  /** Status events, unit work orders and national calls, in the order the machine listed them. */
  private async messages(
    tx: Queryable,
    t: TicketRow,
    ctx: WorkOrderContext,
    next: WorkOrderContext,
    action: WorkOrderAction,
    effects: readonly Effect[],
    started: Record<string, string>,
    at: Date,
    dir: CompiledDirectory | undefined,
    opts: ApplyOptions,
  ): Promise<Array<OutboxMessage | null>> {
    const tz = await this.timeZone(tx);
    const occurredAt = formatInstant(at, tz);
    const out: Array<OutboxMessage | null> = [];
    let openDue: Record<string, string> | undefined;
    const currentDue = async (): Promise<Record<string, string>> => (openDue ??= wireDue(await openClocksOf(tx, t.id), tz));
    const hasStarted = Object.keys(started).length > 0;

    for (const e of effects) {
      if (e.kind === 'status') {
        // The clock sends `extended` with the moved due itself (decideExtension).
        if (action.type === 'review_extension' && e.type === 'extended') continue;
        out.push(...(await this.status(tx, t, e, action, occurredAt, hasStarted ? started : null, dir)));
      } else if (e.kind === 'work_order') {
        // Only units that registered a system get one (and only then is the due read).
        if (!dir?.units.get(e.unit)?.endpoint) continue;
        const msg = await this.unitMessage(t, e, dir, e.type === 'redispatched_away' ? {} : hasStarted && (e.type === 'assigned' || e.type === 'reopened') ? { ...(await currentDue()), ...started } : await currentDue(), opts);
        if (msg) out.push(msg);
      } else if (e.kind === 'national') {
        out.push(await this.national(tx, t, e, occurredAt));
      }
    }
    // Each source hears every event of the handled ticket (001 Art. 13); a national transfer merged
    // into this one hears the only thing §5 lets it hear: the result.
    const concluded = (next.state === 'closed' || next.state === 'terminated') && ctx.state !== next.state;
    if (concluded) {
      const visit = next.state === 'closed' && action.type === 'callback' ? action.visit : next.lastVisit;
      const merged = await queryRows<{ id: string; externalId: string }>(
        tx,
        `SELECT id::text AS id, external_id AS "externalId" FROM tickets WHERE merged_into = $1 AND source = 'national' ORDER BY created_at`,
        [t.id],
      );
      for (const m of merged) {
        const body = await this.resultBody(tx, t.id, visit, occurredAt);
        out.push(nationalResult(m.id, m.externalId, body));
      }
    }
    return out;
  }

  private async status(
    tx: Queryable,
    t: TicketRow,
    e: StatusEffect,
    action: WorkOrderAction,
    occurredAt: string,
    due: Record<string, string> | null,
    dir: CompiledDirectory | undefined,
  ): Promise<Array<OutboxMessage | null>> {
    let unitCode = e.unit;
    if (e.type === 'merged' && action.type === 'merge') {
      // The merged ticket's source learns who handles the matter now (the ticket it joined).
      const into = await loadTicket(tx, action.into);
      unitCode = into?.unitCode ?? null;
    }
    return statusMessagesWithMerged(tx, t, e.type, {
      occurredAt,
      unit: unitRef(dir, unitCode),
      due,
      reason: e.reason,
      replyPoints: e.replyPoints,
    });
  }

  /** contracts §6, to units that registered a system in the active directory. */
  private async unitMessage(t: TicketRow, e: UnitWorkOrderEffect, dir: CompiledDirectory | undefined, due: Record<string, string>, opts: ApplyOptions): Promise<OutboxMessage | null> {
    const unit = dir?.units.get(e.unit);
    if (!unit?.endpoint) return null;
    const position = e.type === 'redispatched_away' ? 'none' : e.role;
    const msg = unitWorkOrder(unit.code, t.id, e.type, e.role, due, workOrderTicket(t, position));
    return withBody(msg, { reason: e.reason, ...(opts.workOrderBody ?? {}) });
  }

  private async national(tx: Queryable, t: TicketRow, e: NationalEffect, occurredAt: string): Promise<OutboxMessage> {
    if (e.call === 'return') return nationalReturn(t.id, t.externalId, e.reason, e.detail, occurredAt);
    return nationalResult(t.id, t.externalId, await this.resultBody(tx, t.id, e.visit, occurredAt));
  }

  /**
   * contracts §5 `result`, after the callback: the handling unit's report and answer points
   * (谁承办，谁答复), who approved it, the sealed document, and the callback's findings.
   */
  private async resultBody(tx: Queryable, ticketId: string, visit: CallbackVisit | null, concludedAt: string): Promise<NationalResultBody> {
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
}

// --- helpers ----------------------------------------------------------------------------------------

function nonEmpty(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

function handles(ctx: WorkOrderContext, unitCode: string): boolean {
  return ctx.unit === unitCode || ctx.coUnits.includes(unitCode);
}

function roster(ctx: WorkOrderContext): Array<{ unitCode: string; role: 'lead' | 'co' }> {
  if (ctx.unit === null) return [];
  return [{ unitCode: ctx.unit, role: 'lead' }, ...ctx.coUnits.map((unitCode) => ({ unitCode, role: 'co' as const }))];
}

function rosterChanged(a: WorkOrderContext, b: WorkOrderContext): boolean {
  return a.unit !== b.unit || a.coUnits.length !== b.coUnits.length || a.coUnits.some((c) => !b.coUnits.includes(c));
}

function byOf(actor: Actor, performer: Performer | undefined): string {
  if (actor.role === 'unit' || actor.role === 'co') return `unit:${actor.unitCode}:${performer?.id ?? actor.id ?? 'unknown'}`;
  if (actor.role === 'system') return performer?.id ?? 'system';
  return `${actor.role}:${performer?.id ?? actor.id ?? 'unknown'}`;
}

function unitRef(dir: CompiledDirectory | undefined, code: string | null): { code: string; name: string } | null {
  if (code === null) return null;
  return { code, name: dir?.units.get(code)?.name ?? code };
}

function withBody(msg: OutboxMessage, extra: Record<string, unknown>): OutboxMessage {
  return { ...msg, payload: { ...msg.payload, body: { ...(msg.payload.body ?? {}), ...extra } } };
}

/** What the event shows of a decision at a glance (review outcomes). */
function decisionOf(action: WorkOrderAction): Record<string, unknown> {
  return 'decision' in action ? { decision: action.decision } : {};
}

/** The action's input for the log, with what the details added (never citizen data: none is in there). */
function inputOf(action: WorkOrderAction, opts: ApplyOptions): Record<string, unknown> {
  const { type: _type, ...rest } = action;
  const d = opts.details ?? {};
  const extra: Record<string, unknown> = {};
  if (action.type === 'object' && d.legalBasis) extra.legalBasis = d.legalBasis;
  if (action.type === 'contact' && d.contactNote) extra.note = d.contactNote;
  if (action.type === 'review_objection' && d.objectionId) extra.objectionId = d.objectionId;
  if (action.type === 'review_appeal' && d.appealId) extra.appealId = d.appealId;
  if (action.type === 'review_extension' && d.extensionRequestId) extra.extensionRequestId = d.extensionRequestId;
  return { ...rest, ...extra };
}

function routingOptions(note: RoutingNote, data: Record<string, unknown> = {}): ApplyOptions {
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

