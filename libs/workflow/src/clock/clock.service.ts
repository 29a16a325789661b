import { Inject, Injectable, Logger } from '@nestjs/common';
import { NOW, type NowFn } from '@hub/common';
import { formatInstant, type WorkingCalendar } from '@hub/rules/calendar';
import {
  applicableClocks,
  clocksForPhase,
  formatClockDue,
  startClocks,
  supervisionPlan,
  type ClockPolicy,
  type ClockType,
} from '@hub/rules/deadlines';
import {
  CalendarLoader,
  DUTY_CLOCK_TYPES,
  DirectoryCache,
  OPEN_CLOCK_STATES,
  Queryable,
  TicketRow,
  appendEvent,
  closeClocks,
  insertClocks,
  loadClock,
  loadTicket,
  runningNextFire,
  updateClockTimer,
  wireDue,
  type ClockRow,
  type ExtensionRequestRow,
} from '@hub/store';
import { CLOCK_SETTINGS, type ClockSettings } from './clock.settings';
import { ClockPolicies } from './clock-policies';
import { ClockExtensions, type ExtensionDecision } from './clock-extensions';
import { recomputeOpenClocks, type RecomputeSummary } from './calendar-change';
import { clockFired } from './clock.metrics';
import { superviseClock, warnClock } from './clock-notices';
import { subjectOf } from './clock-rows';

export { supervisorOf } from './clock-notices';
export type { ExtensionDecision } from './clock-extensions';

/**
 * What a timer did: `warned` (预警), `supervised` (missed and/or a 督办 round), `expired` (a window
 * closed); or nothing — `skipped` (closed or gone), `stale` (the job was for an older
 * next_fire_at), `early` (not due yet at `now`).
 */
export type FireOutcome = 'warned' | 'supervised' | 'expired' | 'skipped' | 'stale' | 'early';

/** States in which the office, not a unit, holds a ticket (intake and the dispute queue). */
const OFFICE_HELD_STATES: readonly string[] = ['received', 'accepted', 'disputed'];

/** Catching up after downtime never loops for ever: a year of daily rounds at most. */
const MAX_CATCH_UP_ROUNDS = 400;

/**
 * The working-day clocks of tickets (docs/domain.md#the-clocks; 沪府办〔2020〕49号 Art. 5): starting and stopping
 * them with the work order's life, 预警 before the due, 督办 after it, extensions, and deadlines
 * moved by a new calendar year. Every method works inside the caller's transaction (`tx`) so a
 * clock changes together with the ticket state and the messages it causes (transactional outbox).
 *
 * Lock order, everywhere: the ticket row, then CALENDAR_LOCK shared, then clock rows. The
 * lifecycle holds the ticket when it calls in; the timers lock it first.
 */
@Injectable()
export class ClockService {
  private readonly logger = new Logger(ClockService.name);
  private readonly policies: ClockPolicies;
  private readonly extensions: ClockExtensions;
  private windowExpired?: (tx: Queryable, ticketId: string, type: ClockType, at: Date) => Promise<void>;

  constructor(
    readonly calendars: CalendarLoader,
    readonly directories: DirectoryCache,
    @Inject(NOW) private readonly now: NowFn,
    @Inject(CLOCK_SETTINGS) settings: ClockSettings,
  ) {
    this.policies = new ClockPolicies(settings);
    this.extensions = new ClockExtensions(calendars, directories, (db, id) => this.policy(db, id), () => this.now(), this.logger);
  }

  /** The effective calendar: the active directory's, overlaid by the office's replaced years. */
  calendar(db: Queryable): Promise<WorkingCalendar> {
    return this.calendars.load(db);
  }

  /** A policy by id (presets and the office's own) with the installation's warning and supervision settings applied. */
  policy(db: Queryable, id: string): Promise<ClockPolicy> {
    return this.policies.byId(db, id);
  }

  /** The policy of a ticket by the office's table (source, kind, urgency; default: national → NATIONAL, else 1/5/15). */
  policyFor(db: Queryable, t: TicketRow): Promise<ClockPolicy> {
    return this.policies.forTicket(db, t);
  }

  // --- starting and stopping (called by dispatch and the lifecycle) -------------------------------

  /**
   * 派单: starts the policy's dispatch clocks (contact and resolve) at `at`, the moment the unit
   * received the order (its day is not counted, Civil Code Art. 201). A complex matter gets the
   * complex resolve days (15, 沪府办〔2020〕49号 Art. 5); a national 特殊/紧急 item keeps the platform's dueAt.
   * Returns the wire `due` for the `dispatched` status: `{contact, resolve}`.
   */
  async startForDispatch(tx: Queryable, ticket: TicketRow, at: Date): Promise<Record<string, string>> {
    return this.start(tx, ticket, undefined, at);
  }

