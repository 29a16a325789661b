/**
 * The deadline table (`ticket_clocks`): plain SQL, no decisions. The decisions (which policy, when
 * to warn, how supervision climbs) live in `@hub/rules/deadlines` and the workflow's ClockService;
 * this file only reads and writes rows. Calendar years: calendar.repository.ts; extension
 * requests: extension-request.repository.ts; the sweeper's timer queries: clock-timers.repository.ts.
 *
 * Dates: `date` columns are always read as `::text` (`YYYY-MM-DD`). node-postgres would otherwise
 * turn them into a `Date` at local midnight of the *server's* zone, which is not the calendar's.
 */
import type { ClockType, ClockUnit, DeadlineClock } from '@hub/rules/deadlines';
import { formatClockDue } from '@hub/rules/deadlines';
import type { Source, SourceRecord } from '@hub/rules/model/ticket';
import { queryRows, type Queryable } from '../db';

export type ClockRowState = 'running' | 'met' | 'missed' | 'stopped';

/** States in which a clock still matters: running, or missed and still under 督办 until met or stopped. */
export const OPEN_CLOCK_STATES: readonly ClockRowState[] = ['running', 'missed'];

/**
 * Clocks that are duties of the handling unit: warned before (预警) and supervised after (督办)
 * their due (沪府办〔2020〕49号 Art. 5; Yunnan Measures Art. 10–13). `objection` (沪府办〔2020〕49号 Art. 7(二)) and `appeal` (Art. 6(二))
 * are windows — their end limits the unit's rights and is not lateness — and `return` is the
 * hub's own duty towards the national platform; those only expire.
 */
export const DUTY_CLOCK_TYPES: readonly ClockType[] = ['contact', 'resolve', 'forward', 'accept'];

/** Clocks the status events carry in `due` (`{"contact": …, "resolve": …}`, docs/contracts.md#hotline-status-events). */
export const WIRE_CLOCK_TYPES: readonly ClockType[] = ['contact', 'resolve'];

