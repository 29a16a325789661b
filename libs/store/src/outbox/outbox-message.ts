import { randomUUID } from 'node:crypto';
import type { OutboundMessage, OutboundTarget, TicketRef } from '@hub/connectors/common/outbound-message';
import { outboxPayloadContext } from '@hub/common/crypto';
import { protectionOf, queryRows, type Queryable } from '../db';
import { closeWrites, openWriteBuffer, txMemo } from '../tx-memo';

/**
 * The transactional outbox is the hub's only way out (docs/delivery.md): a state change writes its
 * messages in the same transaction, the relay moves them into BullMQ, the notifier delivers them.
 * What each outside system hears is built in its folder of libs/connectors; this file only stores.
 */
export type OutboxTarget = OutboundTarget;
export type OutboxMessage = OutboundMessage;
export type { TicketRef };

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
 * (lockTicketWithWorkOrder): mergedTicketRefs then does not ask again. Same columns and
 * order as its own query.
 */
export function knownMerged(db: Queryable, ticketId: string, merged: TicketRef[]): void {
  void txMemo(db, mergedKey(ticketId), () => Promise.resolve(merged));
}

/**
 * The tickets merged into `ticketId` (Yunnan Measures Art. 13): each source hears every later event of the
 * handled ticket under its own id. Read once per transaction (txMemo): routing writes `accepted`
 * and `dispatched` in one. A ticket merged into this one by a transaction that commits meanwhile
 * hears both or neither (it hears `merged` with the handling unit either way, and every later event).
 */
export function mergedTicketRefs(db: Queryable, ticketId: string): Promise<TicketRef[]> {
  return txMemo(db, mergedKey(ticketId), () =>
    queryRows<TicketRef>(
      db,
      `SELECT id::text AS id, source, source_record AS "sourceRecord", external_id AS "externalId" FROM tickets WHERE merged_into = $1 ORDER BY created_at`,
      [ticketId],
    ),
  );
}