  /**
   * Starts clocks of `types` (default: the policy's dispatch clocks) at `at`. An open clock of the
   * same type is stopped first (a re-dispatch or reopen replaces it; the old row stays as history).
   * Types the ticket's policy does not have are skipped (e.g. no objection window on national
   * items). Returns the wire `due` of the started clocks.
   */
  async start(tx: Queryable, ticket: TicketRow, types: readonly ClockType[] | undefined, at: Date, phase?: 'assignment' | 'acceptance'): Promise<Record<string, string>> {
    const calendar = await this.calendars.loadForWrite(tx);
    const policy = await this.policyFor(tx, ticket);
    // An anonymous citizen has nobody to contact: no contact duty (docs/rules.md, item 9). A policy's
    // acceptance clocks start at 签收, not at 派单 (docs/clock.md#yunnan).
    const wanted = applicableClocks(clocksForPhase(policy, types ?? policy.dispatchClocks, phase), ticket.ticket.citizen);
    const skipped = (types ?? []).filter((t) => policy.days[t] === undefined);
    if (skipped.length) this.logger.debug({ ticketId: ticket.id, policy: policy.id, skipped }, 'clock types not in the policy; not started');
    if (wanted.length === 0) return {};
    const started = startClocks(policy, subjectOf(ticket), at, calendar, wanted);
    // One statement stops the open clocks of these types and inserts the new ones.
    const rows = await insertClocks(
      tx,
      ticket.id,
      started.map((c) => ({ clock: c, nextFireAt: runningNextFire({ ...c, warnedAt: null }) })),
      { stopAt: at },
    );
    const due = wireDue(rows, calendar.timeZone);
    await appendEvent(tx, ticket.id, 'clocks_started', 'clock', {
      policyId: policy.id,
      clocks: rows.map((r) => ({
        clock: r.type,
        clockId: r.id,
        days: r.days,
        dueDate: r.dueDate,
        due: formatClockDue(r, calendar.timeZone),
        warnAt: formatInstant(r.warnAt, calendar.timeZone),
        provisional: r.provisional,
      })),
    });
    return due;
  }

  /**
   * The obligation was fulfilled (first contact meets `contact`, the reply meets `resolve`). A
   * clock met after its due stays recorded as late (missed_at). No-op when none is open.
   */
  async meet(tx: Queryable, ticketId: string, type: ClockType, at: Date): Promise<ClockRow | undefined> {
    const [row] = await closeClocks(tx, ticketId, [type], 'met', at);
    return row;
  }

  /**
   * Whether a window of `type` counted from `from` (e.g. the appeal's 15 WD from receipt of the
   * order, 沪府办〔2020〕49号 Art. 6(二)) is still open at `at`. A policy without it: open.
   */
  async windowOpen(tx: Queryable, ticket: TicketRow, type: ClockType, from: Date, at: Date): Promise<boolean> {
    const policy = await this.policyFor(tx, ticket);
    if (policy.days[type] === undefined) return true;
    const calendar = await this.calendars.loadForWrite(tx);
    const [clock] = startClocks(policy, subjectOf(ticket), from, calendar, [type]);
    return at.getTime() < clock.due.getTime();
  }

  /** Who acts when a window expires with a review pending in it (the executor registers itself: it depends on this service). */
  onWindowExpired(handler: (tx: Queryable, ticketId: string, type: ClockType, at: Date) => Promise<void>): void {
    this.windowExpired = handler;
  }

  /** The obligation was dropped (withdrawn, re-dispatched, closed): counts neither way. */
  async stop(tx: Queryable, ticketId: string, types: readonly ClockType[], at: Date): Promise<number> {
    return (await closeClocks(tx, ticketId, types, 'stopped', at)).length;
  }

  /**
   * 重办: a fresh resolve clock from `at` (the full 5/15 days again; a national item never past its
   * 25-WD ceiling from the transfer, 沪府办〔2020〕49号 Art. 5). Returns `{resolve}`.
   */
  async restartResolve(tx: Queryable, ticket: TicketRow, at: Date): Promise<Record<string, string>> {
    return this.start(tx, ticket, ['resolve'], at);
  }

  // --- extensions (申请延期, 沪府办〔2020〕49号 Art. 5; clock-extensions.ts) ----------------------------------

  /**
   * The handling unit asks for a later resolve date. Checked now, against the cap, so a unit
   * learns at once that a date is impossible (the office's decision checks again). One pending
   * request per ticket.
   */
  requestExtension(tx: Queryable, ticketId: string, unitCode: string, requestedDueDate: string, reason: string): Promise<ExtensionRequestRow> {
    return this.extensions.request(tx, ticketId, unitCode, requestedDueDate, reason);
  }

  /**
   * The office decides. Approval moves the resolve clock to the requested date if it is still
   * within the policy's cap (applyExtension; the cap counts from the clock's start, so repeated
   * extensions cannot creep past it), and the source is told `extended` with the new `due`. A
   * refusal is recorded in the ticket's log; the deadline stays.
   */
  decideExtension(tx: Queryable, requestId: string, approve: boolean, by: string, note: string | null, byNotice = false): Promise<ExtensionDecision> {
    return this.extensions.decide(tx, requestId, approve, by, note, byNotice);
  }

  // --- calendar changes --------------------------------------------------------------------------

