import { randomUUID } from 'node:crypto';
import { outboxPayloadContext } from '@hub/common/crypto';
import { protectionOf, queryRows, type Queryable } from '../db';
import type { Source, SourceRecord } from '@hub/rules/model/ticket';
import type { StatusEventType, UnitWorkOrderType } from '@hub/rules/lifecycle/work-order.types';
import { forMergedSource } from '@hub/rules/dispatch/merge-scope';
import { closeWrites, openWriteBuffer, txMemo } from '../tx-memo';

/**
 * The transactional outbox is the hub's only way out (ARCHITECTURE.md): a state change writes its
 * messages in the same transaction, the relay moves them into BullMQ, the notifier delivers them.
 * `router` is internal work (intake checks and dispatch); every other target is an outside system.
 */
export type OutboxTarget = 'router' | 'hotline' | 'ywtb' | 'national' | `unit:${string}`;

export interface OutboxMessage {
  /** stable on every attempt: the receiver deduplicates on it (contracts §3: 409 = already have it) */
  eventId: string;
  ticketId: string | null;
  target: OutboxTarget;
  /** status | receipt | return | result | work_order | route */
  type: string;
  /** messages with one key are delivered in the order they were written; default target + ticket */
  orderKey?: string;
  /**
   * For outside systems: the path under the target's base URL as unencoded segments (the
   * sender encodes them) and the JSON body.
   */
  payload: { segments?: string[]; body?: Record<string, unknown> } & Record<string, unknown>;
}

/** The contract's status types (§3–§4), one list in libs/rules. */
export { STATUS_EVENT_TYPES as STATUS_TYPES } from '@hub/rules/lifecycle/work-order.types';
export type StatusType = StatusEventType;

export interface TicketRef {
  id: string;
  source: Source;
  sourceRecord: SourceRecord;
  externalId: string;
}

export interface StatusDetails {
  occurredAt: string;
  unit?: { code: string; name: string } | null;
  due?: Record<string, string> | null;
  reason?: string | null;
  replyPoints?: string | null;
}

/**
 * A status event for the system the ticket came from (contracts §3, §4). National transfers get
 * receipts, returns and results instead (§5), so they have no status events: null.
 */
export function statusMessage(t: TicketRef, type: StatusType, d: StatusDetails): OutboxMessage | null {
  const eventId = randomUUID();
  const common = {
    eventId,
    ticketId: t.id,
    type,
    occurredAt: d.occurredAt,
    unit: d.unit ?? null,
    ...(d.due ? { due: d.due } : {}),
    reason: d.reason ?? null,
    replyPoints: d.replyPoints ?? null,
  };
  if (t.source === 'hotline') {
    return { eventId, ticketId: t.id, target: 'hotline', type: 'status', payload: { segments: ['api', 'orders', t.externalId, 'status'], body: { ...common, orderNo: t.externalId } } };
  }
  if (t.source === 'ywtb') {
    if (type === 'unfounded' && t.sourceRecord !== 'evaluation') return null;
    const [seg, idField] = t.sourceRecord === 'evaluation' ? ['evaluations', 'evaluationId'] : ['suggestions', 'suggestionId'];
    return { eventId, ticketId: t.id, target: 'ywtb', type: 'status', payload: { segments: ['api', seg, t.externalId, 'status'], body: { ...common, [idField]: t.externalId } } };
  }
  return null;
}

/** §5 receipt, written at intake in the same transaction as the ticket. */
export function nationalReceipt(ticketId: string, transferId: string, receivedAt: string): OutboxMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: 'national', type: 'receipt', payload: { segments: ['api', 'v1', 'transfers', transferId, 'receipt'], body: { eventId, receivedAt, ticketId } } };
}

export function nationalReturn(ticketId: string, transferId: string, reason: 'out_of_jurisdiction' | 'incomplete_elements', detail: string, returnedAt: string): OutboxMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: 'national', type: 'return', payload: { segments: ['api', 'v1', 'transfers', transferId, 'return'], body: { eventId, reason, detail, returnedAt } } };
}

export interface NationalResultBody {
  report: string;
  replyPoints: string;
  approvedBy: string;
  sealedDocument: { name: string; sha256: string; url: string };
  visit: { satisfied: boolean; result: number; efficiency: number; attitude: number; note: string };
  concludedAt: string;
}

export function nationalResult(ticketId: string, transferId: string, result: NationalResultBody): OutboxMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: 'national', type: 'result', payload: { segments: ['api', 'v1', 'transfers', transferId, 'result'], body: { eventId, ...result } } };
}

export type WorkOrderType = UnitWorkOrderType;

