import { randomUUID } from 'node:crypto';
import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { evaluationPayloadContext, inboundPayloadContext, ticketCitizenContext, ticketPayloadContext } from '@hub/common/crypto';
import { protectionOf, queryRows, type Queryable } from '../db';
import { OUTBOX_COLUMNS, OutboxMessage, outboxValues } from '../outbox/outbox-message';

export type StoreResult =
  | { created: true; ticketId: string }
  | { created: false; ticketId: string; sameContent: boolean };

export interface NewTicket {
  ticket: CanonicalTicket;
  contentHash: string;
  rawPayload: unknown;
  /** what a pulled transfer lacks (stored anyway, returned by the router) */
  intakeProblems?: Array<{ path: string; message: string }>;
  actor: string;
  /** messages to commit with the ticket: the routing job, the national receipt … */
  outbox: (ticketId: string) => OutboxMessage[];
}

/**
 * Stores a ticket, its first event and its outbox messages in ONE statement (so one implicit
 * transaction and one round trip): either all of them commit before the 2xx, or none does.
 * The unique (source, record, external id) makes concurrent deliveries of one order collapse
 * into one ticket; the loser learns the winner's id and whether the content was the same.
 */
/** A citizen's event (补充 / 催办 / 撤诉) as intake stored it, its person objects opened. */
export async function loadInboundEvent(db: Queryable, id: string): Promise<{ type: 'withdraw' | 'supplement' | 'urge'; payload: Record<string, unknown> & { content?: string } } | undefined> {
  const rows = await queryRows<{ type: 'withdraw' | 'supplement' | 'urge'; payload: Record<string, unknown> & { content?: string } }>(
    db,
    `SELECT type, payload FROM inbound_events WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  return row && { ...row, payload: protectionOf(db).openPayload(row.payload, inboundPayloadContext(id)) as typeof row.payload };
}

export async function storeTicket(db: Queryable, input: NewTicket): Promise<StoreResult> {
  // PostgreSQL refuses U+0000 in text and jsonb (22021 / 22P05). Left alone, one such character
  // makes the statement fail every time: a 500 the hotline retries forever, or a national page that
  // can never commit and blocks the feed behind it. It carries no meaning in a complaint, so it is
  // replaced by U+FFFD; the content hash was taken from what arrived, so a redelivery still matches.
  // Every text of the ticket is taken from the raw payload, so checking its JSON is enough.
  // Likewise an unpaired surrogate (\ud800 alone; JSON.stringify writes exactly these as escapes):
  // jsonb refuses it, so it becomes U+FFFD as well.
  let rawJson = JSON.stringify(input.rawPayload ?? null);
  const n = /\\u0000|\\ud[89a-f]/.test(rawJson) ? scrubNul(input) : input;
  if (n !== input) rawJson = JSON.stringify(n.rawPayload ?? null);
  const t = n.ticket;
  const id = randomUUID();
  // Citizens' names, phones and ID numbers are encrypted at rest, in the ticket and in the raw
  // payload kept for the record; keyed hashes keep them searchable (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10).
  const dp = protectionOf(db);
  const hashes = dp.hashes(t.citizen);
  const sealedRaw = dp.sealPayload(n.rawPayload ?? null, ticketPayloadContext(id));
  if (sealedRaw !== (n.rawPayload ?? null)) rawJson = JSON.stringify(sealedRaw);
  const params: unknown[] = [
    id, t.source, t.sourceRecord, t.externalId, n.contentHash, t.kind, t.channel, t.categoryCode ?? null,
    t.title, t.content, JSON.stringify(dp.sealPerson(t.citizen, ticketCitizenContext(id))), t.respondent ? JSON.stringify(t.respondent) : null,
    t.serviceItemCode ?? null, t.location?.regionCode ?? null, t.location ? JSON.stringify(t.location) : null,
    t.urgency, t.complex, t.designatedUnitCode ?? null, JSON.stringify(t.attachments),
    t.national || t.designatedUnitName ? JSON.stringify({ ...(t.national ?? {}), designatedUnitName: t.designatedUnitName }) : null,
    t.evaluation ? JSON.stringify(t.evaluation) : null, t.receivedAt, rawJson,
    n.intakeProblems?.length ? JSON.stringify(n.intakeProblems) : null,
    n.actor, JSON.stringify({ source: t.source, record: t.sourceRecord, externalId: t.externalId, problems: n.intakeProblems ?? undefined }),
    hashes.phoneHash, hashes.idHash,
  ];
  const msgs = n.outbox(id);
  const ob = outboxValues(db, msgs, params.length + 1);
  params.push(...ob.params);
  const sql = `
    WITH t AS (
      INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, category_code,
        title, content, citizen, respondent, service_item_code, region_code, location, urgency, complex,
        designated_unit_code, attachments, national, evaluation, received_at, raw_payload, intake_problems,
        citizen_phone_hash, citizen_id_hash)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15::jsonb, $16, $17, $18,
        $19::jsonb, $20::jsonb, $21::jsonb, $22::timestamptz, $23::jsonb, $24::jsonb, $27, $28)
      ON CONFLICT (source, source_record, external_id) DO NOTHING
      RETURNING id),
    e AS (
      INSERT INTO ticket_events (ticket_id, type, actor, data) SELECT id, 'received', $25, $26::jsonb FROM t)
    ${msgs.length ? `, o AS (INSERT INTO outbox ${OUTBOX_COLUMNS} SELECT v.* FROM (VALUES ${ob.sql}) AS v WHERE EXISTS (SELECT 1 FROM t))` : ''}
    SELECT id::text AS id FROM t`;
  const rows = await queryRows<{ id: string }>(db, sql, params);
  if (rows.length === 1) return { created: true, ticketId: rows[0].id };
  const existing = await queryRows<{ id: string; contentHash: string }>(
    db,
    `SELECT id::text AS id, content_hash AS "contentHash" FROM tickets WHERE source = $1 AND source_record = $2 AND external_id = $3`,
    [t.source, t.sourceRecord, t.externalId],
  );
  if (existing.length === 0) throw new Error('ticket vanished after a conflicting insert');
  return { created: false, ticketId: existing[0].id, sameContent: existing[0].contentHash === n.contentHash };
}

/**
 * U+0000 and unpaired surrogates → U+FFFD in every string (an escaped backslash followed by "u0000"
 * is text, left alone). JSON.stringify escapes a surrogate only when it is unpaired.
 */
function scrubNul(n: NewTicket): NewTicket {
  const clean = <T>(v: T): T => JSON.parse(JSON.stringify(v ?? null).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd')) as T;
  return { ...n, ticket: clean(n.ticket), rawPayload: clean(n.rawPayload), intakeProblems: n.intakeProblems && clean(n.intakeProblems) };
}

export type RecordResult = { created: true } | { created: false; sameContent: boolean };

/** 好差评 ratings 3–5: kept for statistics only (docs/contracts.md#ywtb-evaluations). */
export async function storeEvaluationRecord(
  db: Queryable,
  r: { evaluationId: string; rating: number; unitCode: string; serviceItemCode: string; evaluatedAt: string; contentHash: string; payload: unknown },
): Promise<RecordResult> {
  const rows = await queryRows<unknown>(
    db,
    `INSERT INTO evaluation_records (evaluation_id, rating, unit_code, service_item_code, evaluated_at, content_hash, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (evaluation_id) DO NOTHING RETURNING evaluation_id`,
    // The applicant of a 3–5 rating is a citizen too (Yunnan Measures Art. 9): the payload keeps them encrypted.
    [r.evaluationId, r.rating, r.unitCode, r.serviceItemCode, r.evaluatedAt, r.contentHash, JSON.stringify(protectionOf(db).sealPayload(r.payload, evaluationPayloadContext(r.evaluationId)))],
  );
  if (rows.length === 1) return { created: true };
  const ex = await queryRows<{ h: string }>(db, `SELECT content_hash AS h FROM evaluation_records WHERE evaluation_id = $1`, [r.evaluationId]);
  return { created: false, sameContent: ex[0]?.h === r.contentHash };
}

/**
 * Where an evaluation id was already kept, if anywhere: as a statistic (a 3–5 record) or as a
 * ticket (a 差评 or a suggestion-type evaluation). One id is one evaluation: a second delivery that
 * would land in the other place has other content (docs/rules.md item 6).
 */
export async function evaluationKeptAs(db: Queryable, evaluationId: string): Promise<{ as: 'record' } | { as: 'ticket'; ticketId: string } | null> {
  const rows = await queryRows<{ as: 'record' | 'ticket'; id: string | null }>(
    db,
    `SELECT 'ticket' AS as, id::text AS id FROM tickets WHERE source = 'ywtb' AND source_record = 'evaluation' AND external_id = $1
     UNION ALL SELECT 'record', NULL FROM evaluation_records WHERE evaluation_id = $1 LIMIT 1`,
    [evaluationId],
  );
  const r = rows[0];
  if (!r) return null;
  return r.as === 'ticket' && r.id !== null ? { as: 'ticket', ticketId: r.id } : { as: 'record' };
}

export type InboundEventResult =
  | { outcome: 'created'; ticketId: string }
  | { outcome: 'redelivered'; ticketId: string }
  | { outcome: 'conflict'; ticketId: string }
  | { outcome: 'no_ticket' };

/**
 * Later news from the citizen about an order (补充 / 催办 / 撤诉), idempotent on the upstream's
 * eventId; it joins the ticket's event log and is handed to the router in the same statement.
 * `payload` is what the connector validated (never the raw body): its person objects are sealed
 * like the ticket's, and the event log keeps it without them (units read the log).
 */
export async function storeInboundEvent(
  db: Queryable,
  e: { source: string; record: string; externalId: string; eventId: string; type: string; occurredAt: string; contentHash: string; payload: unknown; actor: string },
  outbox: (ticketId: string, inboundId: string) => OutboxMessage[],
): Promise<InboundEventResult> {
  const found = await queryRows<{ id: string }>(db, `SELECT id::text AS id FROM tickets WHERE source = $1 AND source_record = $2 AND external_id = $3`, [
    e.source,
    e.record,
    e.externalId,
  ]);
  if (found.length === 0) return { outcome: 'no_ticket' };
  const ticketId = found[0].id;
  const id = randomUUID();
  const msgs = outbox(ticketId, id);
  const sealed = protectionOf(db).sealPayload(e.payload, inboundPayloadContext(id));
  const params: unknown[] = [id, e.source, e.eventId, ticketId, e.type, e.occurredAt, e.contentHash, JSON.stringify(sealed), e.actor];
  const ob = outboxValues(db, msgs, params.length + 1);
  params.push(...ob.params);
  const rows = await queryRows<unknown>(db, `WITH i AS (
       INSERT INTO inbound_events (id, source, event_id, ticket_id, type, occurred_at, content_hash, payload)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7, $8::jsonb)
       ON CONFLICT (source, event_id) DO NOTHING RETURNING id, ticket_id),
     e AS (INSERT INTO ticket_events (ticket_id, type, actor, data)
       SELECT ticket_id, $5, $9, jsonb_build_object('inboundEventId', $3::text, 'payload', $8::jsonb - ARRAY['citizen', 'applicant', 'submitter']) FROM i)
     ${msgs.length ? `, o AS (INSERT INTO outbox ${OUTBOX_COLUMNS} SELECT v.* FROM (VALUES ${ob.sql}) AS v WHERE EXISTS (SELECT 1 FROM i))` : ''}
     SELECT id FROM i`,
    params,
  );
  if (rows.length === 1) return { outcome: 'created', ticketId };
  const ex = await queryRows<{ ticketId: string; h: string }>(
    db,
    `SELECT ticket_id::text AS "ticketId", content_hash AS h FROM inbound_events WHERE source = $1 AND event_id = $2`,
    [e.source, e.eventId],
  );
  if (ex[0]?.ticketId !== ticketId) return { outcome: 'conflict', ticketId: ex[0]?.ticketId ?? ticketId };
  return { outcome: ex[0].h === e.contentHash ? 'redelivered' : 'conflict', ticketId };
}
