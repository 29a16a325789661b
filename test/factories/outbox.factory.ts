/**
 * Rows for delivery tests and the delivery bench: minimal tickets inserted by SQL (the outbox has a
 * foreign key to them), outbox messages written with the store's own builders exactly as a state
 * change writes them, and a directory that gives units their own systems (docs/contracts.md#unit-systems).
 */
import { randomUUID } from 'node:crypto';
import type { Source, SourceRecord } from '@hub/rules/model/ticket';
import {
  type OutboxMessage,
  type Queryable,
  type TicketRef,
  queryRows,
  writeOutbox,
} from '@hub/store';
import { statusMessage } from '@hub/connectors';
import type { StatusEventType } from '@hub/rules/lifecycle';
import { testPhone } from './tickets.factory';

const RECORD_OF: Record<Source, SourceRecord> = { hotline: 'order', ywtb: 'suggestion', national: 'transfer', open311: 'request' };
const PREFIX_OF: Record<SourceRecord, string> = { order: 'HL', evaluation: 'EV', suggestion: 'SG', transfer: 'NT', request: 'OR' };

export interface TicketSeed {
  source?: Source;
  sourceRecord?: SourceRecord;
  externalId?: string;
}

/** Inserts `count` tickets in one statement (the bench needs a thousand). */
export async function insertTickets(db: Queryable, count: number, seed: TicketSeed = {}): Promise<TicketRef[]> {
  const source = seed.source ?? 'hotline';
  const sourceRecord = seed.sourceRecord ?? RECORD_OF[source];
  const refs: TicketRef[] = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    source,
    sourceRecord,
    externalId: seed.externalId && count === 1 ? seed.externalId : `${PREFIX_OF[sourceRecord]}-${randomUUID().slice(0, 8)}-${i}`,
  }));
  const citizen = JSON.stringify({ name: '张三', phone: testPhone(), anonymous: false, confidential: false });
  await db.query(
    `INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, title, content, citizen, received_at, raw_payload)
     SELECT id, $2, $3, ext, 'test', 'complaint', 'phone', '测试工单', '测试内容', $4::jsonb, now(), '{}'::jsonb
       FROM unnest($1::uuid[], $5::text[]) AS u(id, ext)`,
    [refs.map((r) => r.id), source, sourceRecord, citizen, refs.map((r) => r.externalId)],
  );
  return refs;
}

export async function insertTicket(db: Queryable, seed: TicketSeed = {}): Promise<TicketRef> {
  const [ref] = await insertTickets(db, 1, seed);
  return ref;
}

/** A status event for the ticket's source system (docs/contracts.md#status-event-types). */
export function status(t: TicketRef, type: StatusEventType = 'dispatched', occurredAt = new Date().toISOString()): OutboxMessage {
  const m = statusMessage(t, type, { occurredAt, unit: { code: '310104-MARKET', name: '徐汇区市场监管局' }, due: { contact: occurredAt, resolve: occurredAt } });
  if (!m) throw new Error(`no status message for a ${t.source} ticket`);
  return m;
}

/**
 * Writes messages as a state change does (one INSERT is one transaction); returns their outbox ids
 * in the order written.
 */
export async function write(db: Queryable, msgs: OutboxMessage[]): Promise<string[]> {
  await writeOutbox(db, msgs);
  const rows = await queryRows<{ id: string }>(db, `SELECT id::text AS id FROM outbox WHERE event_id = ANY($1::uuid[]) ORDER BY outbox.id`, [msgs.map((m) => m.eventId)]);
  return rows.map((r) => r.id);
}

/** An active directory version whose units have their own systems at these base URLs. */
export async function activateUnitEndpoints(db: Queryable, endpoints: Record<string, string>): Promise<void> {
  const doc = { version: `test-${randomUUID().slice(0, 8)}`, units: Object.entries(endpoints).map(([code, endpoint]) => ({ code, endpoint })) };
  await db.query(`UPDATE directory_versions SET active = false WHERE active`);
  await db.query(`INSERT INTO directory_versions (version, document, imported_by, active, activated_at) VALUES ($1, $2::jsonb, 'test', true, now())`, [
    doc.version,
    JSON.stringify(doc),
  ]);
}

export interface OutboxState {
  id: string;
  eventId: string;
  ticketId: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export async function outboxStates(db: Queryable, where = 'true', params: unknown[] = []): Promise<OutboxState[]> {
  return queryRows<OutboxState>(
    db,
    `SELECT id::text AS id, event_id::text AS "eventId", ticket_id::text AS "ticketId", status, attempts, last_status AS "lastStatus", last_error AS "lastError"
       FROM outbox WHERE ${where} ORDER BY outbox.id`,
    params,
  );
}

/** The eventId a fake upstream received in a request body (every message of docs/contracts.md carries one). */
export function eventIdOf(r: { body: unknown }): string | undefined {
  const id = (r.body as { eventId?: unknown } | undefined)?.eventId;
  return typeof id === 'string' ? id : undefined;
}

/** eventIds in the order they first arrived (a repeated attempt of the same message counts once). */
export function firstArrivals(requests: ReadonlyArray<{ body: unknown }>): string[] {
  const seen = new Set<string>();
  for (const r of requests) {
    const id = eventIdOf(r);
    if (id) seen.add(id);
  }
  return [...seen];
}

/**
 * Tickets whose messages did not first arrive in the order they were written (outbox id order),
 * with what arrived: empty when every ticket's events came in order.
 */
export async function orderViolations(db: Queryable, requests: ReadonlyArray<{ body: unknown }>): Promise<string[]> {
  const rows = await outboxStates(db);
  const byTicket = new Map<string, string[]>();
  for (const r of rows) byTicket.set(r.ticketId, [...(byTicket.get(r.ticketId) ?? []), r.eventId]);
  const arrived = firstArrivals(requests);
  const bad: string[] = [];
  for (const [ticket, written] of byTicket) {
    const mine = new Set(written);
    const got = arrived.filter((e) => mine.has(e));
    if (got.join() !== written.slice(0, got.length).join()) bad.push(`${ticket}: wrote ${written.join(',')} got ${got.join(',')}`);
  }
  return bad;
}
