import type { CanonicalTicket, Citizen, NationalLevel, Source, SourceRecord, TicketKind } from '@hub/rules/model/ticket';
import { protectionOf, queryRows, type Queryable } from '../db';
import { ticketCitizenContext, type DataProtection } from '@hub/common/crypto';
import { openWriteBuffer } from '../tx-memo';

/** A stored ticket: the canonical fields plus where it stands. */
export interface TicketRow {
  id: string;
  source: Source;
  sourceRecord: SourceRecord;
  externalId: string;
  state: string;
  unitCode: string | null;
  directoryVersion: string | null;
  mergedInto: string | null;
  intakeProblems: Array<{ path: string; message: string }> | null;
  createdAt: Date;
  updatedAt: Date;
  rowVersion: number;
  ticket: CanonicalTicket;
}

/** A tickets row as `SELECT *` gives it (the columns this module reads). */
export interface RawRow {
  id: string;
  source: Source;
  source_record: SourceRecord;
  external_id: string;
  kind: TicketKind;
  channel: string;
  category_code: string | null;
  title: string;
  content: string;
  citizen: Citizen;
  respondent: CanonicalTicket['respondent'] | null;
  service_item_code: string | null;
  location: CanonicalTicket['location'] | null;
  urgency: 'normal' | 'urgent';
  complex: boolean;
  designated_unit_code: string | null;
  attachments: CanonicalTicket['attachments'];
  national: ({ level: NationalLevel; dueAt?: string; transferredAt: string; designatedUnitName?: string } & Record<string, unknown>) | null;
  evaluation: CanonicalTicket['evaluation'] | null;
  received_at: Date;
  state: string;
  unit_code: string | null;
  directory_version: string | null;
  merged_into: string | null;
  intake_problems: Array<{ path: string; message: string }> | null;
  created_at: Date;
  updated_at: Date;
  row_version: number;
}

const u = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function toTicketRow(r: RawRow, dp: DataProtection): TicketRow {
  const { designatedUnitName, ...national } = r.national ?? ({} as NonNullable<RawRow['national']>);
  const ticket: CanonicalTicket = {
    source: r.source,
    sourceRecord: r.source_record,
    externalId: r.external_id,
    kind: r.kind,
    channel: r.channel,
    categoryCode: u(r.category_code),
    title: r.title,
    content: r.content,
    // Stored encrypted (storeTicket); in clear only in memory (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10).
    citizen: dp.openPerson(r.citizen, ticketCitizenContext(r.id)),
    respondent: u(r.respondent),
    serviceItemCode: u(r.service_item_code),
    location: u(r.location),
    urgency: r.urgency,
    complex: r.complex,
    designatedUnitCode: u(r.designated_unit_code),
    designatedUnitName: designatedUnitName ?? undefined,
    attachments: r.attachments ?? [],
    receivedAt: r.received_at.toISOString(),
    national: r.national && national.level ? (national as CanonicalTicket['national']) : undefined,
    evaluation: u(r.evaluation),
  };
  return {
    id: r.id,
    source: r.source,
    sourceRecord: r.source_record,
    externalId: r.external_id,
    state: r.state,
    unitCode: r.unit_code,
    directoryVersion: r.directory_version,
    mergedInto: r.merged_into,
    intakeProblems: r.intake_problems,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rowVersion: r.row_version,
    ticket,
  };
}

export async function loadTicket(db: Queryable, id: string, lock = false): Promise<TicketRow | undefined> {
  const rows = await queryRows<RawRow>(db, `SELECT *, id::text AS id, merged_into::text AS merged_into FROM tickets WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toTicketRow(rows[0], protectionOf(db)) : undefined;
}

/** The most recent tickets that a unit handles or that wait in the dispute queue (a directory replay's sample). */
export async function recentRoutedTickets(db: Queryable, limit: number): Promise<TicketRow[]> {
  const rows = await queryRows<RawRow>(
    db,
    `SELECT *, id::text AS id, merged_into::text AS merged_into FROM tickets
      WHERE unit_code IS NOT NULL OR state = 'disputed' ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  const dp = protectionOf(db);
  return rows.map((r) => toTicketRow(r, dp));
}

export async function appendEvent(db: Queryable, ticketId: string, type: string, actor: string, data: Record<string, unknown>): Promise<void> {
  const buffer = openWriteBuffer(db);
  if (buffer) {
    buffer.events.push({ ticketId, type, actor, data: JSON.stringify(data) });
    return;
  }
  await db.query(`INSERT INTO ticket_events (ticket_id, type, actor, data) VALUES ($1, $2, $3, $4::jsonb)`, [ticketId, type, actor, JSON.stringify(data)]);
}

export interface TicketEvent {
  id: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  occurredAt: Date;
}

export async function eventsOf(db: Queryable, ticketId: string): Promise<TicketEvent[]> {
  return queryRows<TicketEvent>(db, `SELECT id::text AS id, type, actor, data, occurred_at AS "occurredAt" FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [ticketId]);
}

/** Appends many events to the log in one statement (same table and rules as appendEvent). */
export async function appendEvents(db: Queryable, events: ReadonlyArray<{ ticketId: string; type: string; actor: string; data: Record<string, unknown> }>): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO ticket_events (ticket_id, type, actor, data)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])`,
    [events.map((e) => e.ticketId), events.map((e) => e.type), events.map((e) => e.actor), events.map((e) => JSON.stringify(e.data))],
  );
}

