import { randomUUID } from 'node:crypto';
import type { HubActor, HubRole } from '@hub/common/auth/actor';
import type { ApiKeyLookup, CredentialStore, PiiAccess } from '@hub/common/auth/credential-store';
import { queryRows, type Queryable } from '../db';

/**
 * Users, units' API keys and the two append-only audit tables (migration 1764000006000). Plain SQL
 * on whatever connection or transaction the caller holds.
 */
type Db = Queryable;
const rows = <T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> => queryRows<T>(db, sql, params);

/** Roles a person can have; `unit_system` belongs to API keys. */
export const USER_ROLES = ['unit_staff', 'operator', 'supervisor', 'admin'] as const satisfies readonly HubRole[];
export type UserRole = (typeof USER_ROLES)[number];

export interface UserRecord {
  id: string;
  username: string;
  role: UserRole;
  unitCode: string | null;
  active: boolean;
  createdAt: Date;
  createdBy: string;
  passwordChangedAt: Date;
}

export interface UserWithHash extends UserRecord {
  passwordHash: string;
}

const USER_COLUMNS = `id::text AS id, username, role, unit_code AS "unitCode", active, created_at AS "createdAt",
  created_by AS "createdBy", password_changed_at AS "passwordChangedAt"`;

export async function findUserByUsername(db: Db, username: string): Promise<UserWithHash | undefined> {
  const r = await rows<UserWithHash>(db, `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(username) = lower($1)`, [username]);
  return r[0];
}

export async function findUser(db: Db, id: string): Promise<UserRecord | undefined> {
  return (await rows<UserRecord>(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]))[0];
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return rows<UserRecord>(db, `SELECT ${USER_COLUMNS} FROM users ORDER BY lower(username)`);
}

/** Undefined when the username is taken (case-insensitively). */
export async function insertUser(
  db: Db,
  u: { username: string; passwordHash: string; role: UserRole; unitCode: string | null; createdBy: string },
): Promise<UserRecord | undefined> {
  const r = await rows<UserRecord>(
    db,
    `INSERT INTO users (id, username, password_hash, role, unit_code, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ((lower(username))) DO NOTHING RETURNING ${USER_COLUMNS}`,
    [randomUUID(), u.username, u.passwordHash, u.role, u.unitCode, u.createdBy],
  );
  return r[0];
}

export async function updateUser(db: Db, id: string, change: { active?: boolean; passwordHash?: string }): Promise<UserRecord | undefined> {
  const r = await rows<UserRecord>(
    db,
    `UPDATE users SET active = COALESCE($2, active), password_hash = COALESCE($3, password_hash),
        password_changed_at = CASE WHEN $3::text IS NULL THEN password_changed_at ELSE now() END, updated_at = now()
      WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, change.active ?? null, change.passwordHash ?? null],
  );
  return r[0];
}

export async function activeAdminCount(db: Db): Promise<number> {
  const r = await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`);
  return r[0]?.n ?? 0;
}

export interface ApiKeyRecord {
  keyId: string;
  unitCode: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  replaces: string | null;
}

export interface ApiKeyWithHash extends ApiKeyRecord, ApiKeyLookup {
  secretHash: string;
}

const KEY_COLUMNS = `key_id AS "keyId", unit_code AS "unitCode", created_at AS "createdAt", created_by AS "createdBy",
  expires_at AS "expiresAt", revoked_at AS "revokedAt", replaces`;

export async function findApiKey(db: Db, keyId: string): Promise<ApiKeyWithHash | undefined> {
  return (await rows<ApiKeyWithHash>(db, `SELECT ${KEY_COLUMNS}, secret_hash AS "secretHash" FROM api_keys WHERE key_id = $1`, [keyId]))[0];
}

export async function listApiKeys(db: Db, unitCode?: string): Promise<ApiKeyRecord[]> {
  return rows<ApiKeyRecord>(db, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE ($1::text IS NULL OR unit_code = $1) ORDER BY unit_code, created_at`, [unitCode ?? null]);
}

/** Serialises key changes of one unit (the two-live-keys rule) across gateway replicas. */
export async function lockUnitKeys(db: Db, unitCode: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('api_keys:' || $1))`, [unitCode]);
}

/** Live: neither revoked nor expired. */
export async function liveApiKeys(db: Db, unitCode: string): Promise<ApiKeyRecord[]> {
  return rows<ApiKeyRecord>(db, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE unit_code = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at`, [unitCode]);
}

export async function insertApiKey(
  db: Db,
  k: { keyId: string; secretHash: string; unitCode: string; createdBy: string; expiresAt: Date; replaces?: string },
): Promise<ApiKeyRecord> {
  const r = await rows<ApiKeyRecord>(
    db,
    `INSERT INTO api_keys (id, key_id, secret_hash, unit_code, created_by, expires_at, replaces) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${KEY_COLUMNS}`,
    [randomUUID(), k.keyId, k.secretHash, k.unitCode, k.createdBy, k.expiresAt, k.replaces ?? null],
  );
  return r[0];
}

/** Shortens a key's life to `until` (never lengthens it): the overlap of a rotation. */
export async function expireApiKeyBy(db: Db, keyId: string, until: Date): Promise<void> {
  await db.query(`UPDATE api_keys SET expires_at = LEAST(expires_at, $2) WHERE key_id = $1`, [keyId, until]);
}

export async function revokeApiKey(db: Db, keyId: string): Promise<ApiKeyRecord | undefined> {
  const r = await rows<ApiKeyRecord>(
    db,
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE key_id = $1 RETURNING ${KEY_COLUMNS}`,
    [keyId],
  );
  return r[0];
}

/** Who changed which credential (append-only). Never holds a secret or a password. */
export async function auditAuth(db: Db, actor: string, action: string, subject: string, detail: Record<string, unknown> = {}): Promise<void> {
  await db.query(`INSERT INTO auth_audit (actor, action, subject, detail) VALUES ($1, $2, $3, $4::jsonb)`, [actor, action, subject, JSON.stringify(detail)]);
}

export type { PiiAccess };

/** Unmasked reads of citizens' data: who, when, which ticket, which fields (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10). */
export async function recordPiiAccess(db: Db, actor: HubActor, entries: PiiAccess[]): Promise<void> {
  if (entries.length === 0) return;
  const params: unknown[] = [actor.id, actor.role, actor.unitCode ?? null];
  const values = entries.map((e) => {
    params.push(e.ticketId, e.fields, e.purpose);
    const n = params.length;
    return `($1, $2, $3, $${n - 2}::uuid, $${n - 1}::text[], $${n})`;
  });
  await db.query(`INSERT INTO pii_access_log (actor_id, actor_role, actor_unit, ticket_id, fields, purpose) VALUES ${values.join(', ')}`, params);
}

/** What the auth guard and TicketPrivacy (libs/common) need of this repository, on the app's DataSource. */
export class PgCredentialStore implements CredentialStore {
  constructor(private readonly db: Queryable) {}

  findApiKey(keyId: string): Promise<ApiKeyWithHash | undefined> {
    return findApiKey(this.db, keyId);
  }

  recordPiiAccess(db: Queryable | undefined, actor: HubActor, entries: PiiAccess[]): Promise<void> {
    return recordPiiAccess(db ?? this.db, actor, entries);
  }
}

/** Serialises changes that could disable the last active administrator (held until the transaction ends). */
export async function lockAdmins(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('users:admins'))`);
}
