/**
 * Replacing one year's working-day schedule and recomputing the open clocks it affects.
 *
 * The State Council publishes next year's holidays and make-up days each autumn; until then a
 * date in that year counts weekends only and deadlines through it are provisional
 * (docs/domain.md#the-clocks). When the office enters the schedule, every running clock whose
 * counted days meet that year is re-derived from its start and working-day count (a new calendar
 * year recomputes the open tickets' deadlines it affects, docs/contracts.md#directory), and the
 * source of every ticket whose deadline moved is told with `extended` and the new `due` —
 * `extended` is the only status that carries a moved `due` (docs/contracts.md#status-event-types),
 * so a moved deadline, whatever moved it, is announced with it.
 *
 * Shared by the gateway (PUT /office/calendar/:year) and the router (its sweeper finishes a
 * recomputation that a crash interrupted: `recompute_pending` stays set until it is done).
 */
import type { DataSource } from 'typeorm';
import { formatInstant, WorkingCalendar } from '@hub/rules/calendar';
import { formatClockDue, recomputeClock } from '@hub/rules/deadlines';
import {
  CALENDAR_LOCK,
  CALENDAR_RECOMPUTE_LOCK,
  CalendarLoader,
  WIRE_CLOCK_TYPES,
  advisoryXactLock,
  appendEvents,
  lockTicketRefs,
  markRecomputed,
  openClocksOfTickets,
  pendingRecomputes,
  runningNextFire,
  ticketsWithRunningClocks,
  toDeadlineClock,
  unitNames,
  updateClockDeadlines,
  upsertCalendarYear,
  wireDue,
  writeOutbox,
  type CalendarYearRow,
  type ClockDeadlineUpdate,
  type ClockRow,
  type OutboxMessage,
  type Queryable,
} from '@hub/store';
import { statusMessage } from '@hub/connectors';

export interface CalendarYearInput {
  year: number;
  holidays: string[];
  workdays: string[];
  published: boolean;
}

export interface RecomputeSummary {
  /** years whose replacement this recomputation applied (empty: all running clocks) */
  years: number[];
  /** running clocks examined */
  clocks: number;
  /** clocks whose due moved */
  moved: number;
  /** tickets with a moved clock */
  tickets: number;
  /** `extended` status events written for their sources */
  notified: number;
}

export interface ReplaceYearResult {
  year: CalendarYearRow;
  recompute: RecomputeSummary;
}

/**
 * Replaces one year (validated input) and recomputes the open clocks it affects. Two
 * transactions: the year is written under CALENDAR_LOCK exclusive (short; no ticket is touched, so
 * it cannot deadlock with clock writers, which lock a ticket and then take the lock shared); the
 * recomputation follows. If the process dies in between, `recompute_pending` is still set and the
 * router's sweeper finishes the job.
 */
export async function replaceCalendarYear(ds: DataSource, loader: CalendarLoader, entry: CalendarYearInput, by: string, now: Date): Promise<ReplaceYearResult> {
  // Refuses anything the calendar itself would refuse (the caller validated; this is the last guard).
  new WorkingCalendar([entry]);
  const year = await ds.transaction(async (tx) => {
    await advisoryXactLock(tx, CALENDAR_LOCK);
    return upsertCalendarYear(tx, entry, by, now);
  });
  loader.invalidate();
  const recompute = await ds.transaction((tx) => recomputeOpenClocks(tx, loader, now));
  return { year, recompute };
}

const BATCH_TICKETS = 500;

/**
 * Re-derives the running clocks that a calendar change can move, under the effective calendar.
 * `scope`: `pending` (default) — the replaced years not yet recomputed; `all` — every running clock
 * (after a directory import changed its calendar). Missed clocks are left alone: the miss already
 * happened and was reported, and a later calendar does not un-supervise a ticket.
 *
 * Locks tickets (in id order) before their clocks: the order every clock writer uses.
 */
