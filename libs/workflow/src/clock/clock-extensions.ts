import type { Logger } from '@nestjs/common';
import type { NowFn } from '@hub/common';
import { formatInstant } from '@hub/rules/calendar';
import { applyExtension, type ClockPolicy } from '@hub/rules/deadlines';
import {
  CalendarLoader,
  DirectoryCache,
  Queryable,
  appendEvent,
  decideExtensionRequest,
  insertExtensionRequest,
  loadExtensionRequest,
  loadTicket,
  openClocksOf,
  pendingExtensionRequestId,
  runningNextFire,
  toDeadlineClock,
  updateClockDeadlines,
  wireDue,
  writeOutbox,
  type ExtensionRequestRow,
} from '@hub/store';
import { statusMessage } from '@hub/connectors';
import {
  alreadyDecided,
  checkExtensionInput,
  extensionError,
  extensionNotFound,
  extensionPending,
  notHandlingUnit,
  ticketNotFound,
} from './clock.errors';
import { clockExtensions } from './clock.metrics';
import { unitRef } from './clock-notices';
import { openResolveClock } from './clock-rows';

export interface ExtensionDecision {
  request: ExtensionRequestRow;
  /** the wire `due` sent with `extended` (approved only) */
  due: Record<string, string> | null;
  dueDate: string | null;
}

/**
 * Extensions of the resolve clock (申请延期, 沪府办〔2020〕49号 Art. 5): a unit's request and the office's
 * decision. ClockService's part, kept apart from the clocks' start, stop and timers; it runs in
 * the caller's transaction with ClockService's calendar, policies, clock and logger.
 */
export class ClockExtensions {
  constructor(
    private readonly calendars: CalendarLoader,
    private readonly directories: DirectoryCache,
    private readonly policy: (db: Queryable, id: string) => Promise<ClockPolicy>,
    private readonly now: NowFn,
    private readonly logger: Logger,
  ) {}

  /** ClockService.requestExtension: checked against the cap at once; one pending request per ticket. */
  async request(tx: Queryable, ticketId: string, unitCode: string, requestedDueDate: string, reason: string): Promise<ExtensionRequestRow> {
    checkExtensionInput(requestedDueDate, reason);
    const ticket = await loadTicket(tx, ticketId, true);
    if (!ticket) throw ticketNotFound(ticketId);
    if (ticket.unitCode !== unitCode) throw notHandlingUnit(unitCode);
    const calendar = await this.calendars.loadForWrite(tx);
    const clock = await openResolveClock(tx, ticketId);
    const verdict = applyExtension(await this.policy(tx, clock.policyId), toDeadlineClock(clock), requestedDueDate, calendar);
    if (!verdict.ok) {
      clockExtensions.inc({ outcome: `rejected:${verdict.error}` });
      throw extensionError(verdict.error, requestedDueDate, clock.dueDate, verdict.cap);
    }
    const request = await insertExtensionRequest(tx, { ticketId, clockId: clock.id, requestedDueDate, reason: reason.trim(), requestedBy: unitCode, at: this.now() });
    if (!request) {
      const pending = await pendingExtensionRequestId(tx, ticketId);
      throw extensionPending(pending);
    }
    await appendEvent(tx, ticketId, 'extension_requested', `unit:${unitCode}`, {
      requestId: request.id,
      requestedDueDate,
      currentDueDate: clock.dueDate,
      cap: verdict.cap,
      reason: request.reason,
    });
    clockExtensions.inc({ outcome: 'requested' });
    return request;
  }

  /** ClockService.decideExtension: approval within the cap moves the resolve clock and tells the source `extended`. */
  async decide(tx: Queryable, requestId: string, approve: boolean, by: string, note: string | null, byNotice = false): Promise<ExtensionDecision> {
    const head = await loadExtensionRequest(tx, requestId);
    if (!head) throw extensionNotFound(requestId);
    const ticket = await loadTicket(tx, head.ticketId, true);
    if (!ticket) throw ticketNotFound(head.ticketId);
    const request = await loadExtensionRequest(tx, requestId, true);
    if (!request) throw extensionNotFound(requestId);
    if (request.status !== 'pending') throw alreadyDecided(requestId, request.status);
    const at = this.now();

    if (!approve) {
      const refused = await decideExtensionRequest(tx, requestId, { status: 'refused', by, note, at, previousDueDate: null });
      await appendEvent(tx, ticket.id, 'extension_refused', by, { requestId, requestedDueDate: request.requestedDueDate, note });
      clockExtensions.inc({ outcome: 'refused' });
      return { request: refused, due: null, dueDate: null };
    }

    const calendar = await this.calendars.loadForWrite(tx);
    const clock = await openResolveClock(tx, ticket.id);
    const verdict = applyExtension(await this.policy(tx, clock.policyId), toDeadlineClock(clock), request.requestedDueDate, calendar);
    if (!verdict.ok) {
      clockExtensions.inc({ outcome: `rejected:${verdict.error}` });
      throw extensionError(verdict.error, request.requestedDueDate, clock.dueDate, verdict.cap);
    }
    const next = verdict.clock;
    // The 预警 belongs to the old deadline; warn again before the new one if that is still ahead.
    const warnedAt = clock.warnedAt !== null && next.warnAt.getTime() > at.getTime() ? null : clock.warnedAt;
    await updateClockDeadlines(tx, [
      { id: clock.id, days: next.days, due: next.due, dueDate: next.dueDate, warnAt: next.warnAt, provisional: next.provisional, warnedAt, nextFireAt: runningNextFire({ type: clock.type, warnAt: next.warnAt, due: next.due, warnedAt }) },
    ]);
    const decided = await decideExtensionRequest(tx, requestId, { status: 'approved', by, note, at, previousDueDate: clock.dueDate });
    const open = await openClocksOf(tx, ticket.id);
    const due = wireDue(open, calendar.timeZone);
    await appendEvent(tx, ticket.id, 'extension_approved', by, {
      requestId,
      previousDueDate: clock.dueDate,
      dueDate: next.dueDate,
      due: due.resolve,
      days: next.days,
      cap: verdict.cap,
      provisional: next.provisional,
      note,
    });
    const dir = await this.directories.current(tx);
    await writeOutbox(tx, [
      statusMessage(ticket, 'extended', {
        occurredAt: formatInstant(at, calendar.timeZone),
        unit: unitRef(dir?.compiled, ticket.unitCode),
        due,
        reason: byNotice ? `特殊情况延期，办结时限延至 ${next.dueDate}，特此告知` : `延期申请已批准，办结时限延至 ${next.dueDate}`,
      }),
    ]);
    clockExtensions.inc({ outcome: 'approved' });
    this.logger.log({ ticketId: ticket.id, requestId, dueDate: next.dueDate }, 'extension approved');
    return { request: decided, due, dueDate: next.dueDate };
  }
}
