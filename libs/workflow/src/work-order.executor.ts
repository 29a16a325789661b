/**
 * The executor: the one way a ticket changes state (docs/lifecycle.md). Every call runs inside the
 * caller's transaction: it locks the ticket, asks the pure machine (`@hub/rules/lifecycle`
 * transition) whether the action may happen, and if so writes — in that same transaction — the new
 * context and state, who handles the ticket, the action's record, one event with
 * who/what/before/after (Yunnan Measures Art. 17), and every effect the machine asked for: status events for
 * the source (also to every ticket merged into this one), work orders for units' own systems,
 * national returns and results, and the clocks (沪府办〔2020〕49号 Art. 5). Refusals throw a HubError and the
 * caller's transaction rolls back: nothing changes.
 *
 * Adding an action: its transition in the pure machine (`@hub/rules/lifecycle`: the action's type,
 * who may take it, what it changes), then ONE file `actions/<name>.action.ts` that declares its
 * event and whatever it needs of the hooks in `actions/action.ts` (input check, logged details,
 * record, what it does after the clocks), listed in the `ACTIONS` table (`actions/index.ts`,
 * which does not compile until it is). This file does not change.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { NOW, type NowFn } from '@hub/common';
import { DEFAULT_WORK_ORDER_CONFIG, createWorkOrder, transition, type Actor, type WorkOrderAction, type WorkOrderConfig, type WorkOrderContext } from '@hub/rules/lifecycle';
import {
  DirectoryCache,
  appendEvent,
  closeWrites,
  flagBounced,
  flushWrites,
  loadStoredWorkOrder,
  officeSetting,
  openWrites,
  saveWorkOrder,
  syncUnits,
  writeOutbox,
  type Queryable,
  type TicketRow,
} from '@hub/store';
import { ClockService } from '@hub/workflow/clock';
import { ACTIONS, type ActionDef, type ActionStep } from './actions';
import { inputCheck } from './actions/checks';
import { messagesOf, runClocks } from './executor/effects';
import { SYSTEM, byOf, decisionOf, handles, roster, rosterChanged, routingOptions, type RoutingNote } from './executor/helpers';
import { lapse } from './executor/lapse';
import { lockAndLoad } from './executor/load';
import { unmerge } from './executor/unmerge';
import { adopt } from './work-order-adoption';
import { fieldOfMachineMessage, forbidden, invalidInput, notAllowed, ticketNotFound } from './work-order.errors';
import type { ApplyOptions, ApplyResult, ExecutorAction, LockedTicket, Performer } from './work-order.types';

export type { RoutingNote } from './executor/helpers';

const OFFICE_SETTING = 'work_order';

type Step = { input: ExecutorAction; opts: ApplyOptions; when?: (ctx: WorkOrderContext) => boolean };

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
  private async applyAll(tx: Queryable, ticketId: string, steps: readonly Step[], at: Date): Promise<ApplyResult> {
    const first = await this.lockedOrLoad(tx, ticketId, at, steps[0]?.opts.locked);
    if (!first) throw ticketNotFound(ticketId);
    let loaded: LockedTicket = first;
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

  /** One action on a locked, loaded ticket: the loop every action runs through (see the header). */
  private async step(
    tx: Queryable,
    loaded: LockedTicket,
    input: ExecutorAction,
    actor: Actor,
    opts: ApplyOptions,
    at: Date,
    how: { save: boolean } = { save: true },
  ): Promise<{ result: ApplyResult; loaded: LockedTicket }> {
    const { ticket, stored, ctx } = loaded;
    const def = ACTIONS[input.type] as ActionDef;
    const action: WorkOrderAction = def.complete ? await def.complete({ tx, ticket, stored, clocks: this.clocks }, input as never, at) : (input as WorkOrderAction);
    const result = transition(ctx, action, actor);
    if (!result.ok) {
      if (result.error === 'not_allowed') throw notAllowed(result.message, result.state, result.allowed);
      if (result.error === 'wrong_actor') throw forbidden(result.message, result.state, result.allowed);
      throw invalidInput([{ path: fieldOfMachineMessage(action.type, result.message), message: result.message }]);
    }
    const next = result.next;
    const dir = (await this.directories.current(tx))?.compiled;
    const by = opts.by ?? byOf(actor, opts.performer);
    const s: ActionStep = { tx, ticket, stored, ctx, next, action, actor, opts, at, by, dir, clocks: this.clocks };
    if (def.check) {
      const c = inputCheck(tx, ticket, ctx, dir);
      await def.check(s, c);
      if (c.fields.length > 0) throw invalidInput(c.fields);
    }

    const unitChanged = next.unit !== ctx.unit;
    const assignedAt = unitChanged && next.unit !== null ? at : undefined;
    const mergedInto = def.mergesInto?.(action);
    if (!how.save && (unitChanged || mergedInto !== undefined)) throw new Error(`applyAll: ${action.type} changes the unit or merge and must be the last step`);
    const rowVersion = how.save
      ? await saveWorkOrder(tx, ticket.id, { context: next, state: next.state, unitCode: next.unit, designated: next.designated, bounces: next.bounces, assignedAt, mergedInto, directoryVersion: opts.directoryVersion })
      : ticket.rowVersion;
    if (rosterChanged(ctx, next)) await syncUnits(tx, ticket.id, roster(next), at, by);

    const { type: _type, ...fields } = action;
    await appendEvent(tx, ticket.id, typeof def.event === 'string' ? def.event : def.event(action), by, {
      action: action.type,
      ...decisionOf(action),
      input: { ...fields, ...(def.logged?.(s) ?? {}) },
      before: { state: ctx.state, unit: ctx.unit, coUnits: ctx.coUnits },
      after: { state: next.state, unit: next.unit, coUnits: next.coUnits },
      ...(opts.performer ? { performer: opts.performer } : {}),
      ...(opts.data ?? {}),
    });

    let recordId = def.record ? await def.record(s) : null;
    await lapse(tx, ticket.id, ctx, next, def, at, by);
    const effects = result.effects;
    const due = await runClocks(this.clocks, s, effects);
    const after = def.afterClocks ? await def.afterClocks(s) : {};
    if (after.recordId !== undefined) recordId = after.recordId;

    await writeOutbox(tx, await messagesOf(s, def, effects, due));
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
    const left: LockedTicket = {
      ticket: { ...ticket, state: next.state, unitCode: next.unit, mergedInto: mergedInto ?? ticket.mergedInto, directoryVersion: opts.directoryVersion ?? ticket.directoryVersion, rowVersion },
      stored: { context: next, designated: next.designated, bounces: next.bounces, assignedAt: assignedAt ?? stored.assignedAt, bounceFlaggedAt },
      ctx: next,
    };
    const wireDue = after.due ?? (Object.keys(due).length > 0 ? due : null);
    return { result: this.result(ticket.id, action.type, ctx, next, wireDue, recordId), loaded: left };
  }

  // --- for the router: every intake and routing decision goes through `apply` ---------------------

  /**
   * Locks a ticket and reads it with its work order, for a caller that looks at it before it
   * decides (the router) and then passes it on (`RoutingNote.locked`) so it is not read twice.
   */
  lock(tx: Queryable, ticketId: string): Promise<LockedTicket | undefined> {
    return this.lockAndLoad(tx, ticketId, this.now());
  }

  private async lockedOrLoad(tx: Queryable, ticketId: string, at: Date, locked: LockedTicket | undefined): Promise<LockedTicket | undefined> {
    if (!locked) return this.lockAndLoad(tx, ticketId, at);
    if (locked.ticket.id !== ticketId.toLowerCase()) throw new Error(`locked ticket ${locked.ticket.id} passed for ${ticketId}`);
    return locked;
  }

  private lockAndLoad(tx: Queryable, ticketId: string, at: Date): Promise<LockedTicket | undefined> {
    return lockAndLoad(tx, this.clocks, ticketId, at, () => this.config(tx));
  }

  /** The `accept` step of a routing decision: taken only while the ticket is still `received`. */
  private acceptStep(note: RoutingNote): Step {
    return { input: { type: 'accept' }, opts: routingOptions(note), when: (ctx) => ctx.state === 'received' };
  }

  /**
   * 派单 (沪府办〔2020〕49号 Art. 4(二)): accepts a `received` ticket first, then sends it to `unitCode` (and its
   * co-handlers). `designated` when the upstream named the unit (指定谁、谁办理): it may not object.
   * The unit's 1/5/15 clocks start at `note.at` (沪府办〔2020〕49号 Art. 5); the `dispatched` status carries them.
   */
  async dispatch(tx: Queryable, ticketId: string, d: { unitCode: string; designated?: boolean; coUnits?: string[] }, note: RoutingNote = {}): Promise<ApplyResult> {
    const dispatch: Step = { input: { type: 'dispatch', unit: d.unitCode, designated: d.designated, coUnits: d.coUnits }, opts: routingOptions(note, { unitCode: d.unitCode }) };
    return this.applyAll(tx, ticketId, [this.acceptStep(note), dispatch], note.at ?? this.now());
  }

  /** No rule fits: accepted, then the dispute queue (争议事项由热线管理办公室指定, 沪府办〔2020〕49号 Art. 4(二)). */
  async dispute(tx: Queryable, ticketId: string, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.applyAll(tx, ticketId, [this.acceptStep(note), { input: { type: 'dispute', reason: note.reason }, opts: routingOptions(note) }], note.at ?? this.now());
  }

  /** 不予受理 (Yunnan Measures Art. 8): the citizen is told why (Yunnan Measures Art. 11). */
  notAccept(tx: Queryable, ticketId: string, note: RoutingNote & { reason: string }): Promise<ApplyResult> {
    const reason = note.reasonCode ? `${note.reasonCode}: ${note.reason}` : note.reason;
    return this.apply(tx, ticketId, { type: 'not_accept', reason }, SYSTEM, routingOptions(note));
  }

  /** 按一般意见建议归档 (沪府办〔2020〕49号 Art. 4(一)). */
  archive(tx: Queryable, ticketId: string, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.apply(tx, ticketId, { type: 'archive', reason: note.reason }, SYSTEM, routingOptions(note));
  }

  /** 退回国办 (沪府办〔2020〕49号 Art. 4(一)): out of jurisdiction or incomplete; writes the national `return`. */
  returnNational(tx: Queryable, ticketId: string, r: { reason: 'out_of_jurisdiction' | 'incomplete_elements'; detail: string }, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.apply(tx, ticketId, { type: 'return', reason: r.reason, detail: r.detail }, SYSTEM, routingOptions(note));
  }

  /** 合并 (Yunnan Measures Art. 13) by the hub: this ticket's source hears `merged`, then every event of `into`. */
  merge(tx: Queryable, ticketId: string, into: string, note: RoutingNote = {}): Promise<ApplyResult> {
    return this.apply(tx, ticketId, { type: 'merge', into, reason: note.reason }, SYSTEM, routingOptions(note));
  }

  /**
   * 补充 / 催办 / 撤诉 relayed from the hotline. Answers null instead of throwing when the machine
   * refuses (the matter is already concluded): the citizen event is recorded at intake either way,
   * and a refusal is not a reason to retry the job.
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
    const step = input;
    await this.buffered(tx, async () => (await this.step(tx, loaded, step, SYSTEM, { by: 'clock' }, at)).result);
  }

  // --- outside the machine -----------------------------------------------------------------------------

  /**
   * 取消合并: the ticket is its own matter again. It goes to the dispute queue, whatever it was
   * before the merge, so the office names its unit by hand (re-routing it would only merge it again),
   * and its source hears `accepted` again: the only status that says "alive, awaiting dispatch".
   */
  async unmerge(tx: Queryable, ticketId: string, reason: string, performer: Performer): Promise<ApplyResult> {
    const at = this.now();
    const timeZone = async (): Promise<string> => (await this.clocks.calendar(tx)).timeZone;
    const { ticket, before, next } = await unmerge(tx, ticketId, reason, performer, at, (id) => this.lockAndLoad(tx, id, at), timeZone);
    return this.result(ticket.id, 'unmerge', before, next, null, null);
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

  private result(ticketId: string, action: ApplyResult['action'], before: WorkOrderContext, next: WorkOrderContext, due: Record<string, string> | null, recordId: string | null): ApplyResult {
    return { ticketId, action, before: before.state, state: next.state, unit: next.unit, coUnits: next.coUnits, due, recordId, context: next };
  }
}