export async function recomputeOpenClocks(tx: Queryable, loader: CalendarLoader, now: Date, scope: 'pending' | 'all' = 'pending'): Promise<RecomputeSummary> {
  await advisoryXactLock(tx, CALENDAR_RECOMPUTE_LOCK);
  const pending = await pendingRecomputes(tx);
  const summary: RecomputeSummary = { years: scope === 'all' ? [] : pending.map((p) => p.year), clocks: 0, moved: 0, tickets: 0, notified: 0 };
  if (scope === 'pending' && pending.length === 0) return summary;
  const { calendar, timeZone } = await loader.effective(tx);

  let range: { firstDay: string; endExclusive: Date } | undefined;
  if (scope === 'pending') {
    const first = Math.min(...pending.map((p) => p.year));
    const last = Math.max(...pending.map((p) => p.year));
    range = { firstDay: `${first}-01-01`, endExclusive: calendar.startOfDay(`${last + 1}-01-01`) };
  }
  const ticketIds = await ticketsWithRunningClocks(tx, range);
  const occurredAt = formatInstant(now, timeZone);
  const reason =
    scope === 'all'
      ? '工作日历已更新，办理时限按新的工作日历重新计算'
      : `${summary.years.join('、')}年节假日安排已更新，办理时限按新的工作日历重新计算`;

  for (let i = 0; i < ticketIds.length; i += BATCH_TICKETS) {
    const chunk = ticketIds.slice(i, i + BATCH_TICKETS);
    const refs = await lockTicketRefs(tx, chunk);
    const clocks = await openClocksOfTickets(tx, chunk);
    const names = await unitNames(tx, refs.map((r) => r.unitCode).filter((c): c is string => c !== null));
    const byTicket = new Map<string, ClockRow[]>();
    for (const c of clocks) byTicket.set(c.ticketId, [...(byTicket.get(c.ticketId) ?? []), c]);

    const updates: ClockDeadlineUpdate[] = [];
    const events: Array<{ ticketId: string; type: string; actor: string; data: Record<string, unknown> }> = [];
    const msgs: Array<OutboxMessage | null> = [];
    for (const ref of refs) {
      const own = byTicket.get(ref.id) ?? [];
      const moved: Array<Record<string, unknown>> = [];
      let wireMoved = false;
      for (const c of own) {
        if (c.state !== 'running') continue;
        summary.clocks++;
        const r = recomputeClock(toDeadlineClock(c), calendar);
        const next = r.clock;
        const changed = r.moved || next.provisional !== c.provisional || next.warnAt.getTime() !== c.warnAt.getTime();
        if (!changed) continue;
        // A warning belongs to a deadline: when the deadline moved and the new 预警 window is
        // still ahead, the unit is warned again before the new due.
        const warnedAt = r.moved && c.warnedAt !== null && next.warnAt.getTime() > now.getTime() ? null : c.warnedAt;
        const nextFireAt = runningNextFire({ type: c.type, warnAt: next.warnAt, due: next.due, warnedAt });
        updates.push({ id: c.id, days: next.days, due: next.due, dueDate: next.dueDate, warnAt: next.warnAt, provisional: next.provisional, warnedAt, nextFireAt });
        if (r.moved) {
          summary.moved++;
          if (WIRE_CLOCK_TYPES.includes(c.type)) wireMoved = true;
          moved.push({
            clock: c.type,
            clockId: c.id,
            direction: r.direction,
            previousDueDate: r.previousDueDate,
            dueDate: next.dueDate,
            previousDue: formatClockDue({ due: r.previousDue, days: c.days }, timeZone),
            due: formatClockDue(next, timeZone),
            provisional: next.provisional,
          });
        }
        c.due = next.due;
        c.dueDate = next.dueDate;
      }
      if (moved.length === 0) continue;
      summary.tickets++;
      events.push({ ticketId: ref.id, type: 'deadline_recomputed', actor: 'clock', data: { reason, years: summary.years, clocks: moved } });
      if (wireMoved) {
        const unit = ref.unitCode ? { code: ref.unitCode, name: names.get(ref.unitCode) ?? ref.unitCode } : null;
        const msg = statusMessage(ref, 'extended', { occurredAt, unit, due: wireDue(own, timeZone), reason });
        if (msg) {
          msgs.push(msg);
          summary.notified++;
        }
      }
    }
    await updateClockDeadlines(tx, updates);
    await appendEvents(tx, events);
    await writeOutbox(tx, msgs);
  }
  await markRecomputed(tx, pending, { recomputed: summary.clocks, moved: summary.moved });
  return summary;
}