export interface ClockRow {
  id: string;
  ticketId: string;
  type: ClockType;
  policyId: string;
  state: ClockRowState;
  complex: boolean;
  unitCode: string | null;
  startedAt: Date;
  days: number | null;
  /** what `days` counts (docs/clock.md#units) */
  spanUnit: ClockUnit;
  baseDays: number | null;
  /** exclusive end */
  due: Date;
  /** `YYYY-MM-DD` */
  dueDate: string;
  warnBeforeDays: number;
  warnAt: Date;
  provisional: boolean;
  warnedAt: Date | null;
  missedAt: Date | null;
  metAt: Date | null;
  stoppedAt: Date | null;
  superviseCount: number;
  lastSupervisedAt: Date | null;
  nextFireAt: Date | null;
  scheduledFor: Date | null;
  /** the national ceiling (沪府办〔2020〕49号 Art. 5): `ceilingDays` working days after `ceilingFrom`'s day */
  ceilingFrom: Date | null;
  ceilingDays: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const CLOCK_COLUMNS = `id::text AS id, ticket_id::text AS "ticketId", type, policy_id AS "policyId", state, complex,
  unit_code AS "unitCode", started_at AS "startedAt", days, span_unit AS "spanUnit", base_days AS "baseDays", due, due_date::text AS "dueDate",
  warn_before_days AS "warnBeforeDays", warn_at AS "warnAt", provisional, warned_at AS "warnedAt", missed_at AS "missedAt",
  met_at AS "metAt", stopped_at AS "stoppedAt", supervise_count AS "superviseCount", last_supervised_at AS "lastSupervisedAt",
  next_fire_at AS "nextFireAt", scheduled_for AS "scheduledFor", ceiling_from AS "ceilingFrom", ceiling_days AS "ceilingDays", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The rules' view of a stored clock (an open clock counts as running for them). */
export function toDeadlineClock(row: ClockRow): DeadlineClock {
  return {
    type: row.type,
    policyId: row.policyId,
    startedAt: row.startedAt,
    days: row.days,
    ...(row.spanUnit === 'workday' ? {} : { unit: row.spanUnit }),
    baseDays: row.baseDays,
    complex: row.complex,
    due: row.due,
    dueDate: row.dueDate,
    warnAt: row.warnAt,
    warnBeforeDays: row.warnBeforeDays,
    provisional: row.provisional,
    state: OPEN_CLOCK_STATES.includes(row.state) ? 'running' : 'stopped',
    ceiling: row.ceilingFrom !== null && row.ceilingDays !== null ? { from: row.ceilingFrom, days: row.ceilingDays } : null,
  };
}

/**
 * The next moment a running clock needs attention: its 预警 while not yet given (duty clocks
 * only, and only when the warning comes before the due), else its due.
 */
export function runningNextFire(c: Pick<ClockRow, 'type' | 'warnAt' | 'due' | 'warnedAt'>): Date {
  // The return clock is the office's duty while it holds the ticket: its timer decides then.
  const warns = (DUTY_CLOCK_TYPES.includes(c.type) || c.type === 'return') && c.warnedAt === null && c.warnAt.getTime() < c.due.getTime();
  return warns ? c.warnAt : c.due;
}

/**
 * The wire `due` object of a ticket's open clocks (docs/contracts.md#hotline-status-events): the types the upstreams know,
 * each as its last second (or the national platform's own instant, formatClockDue).
 */
export function wireDue(clocks: ReadonlyArray<Pick<ClockRow, 'type' | 'state' | 'due' | 'days'>>, timeZone: string): Record<string, string> {
  const due: Record<string, string> = {};
  for (const c of clocks) {
    if (WIRE_CLOCK_TYPES.includes(c.type) && OPEN_CLOCK_STATES.includes(c.state)) due[c.type] = formatClockDue(c, timeZone);
  }
  return due;
}

// --- clocks ---------------------------------------------------------------------------------------

/**
 * Several clocks of one ticket in ONE statement (a dispatch starts contact, resolve and the
 * objection window together), returned in the order given. With `stopAt`, the same statement
 * first stops the ticket's open clocks of those types (closeClocks 'stopped'): a re-dispatch or
 * reopen replaces them, and the old rows stay as history.
 */
export async function insertClocks(
  db: Queryable,
  ticketId: string,
  clocks: ReadonlyArray<{ clock: DeadlineClock; nextFireAt: Date }>,
  opts: { stopAt?: Date } = {},
): Promise<ClockRow[]> {
  if (clocks.length === 0) return [];
  const col = <T>(f: (c: DeadlineClock, next: Date) => T): T[] => clocks.map((x) => f(x.clock, x.nextFireAt));
  const rows = await queryRows<ClockRow>(
    db,
    `WITH input AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::boolean[], $5::timestamptz[], $6::int[], $7::int[], $8::timestamptz[], $9::date[],
                            $10::int[], $11::timestamptz[], $12::boolean[], $13::timestamptz[], $15::timestamptz[], $16::int[], $17::text[])
         WITH ORDINALITY AS i(type, policy_id, complex, started_at, days, base_days, due, due_date, warn_before_days, warn_at, provisional, next_fire_at,
                              ceiling_from, ceiling_days, span_unit, ord)),
     stopped AS (
       UPDATE ticket_clocks SET state = 'stopped', stopped_at = $14::timestamptz, next_fire_at = NULL, scheduled_for = NULL, updated_at = now()
        WHERE $14::timestamptz IS NOT NULL AND ticket_id = $1 AND type IN (SELECT type FROM input) AND state IN ('running','missed')
       RETURNING id),
     ins AS (
       INSERT INTO ticket_clocks (ticket_id, type, policy_id, state, complex, unit_code, started_at, days, base_days, due, due_date,
           warn_before_days, warn_at, provisional, next_fire_at, ceiling_from, ceiling_days, span_unit)
       SELECT t.id, i.type, i.policy_id, 'running', i.complex, t.unit_code, i.started_at, i.days, i.base_days, i.due, i.due_date,
              i.warn_before_days, i.warn_at, i.provisional, i.next_fire_at, i.ceiling_from, i.ceiling_days, i.span_unit
         FROM input i CROSS JOIN tickets t
        -- "after stopped": the open-clock unique index must see the old rows stopped first
        WHERE t.id = $1 AND (SELECT count(*) FROM stopped) >= 0
        ORDER BY i.ord
       RETURNING *)
     SELECT ${CLOCK_COLUMNS} FROM ins ORDER BY ins.id`,
    [
      ticketId,
      col((c) => c.type),
      col((c) => c.policyId),
      col((c) => c.complex),
      col((c) => c.startedAt),
      col((c) => c.days),
      col((c) => c.baseDays),
      col((c) => c.due),
      col((c) => c.dueDate),
      col((c) => c.warnBeforeDays),
      col((c) => c.warnAt),
      col((c) => c.provisional),
      col((_c, next) => next),
      opts.stopAt ?? null,
      col((c) => c.ceiling?.from ?? null),
      col((c) => c.ceiling?.days ?? null),
      col((c) => c.unit ?? 'workday'),
    ],
  );
  if (rows.length !== clocks.length) throw new Error(`ticket ${ticketId} does not exist`);
  return rows;
}

export async function loadClock(db: Queryable, id: string, lock = false): Promise<ClockRow | undefined> {
  const rows = await queryRows<ClockRow>(db, `SELECT ${CLOCK_COLUMNS} FROM ticket_clocks WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/** The latest clock of one type of a ticket (a window: objection, appeal, return), whatever its state. */
