import { DataSource } from 'typeorm';
import { Client, Pool } from 'pg';
import { MIGRATIONS } from './migrations';
import { PreparingClient } from './prepared-client';
import { connectionLost } from './db/connection-lost';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  appName?: string;
  /** run parameterised statements as named prepared statements (default; see PreparingClient). Off for migrations, which change tables under them. */
  prepared?: boolean;
  /** session limits (default SESSION_LIMITS; migrations pass none: an index build may take long) */
  limits?: SessionLimits | null;
  /** how long a new connection may take (default 10 s; the read replica's is short: its reads fall back) */
  connectTimeoutMs?: number;
}

/**
 * Bounded work (docs/performance.md#bounded-work): no statement runs longer than
 * `statementMs` and no session sits in an open transaction longer than `idleInTransactionMs`
 * (a stuck worker would otherwise hold its row locks and a connection for ever).
 */
export interface SessionLimits {
  statementMs: number;
  idleInTransactionMs: number;
}
export const SESSION_LIMITS: SessionLimits = { statementMs: 30_000, idleInTransactionMs: 60_000 };

const pgLimits = (l: SessionLimits | null | undefined) =>
  l ? { statement_timeout: l.statementMs, idle_in_transaction_session_timeout: l.idleInTransactionMs } : {};

/**
 * A small pool whose sessions always run prepared statements on their generic plan
 * (plan_cache_mode = force_generic_plan), for statements that cost more to plan than to run and
 * whose generic plan is safe whatever the arguments. PostgreSQL's own choice (auto) compares the
 * generic plan's estimate, made for unknown array lengths (ten elements each), with the custom
 * plans' estimates for the actual ones (mostly one), and for the notifier's record statement
 * (recordSteps) it keeps choosing custom plans that cost more to plan than to run
 * (docs/performance.md#plans-under-a-backlog-2026-12-04). Only statements written for it should run here: a generic plan chosen on a table's statistics at one moment is kept until
 * they change. pg.Pool connects on first use, so an app that never uses it opens nothing.
 */
export function createGenericPlanPool(opts: { url: string; size: number; appName: string; limits?: SessionLimits }): Pool {
  return new Pool({
    ...pgLimits(opts.limits ?? SESSION_LIMITS),
    connectionString: opts.url,
    max: opts.size,
    application_name: opts.appName,
    options: '-c plan_cache_mode=force_generic_plan',
    connectionTimeoutMillis: 10_000,
    Client: PreparingClient,
  });
}

/**
 * PostgreSQL through TypeORM; migrations only, never `synchronize`. Every statement of its
 * transactions (EntityManager.query calls DataSource.query) reports a connection terminated
 * between statements as ConnectionLostError (see there).
 */
export function createDataSource(opts: DataSourceOptions): DataSource {
  const ds = new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: opts.appName ?? 'hub',
    extra: {
      max: opts.poolSize ?? 20,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      ...pgLimits(opts.limits === undefined ? SESSION_LIMITS : opts.limits),
      ...(opts.prepared === false ? {} : { Client: PreparingClient }),
    },
  });
  const query = ds.query.bind(ds);
  ds.query = (async (...args: Parameters<DataSource['query']>) => {
    try {
      return await query(...args);
    } catch (e) {
      throw connectionLost(e) ?? e;
    }
  }) as DataSource['query'];
  return ds;
}

/** Creates the database named in the URL when it does not exist (the run command's first step). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
    return true;
  } catch (e) {
    // Two starters racing: the other one created it.
    if ((e as { code?: string }).code === '42P04') return false;
    throw e;
  } finally {
    await client.end();
  }
}

export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const ds = createDataSource({ url, poolSize: 3, appName: 'hub-migrate', prepared: false, limits: null });
  await ds.initialize();
  // One migrator at a time, however many apps start together: the lock lives on its own connection.
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(72012345)');
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(72012345)').catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}