  /**
   * Re-derives running clocks under the current calendar and tells the source of every ticket
   * whose due moved — with `extended`, the only status (docs/contracts.md#status-event-types) that carries a moved
   * `due`. `all` (default): every running clock, e.g. after a directory import changed its
   * calendar; `pending`: only what the replaced years not yet recomputed can move.
   */
  recomputeOpenClocks(tx: Queryable, scope: 'all' | 'pending' = 'all'): Promise<RecomputeSummary> {
    return recomputeOpenClocks(tx, this.calendars, this.now(), scope);
  }

  // --- timers --------------------------------------------------------------------------------------

  /**
   * Does what is due on a clock at `now`: its 预警, its miss (督办 round 1 at the unit), or the next
   * 督办 round, climbing unit → parent → office. Idempotent: the row is reloaded under lock and
   * nothing happens unless its next_fire_at has come (and, for a queued job, is still the one the
   * job was for: `expectedAt`). After downtime the rounds that were slept through collapse into
   * one, at the level the latest of them had reached.
   */
  async fire(tx: Queryable, clockId: string, now: Date, expectedAt?: number): Promise<FireOutcome> {
    const head = await loadClock(tx, clockId);
    if (!head || head.nextFireAt === null) return 'skipped';
    const ticket = await loadTicket(tx, head.ticketId, true);
    if (!ticket) return 'skipped';
    const calendar = await this.calendars.loadForWrite(tx);
    const c = await loadClock(tx, clockId, true);
    if (!c || c.nextFireAt === null || !OPEN_CLOCK_STATES.includes(c.state)) return 'skipped';
    if (expectedAt !== undefined && c.nextFireAt.getTime() !== expectedAt) return 'stale';
    if (c.nextFireAt.getTime() > now.getTime()) return 'early';

    const policy = await this.policy(tx, c.policyId);
    const dir = (await this.directories.current(tx))?.compiled;
    const tz = calendar.timeZone;

    // The return clock (沪府办〔2020〕49号 Art. 4(一)) is the office's duty while it holds the ticket
    // (not yet dispatched): warned and supervised then; once a unit handles it, only a window.
    // So is Yunnan's 交办 (forward, Yunnan Measures Art. 10): the office forwards, the office answers for it.
    const officeDuty = (c.type === 'return' || c.type === 'forward') && OFFICE_HELD_STATES.includes(ticket.state);
    if (c.state === 'running' && now.getTime() < c.due.getTime()) {
      if (c.type === 'return' && !officeDuty) {
        await updateClockTimer(tx, c.id, { state: 'running', warnedAt: c.warnedAt, missedAt: null, superviseCount: 0, lastSupervisedAt: null, nextFireAt: c.due });
        return 'skipped';
      }
      await warnClock(tx, ticket, c, dir, tz, this.logger);
      await updateClockTimer(tx, c.id, { state: 'running', warnedAt: now, missedAt: null, superviseCount: 0, lastSupervisedAt: null, nextFireAt: c.due });
      clockFired.inc({ clock: c.type, outcome: 'warning' });
      return 'warned';
    }

    if (!DUTY_CLOCK_TYPES.includes(c.type) && !officeDuty) {
      // A window (objection 沪府办〔2020〕49号 Art. 7(二), appeal Art. 6(二)) or the hub's own return duty: it
      // ends; nobody is supervised for it.
      await updateClockTimer(tx, c.id, { state: 'missed', warnedAt: c.warnedAt, missedAt: c.due, superviseCount: 0, lastSupervisedAt: null, nextFireAt: null });
      await appendEvent(tx, ticket.id, 'clock_expired', 'clock', { clock: c.type, clockId: c.id, dueDate: c.dueDate });
      // A review still pending when its window ends lapses (docs/rules.md, item 4).
      if (this.windowExpired) await this.windowExpired(tx, ticket.id, c.type, now);
      clockFired.inc({ clock: c.type, outcome: 'expired' });
      return 'expired';
    }

    // 督办: round k is due at supervisionPlan(k).at; skip rounds slept through (downtime) so the
    // unit gets one notice at the level reached, not a burst.
    const every = policy.superviseEveryDays;
    let round = c.superviseCount;
    for (let i = 0; i < MAX_CATCH_UP_ROUNDS; i++) {
      if (supervisionPlan(c.due, every, calendar, policy, round + 1).at.getTime() > now.getTime()) break;
      round++;
    }
    const planned = supervisionPlan(c.due, every, calendar, policy, round);
    // The office owns the return duty: it is the one supervised, from the first round.
    const step = c.type === 'return' || c.type === 'forward' ? { ...planned, level: 'office' as const } : planned;
    const following = supervisionPlan(c.due, every, calendar, policy, round + 1);
    await superviseClock(tx, ticket, c, dir, tz, now, step.level, round, round - c.superviseCount, this.logger);
    await updateClockTimer(tx, c.id, {
      state: 'missed',
      warnedAt: c.warnedAt,
      missedAt: c.missedAt ?? c.due,
      superviseCount: round + 1,
      lastSupervisedAt: now,
      nextFireAt: following.at,
    });
    clockFired.inc({ clock: c.type, outcome: `supervised:${step.level}` });
    return 'supervised';
  }
}