export async function latestClockOfType(db: Queryable, ticketId: string, type: ClockType): Promise<ClockRow | undefined> {
  const rows = await queryRows<ClockRow>(db, `SELECT ${CLOCK_COLUMNS} FROM ticket_clocks WHERE ticket_id = $1 AND type = $2 ORDER BY id DESC LIMIT 1`, [ticketId, type]);
  return rows[0];
}

/** Every clock of a ticket, oldest first (history included). */
export async function clocksOf(db: Queryable, ticketId: string): Promise<ClockRow[]> {
  return queryRows<ClockRow>(db, `SELECT ${CLOCK_COLUMNS} FROM ticket_clocks WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

/** The open (running or missed) clocks of a ticket, optionally locked. */
export async function openClocksOf(db: Queryable, ticketId: string, lock = false): Promise<ClockRow[]> {
  return queryRows<ClockRow>(
    db,
    `SELECT ${CLOCK_COLUMNS} FROM ticket_clocks WHERE ticket_id = $1 AND state IN ('running','missed') ORDER BY id ${lock ? 'FOR UPDATE' : ''}`,
    [ticketId],
  );
}

/**
 * Closes the open clocks of `types`: `met` (fulfilled, on time or late) or `stopped` (dropped,
 * counts neither way). A running clock met at or after its due was late even if the miss had not
 * fired yet (a slow sweeper must not turn a late reply into an on-time one).
 */
export async function closeClocks(db: Queryable, ticketId: string, types: readonly ClockType[], outcome: 'met' | 'stopped', at: Date): Promise<ClockRow[]> {
  if (types.length === 0) return [];
  return queryRows<ClockRow>(
    db,
    `UPDATE ticket_clocks SET
        state = $3,
        met_at = CASE WHEN $3 = 'met' THEN $4::timestamptz ELSE met_at END,
        stopped_at = CASE WHEN $3 = 'stopped' THEN $4::timestamptz ELSE stopped_at END,
        missed_at = CASE WHEN $3 = 'met' AND state = 'running' AND due <= $4::timestamptz THEN due ELSE missed_at END,
        next_fire_at = NULL, scheduled_for = NULL, updated_at = now()
      WHERE ticket_id = $1 AND type = ANY($2::text[]) AND state IN ('running','missed')
      RETURNING ${CLOCK_COLUMNS}`,
    [ticketId, [...types], outcome, at],
  );
}

/** What a timer firing changes on a clock. */
export interface ClockTimerUpdate {
  state: 'running' | 'missed';
  warnedAt: Date | null;
  missedAt: Date | null;
  superviseCount: number;
  lastSupervisedAt: Date | null;
  nextFireAt: Date | null;
}

export async function updateClockTimer(db: Queryable, id: string, u: ClockTimerUpdate): Promise<void> {
  await db.query(
    `UPDATE ticket_clocks SET state = $2, warned_at = $3, missed_at = $4, supervise_count = $5, last_supervised_at = $6,
        next_fire_at = $7, scheduled_for = NULL, updated_at = now()
      WHERE id = $1`,
    [id, u.state, u.warnedAt, u.missedAt, u.superviseCount, u.lastSupervisedAt, u.nextFireAt],
  );
}

/** A moved deadline (extension or calendar change). */
export interface ClockDeadlineUpdate {
  id: string;
  days: number | null;
  due: Date;
  dueDate: string;
  warnAt: Date;
  provisional: boolean;
  warnedAt: Date | null;
  nextFireAt: Date | null;
}

/** Writes moved deadlines in one statement (a calendar change can move thousands). */
export async function updateClockDeadlines(db: Queryable, list: readonly ClockDeadlineUpdate[]): Promise<void> {
  if (list.length === 0) return;
  await db.query(
    `UPDATE ticket_clocks c SET days = v.days, due = v.due, due_date = v.due_date, warn_at = v.warn_at, provisional = v.provisional,
        warned_at = v.warned_at, next_fire_at = v.next_fire_at, scheduled_for = NULL, updated_at = now()
       FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::date[], $5::timestamptz[], $6::boolean[], $7::timestamptz[], $8::timestamptz[])
         AS v(id, days, due, due_date, warn_at, provisional, warned_at, next_fire_at)
      WHERE c.id = v.id`,
    [
      list.map((c) => c.id),
      list.map((c) => c.days),
      list.map((c) => c.due.toISOString()),
      list.map((c) => c.dueDate),
      list.map((c) => c.warnAt.toISOString()),
      list.map((c) => c.provisional),
      list.map((c) => c.warnedAt?.toISOString() ?? null),
      list.map((c) => c.nextFireAt?.toISOString() ?? null),
    ],
  );
}

// --- calendar recomputation --------------------------------------------------------------------------

/**
 * Tickets with a running working-day clock (hours and calendar days do not depend on the schedule) whose counted span (started_at's day, due_date] meets the days in
 * [firstDay, endExclusive): only those can move when that stretch of the calendar changes. No range
 * means every ticket with a running clock.
 */
export async function ticketsWithRunningClocks(db: Queryable, range?: { firstDay: string; endExclusive: Date }): Promise<string[]> {
  const rows = range
    ? await queryRows<{ id: string }>(
        db,
        `SELECT DISTINCT ticket_id::text AS id FROM ticket_clocks WHERE state = 'running' AND span_unit = 'workday' AND due_date >= $1::date AND started_at < $2 ORDER BY 1`,
        [range.firstDay, range.endExclusive],
      )
    : await queryRows<{ id: string }>(db, `SELECT DISTINCT ticket_id::text AS id FROM ticket_clocks WHERE state = 'running' AND span_unit = 'workday' ORDER BY 1`);
  return rows.map((r) => r.id);
}

export interface LockedTicketRef {
  id: string;
  source: Source;
  sourceRecord: SourceRecord;
  externalId: string;
  unitCode: string | null;
}

/** Locks tickets in id order (the same order everywhere, so two batches cannot deadlock). */
export async function lockTicketRefs(db: Queryable, ids: readonly string[]): Promise<LockedTicketRef[]> {
  if (ids.length === 0) return [];
  return queryRows<LockedTicketRef>(
    db,
    `SELECT id::text AS id, source, source_record AS "sourceRecord", external_id AS "externalId", unit_code AS "unitCode"
       FROM tickets WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [[...ids]],
  );
}

export async function openClocksOfTickets(db: Queryable, ids: readonly string[]): Promise<ClockRow[]> {
  if (ids.length === 0) return [];
  return queryRows<ClockRow>(
    db,
    `SELECT ${CLOCK_COLUMNS} FROM ticket_clocks WHERE ticket_id = ANY($1::uuid[]) AND state IN ('running','missed') ORDER BY ticket_id, id FOR UPDATE`,
    [[...ids]],
  );
}

/** The clock types a ticket ever had, open or closed. */
export async function clockTypesOf(db: Queryable, ticketId: string): Promise<Set<string>> {
  const rows = await queryRows<{ type: string }>(db, `SELECT DISTINCT type FROM ticket_clocks WHERE ticket_id = $1`, [ticketId]);
  return new Set(rows.map((r) => r.type));
}
