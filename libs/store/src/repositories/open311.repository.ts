import { randomUUID } from 'node:crypto';
import type { StoredRequest, StoredUpdate } from '@hub/connectors/open311';
import { type Queryable, queryRows } from '../db';

/**
 * What the Open311 door reads and writes beside the common intake (docs/open311.md): its requests
 * as GeoReport shows them, the status changes FixMyStreet's updates list, and its api_keys.
 */

/** One Open311 request as GET requests shows it (never the citizen: the answers are public). */
export type Open311RequestRow = StoredRequest;

const REQUEST_COLUMNS = `t.id::text AS id, t.state, t.category_code AS "categoryCode",
  t.raw_payload->>'description' AS description, t.raw_payload->>'address_id' AS "addressId",
  t.location->>'address' AS address, (t.location->>'lat')::float8 AS lat, (t.location->>'lng')::float8 AS lng,
  t.attachments->0->>'url' AS "mediaUrl", COALESCE((t.citizen->>'confidential')::boolean, false) AS confidential,
  t.unit_code AS "unitCode", t.received_at AS "receivedAt", t.updated_at AS "updatedAt",
  (SELECT c.due FROM ticket_clocks c WHERE c.ticket_id = t.id AND c.type = 'resolve' ORDER BY c.id DESC LIMIT 1) AS "resolveDue",
  (SELECT r.reply_points FROM work_order_replies r WHERE r.ticket_id = t.id ORDER BY r.id DESC LIMIT 1) AS "replyPoints"`;

export interface Open311RequestFilter {
  from: Date;
  to: Date;
  serviceCodes?: string[];
  states?: string[];
  limit: number;
  offset: number;
}

/** Newest first, on ix_tickets_open311_received. */
export async function listOpen311Requests(db: Queryable, f: Open311RequestFilter): Promise<Open311RequestRow[]> {
  return queryRows<Open311RequestRow>(
    db,
    `SELECT ${REQUEST_COLUMNS} FROM tickets t
      WHERE t.source = 'open311' AND t.received_at >= $1 AND t.received_at <= $2
        AND ($3::text[] IS NULL OR t.category_code = ANY($3)) AND ($4::text[] IS NULL OR t.state = ANY($4))
      ORDER BY t.received_at DESC, t.id DESC LIMIT $5 OFFSET $6`,
    [f.from, f.to, f.serviceCodes ?? null, f.states ?? null, f.limit, f.offset],
  );
}

/** The requests of these ids that came through Open311 (others are not the door's to show). */
export async function open311RequestsById(db: Queryable, ids: string[]): Promise<Open311RequestRow[]> {
  return queryRows<Open311RequestRow>(
    db,
    `SELECT ${REQUEST_COLUMNS} FROM tickets t WHERE t.id = ANY($1::uuid[]) AND t.source = 'open311' ORDER BY t.received_at DESC, t.id DESC`,
    [ids],
  );
}

/** An idempotent retry: the ticket a client created under one of these external ids since `since`. */
export async function recentOpen311Request(db: Queryable, externalIds: string[], since: Date): Promise<string | undefined> {
  const rows = await queryRows<{ id: string }>(
    db,
    `SELECT id::text AS id FROM tickets WHERE source = 'open311' AND source_record = 'request' AND external_id = ANY($1) AND created_at >= $2
      ORDER BY created_at LIMIT 1`,
    [externalIds, since],
  );
  return rows[0]?.id;
}

/** For a follow-up (POST servicerequestupdates): the request's upstream id, if it is an Open311 request. */
export async function open311ExternalId(db: Queryable, ticketId: string): Promise<string | undefined> {
  const rows = await queryRows<{ externalId: string }>(db, `SELECT external_id AS "externalId" FROM tickets WHERE id = $1::uuid AND source = 'open311'`, [ticketId]);
  return rows[0]?.externalId;
}

/** One status change as the updates list reads it: the row presentUpdate takes. */
export type Open311UpdateRow = StoredUpdate;

/**
 * The event types that are updates, written out so the planner can use the partial index
 * ix_ticket_events_status_time (its predicate is this list; open311.spec.ts keeps them equal).
 */
export const OPEN311_UPDATE_EVENT_TYPES = [
  'accepted', 'dispatched', 'designated', 'signed', 'contacted', 'replied', 'merged', 'not_accepted', 'returned',
  'redispatched', 'terminated', 'unfounded', 'archived', 'withdrawn', 'reopened', 'called_back',
] as const;
const TYPES_SQL = OPEN311_UPDATE_EVENT_TYPES.map((t) => `'${t}'`).join(',');

/** Status changes of Open311 requests in [from, to), oldest first, at most `limit`. */
export async function listOpen311Updates(db: Queryable, from: Date, to: Date, limit: number): Promise<Open311UpdateRow[]> {
  return queryRows<Open311UpdateRow>(
    db,
    `SELECT e.id::text AS id, e.ticket_id::text AS "ticketId", e.type, e.data->'after'->>'state' AS "stateAfter", e.occurred_at AS "occurredAt",
        COALESCE((t.citizen->>'confidential')::boolean, false) AS confidential,
        CASE WHEN e.type = 'replied' THEN e.data->'input'->>'replyPoints' END AS "replyPoints"
       FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
      WHERE e.type IN (${TYPES_SQL}) AND e.occurred_at >= $1 AND e.occurred_at < $2 AND t.source = 'open311'
      ORDER BY e.occurred_at, e.id LIMIT $3`,
    [from, to, limit],
  );
}

export interface Open311KeyRecord {
  keyId: string;
  name: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  replaces: string | null;
}

const KEY_COLUMNS = `key_id AS "keyId", name, created_at AS "createdAt", created_by AS "createdBy", expires_at AS "expiresAt", revoked_at AS "revokedAt", replaces`;

export async function findOpen311Key(db: Queryable, keyId: string): Promise<(Open311KeyRecord & { secretHash: string }) | undefined> {
  return (await queryRows<Open311KeyRecord & { secretHash: string }>(db, `SELECT ${KEY_COLUMNS}, secret_hash AS "secretHash" FROM open311_keys WHERE key_id = $1`, [keyId]))[0];
}

export async function listOpen311Keys(db: Queryable): Promise<Open311KeyRecord[]> {
  return queryRows<Open311KeyRecord>(db, `SELECT ${KEY_COLUMNS} FROM open311_keys ORDER BY created_at`);
}

export async function insertOpen311Key(
  db: Queryable,
  k: { keyId: string; secretHash: string; name: string; createdBy: string; expiresAt: Date; replaces?: string },
): Promise<Open311KeyRecord> {
  const rows = await queryRows<Open311KeyRecord>(
    db,
    `INSERT INTO open311_keys (id, key_id, secret_hash, name, created_by, expires_at, replaces) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${KEY_COLUMNS}`,
    [randomUUID(), k.keyId, k.secretHash, k.name, k.createdBy, k.expiresAt, k.replaces ?? null],
  );
  return rows[0];
}

/** Shortens a key's life to `until` (the overlap of a rotation); never lengthens it. */
export async function expireOpen311KeyBy(db: Queryable, keyId: string, until: Date): Promise<void> {
  await db.query(`UPDATE open311_keys SET expires_at = LEAST(expires_at, $2) WHERE key_id = $1`, [keyId, until]);
}

export async function revokeOpen311Key(db: Queryable, keyId: string): Promise<Open311KeyRecord | undefined> {
  return (await queryRows<Open311KeyRecord>(db, `UPDATE open311_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE key_id = $1 RETURNING ${KEY_COLUMNS}`, [keyId]))[0];
}