/** §6: a work order for a unit's own system (only units that registered an endpoint). */
export function unitWorkOrder(
  unitCode: string,
  ticketId: string,
  type: WorkOrderType,
  role: 'lead' | 'co',
  due: Record<string, string>,
  ticket: Record<string, unknown>,
): OutboxMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: `unit:${unitCode}`, type: 'work_order', payload: { segments: ['work-orders'], body: { eventId, ticketId, type, role, due, ticket } } };
}

/** Internal: the router's intake checks and dispatch for a newly stored ticket. */
export function routeJob(ticketId: string): OutboxMessage {
  return { eventId: randomUUID(), ticketId, target: 'router', type: 'route', payload: {} };
}

/** The columns and values of a multi-row INSERT, usable inside a CTE or alone. */
export function outboxValues(db: Queryable, msgs: OutboxMessage[], startParam: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const dp = protectionOf(db);
  const rows = msgs.map((m) => {
    const base = startParam + params.length;
    // citizens' personal data in a payload (a unit's work order) is sealed at rest, as in the ticket row
    const payload = dp.sealDeep(m.payload, outboxPayloadContext(m.eventId));
    params.push(m.eventId, m.ticketId, m.target, m.type, m.orderKey ?? `${m.target}:${m.ticketId ?? m.eventId}`, JSON.stringify(payload));
    return `($${base}::uuid, $${base + 1}::uuid, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb)`;
  });
  return { sql: rows.join(', '), params };
}

export const OUTBOX_COLUMNS = '(event_id, ticket_id, target, type, order_key, payload)';

/** Writes messages inside the caller's transaction. */
export async function writeOutbox(db: Queryable, msgs: Array<OutboxMessage | null>): Promise<void> {
  const list = msgs.filter((m): m is OutboxMessage => m !== null);
  if (list.length === 0) return;
  const buffer = openWriteBuffer(db);
  if (buffer) {
    buffer.outbox.push(...list);
    return;
  }
  const { sql, params } = outboxValues(db, list, 1);
  await db.query(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${sql}`, params);
}

/**
 * Writes what openWrites collected — event-log rows and outbox messages, each in the order they
 * were written — in ONE statement, and closes the buffer. Routing a ticket wrote five such rows
 * one statement at a time.
 */
export async function flushWrites(db: Queryable): Promise<void> {
  const buffer = closeWrites(db);
  if (!buffer) return;
  const { events } = buffer;
  const outbox = buffer.outbox as OutboxMessage[];
  const eventParams = [events.map((e) => e.ticketId), events.map((e) => e.type), events.map((e) => e.actor), events.map((e) => e.data)];
  const insertEvents = `INSERT INTO ticket_events (ticket_id, type, actor, data)
       SELECT t, ty, a, d::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(t, ty, a, d, ord) ORDER BY ord`;
  if (outbox.length === 0) {
    if (events.length > 0) await db.query(insertEvents, eventParams);
    return;
  }
  if (events.length === 0) return writeOutbox(db, outbox);
  const { sql, params } = outboxValues(db, outbox, 5);
  await db.query(`WITH events AS (${insertEvents}) INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${sql}`, [...eventParams, ...params]);
}

const mergedKey = (ticketId: string): string => `merged:${ticketId}`;

/**
 * The tickets merged into `ticketId` as a statement of this transaction already read them
 * (lockTicketWithWorkOrder): statusMessagesWithMerged then does not ask again. Same columns and
 * order as its own query.
 */
export function knownMerged(db: Queryable, ticketId: string, merged: TicketRef[]): void {
  void txMemo(db, mergedKey(ticketId), () => Promise.resolve(merged));
}

/**
 * A status event for a ticket and for every ticket merged into it (001 Art. 13): each source
 * hears every later event of the handled ticket under its own id.
 */
export async function statusMessagesWithMerged(db: Queryable, t: TicketRef, type: StatusType, d: StatusDetails): Promise<Array<OutboxMessage | null>> {
  // Read once per transaction (txMemo): routing writes `accepted` and `dispatched` in one. A ticket
  // merged into this one by a transaction that commits meanwhile hears both or neither (it hears
  // `merged` with the handling unit either way, and every later event).
  const merged = await txMemo(db, mergedKey(t.id), () =>
    queryRows<TicketRef>(
      db,
      `SELECT id::text AS id, source, source_record AS "sourceRecord", external_id AS "externalId" FROM tickets WHERE merged_into = $1 ORDER BY created_at`,
      [t.id],
    ),
  );
  // A merged source hears the state change, never the handled ticket's text (forMergedSource).
  return [statusMessage(t, type, d), ...merged.map((m) => statusMessage(m, type, forMergedSource(d)))];
}
