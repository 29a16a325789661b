import { DataProtection, dataProtection } from '@hub/common/crypto';
import { connectionLost } from './connection-lost';

/**
 * Anything that runs SQL: a DataSource, a transaction's EntityManager, a QueryRunner or a pg pool.
 * Every repository function takes one, so the caller decides the transaction.
 */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Rows of a query through TypeORM or pg alike. TypeORM answers UPDATE/DELETE … RETURNING with
 * `[rows, count]`; everything else with the rows.
 */
export async function queryRows<T>(db: Queryable, sql: string, params?: unknown[]): Promise<T[]> {
  let r: unknown;
  try {
    r = await db.query(sql, params);
  } catch (e) {
    throw connectionLost(e) ?? e;
  }
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0] as T[];
  if (r && typeof r === 'object' && 'rows' in r && Array.isArray((r as { rows: unknown }).rows)) return (r as { rows: T[] }).rows;
  return (r ?? []) as T[];
}

const protections = new WeakMap<object, DataProtection>();

/** Binds an app's DataProtection to the DataSource StoreModule built for it (see protectionOf). */
export function bindProtection(dataSource: object, dp: DataProtection): void {
  protections.set(dataSource, dp);
}

/**
 * The DataProtection that seals and opens citizens' data read or written through `db`: the one
 * bound to its DataSource (StoreModule binds each app's own, from that app's configuration), so two
 * apps in one process never share keys by accident. A handle built outside StoreModule (scripts,
 * tests calling the store directly) gets the default built from the environment.
 */
export function protectionOf(db: Queryable): DataProtection {
  const handle = db as { connection?: object; manager?: { connection?: object } };
  const ds = handle.connection ?? handle.manager?.connection ?? db;
  return protections.get(ds) ?? dataProtection();
}

/** Session-level advisory lock without waiting; true when taken (release with advisoryUnlock on the same connection). */
export async function tryAdvisoryLock(db: Queryable, key: number): Promise<boolean> {
  const rows = await queryRows<{ locked: boolean }>(db, `SELECT pg_try_advisory_lock($1) AS locked`, [key]);
  return rows[0]?.locked === true;
}

export async function advisoryUnlock(db: Queryable, key: number): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock($1)`, [key]);
}

/** Every session-level advisory lock of this connection released. */
export async function advisoryUnlockAll(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock_all()`);
}

/** Transaction-level advisory lock without waiting; true when taken (held until the transaction ends). */
export async function tryAdvisoryXactLock(db: Queryable, key: number): Promise<boolean> {
  const rows = await queryRows<{ locked: boolean }>(db, `SELECT pg_try_advisory_xact_lock($1) AS locked`, [key]);
  return rows[0]?.locked === true;
}

/** Whether PostgreSQL answers (health checks). */
export async function ping(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}

/** Transaction-level advisory lock, waiting for it (held until the transaction ends). */
export async function advisoryXactLock(db: Queryable, key: number): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock($1)`, [key]);
}

/** Savepoints: one part of a transaction that may fail without failing the rest. */
export async function savepoint(db: Queryable, name: string): Promise<void> {
  await db.query(`SAVEPOINT ${name}`);
}

export async function releaseSavepoint(db: Queryable, name: string): Promise<void> {
  await db.query(`RELEASE SAVEPOINT ${name}`);
}

export async function rollbackToSavepoint(db: Queryable, name: string): Promise<void> {
  await db.query(`ROLLBACK TO SAVEPOINT ${name}`);
}
