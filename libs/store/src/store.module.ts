import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { APP_NAME, DB_PING, DB_REPLICA_STATUS, GENERIC_PLAN_POOL, HUB_CONFIG, INSTALLATION_ID, type HubConfig } from '@hub/common';
import { CredentialStore } from '@hub/common/auth/credential-store';
import { DataProtection } from '@hub/common/crypto';
import { createDataSource, createGenericPlanPool } from './data-source';
import { bindProtection, ping } from './db';
import { DirectoryCache } from './repositories/directory-cache';
import { CalendarLoader } from './repositories/calendar.loader';
import { PgCredentialStore } from './repositories/credentials.repository';
import { installationId } from './repositories/installation.repository';
import { ReadReplica } from './replica/read-replica';

export interface StoreOptions {
  /** connections of the app's pool */
  poolSize?: number;
  /** serve ReadReplica's reads from DATABASE_REPLICA_URL when set (the gateway); otherwise ReadReplica is the primary */
  replica?: boolean;
}

/** Bounded work: every session's statement and idle-in-transaction timeouts (docs/performance.md#bounded-work). */
const limitsOf = (config: HubConfig) => ({ statementMs: config.db.statementTimeoutMs, idleInTransactionMs: config.db.idleInTransactionTimeoutMs });

class StoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(GENERIC_PLAN_POOL) private readonly genericPool: Pool,
    @Inject(ReadReplica) private readonly replica: ReadReplica,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.replica.stop();
    await this.genericPool.end().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * PostgreSQL for one app: the DataSource (with the app's DataProtection bound to it, so every
 * repository function seals and opens citizens' data with this app's keys), the generic-plan pool,
 * and the store's singletons — one compiled directory and one calendar per app, shared by every
 * service that needs them. Needs CoreModule (HUB_CONFIG, APP_NAME). Repositories are functions
 * taking the caller's transaction (`Queryable`); import them from `@hub/store`.
 */
@Global()
@Module({})
export class StoreModule {
  static forRoot(opts: StoreOptions = {}): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        { provide: DataProtection, useFactory: (config: HubConfig) => DataProtection.fromConfig(config.security), inject: [HUB_CONFIG] },
        {
          provide: DataSource,
          useFactory: async (config: HubConfig, app: string, dp: DataProtection) => {
            const ds = createDataSource({ url: config.databaseUrl, poolSize: opts.poolSize ?? 20, appName: `hub-${app}`, limits: limitsOf(config) });
            bindProtection(ds, dp);
            await ds.initialize();
            return ds;
          },
          inject: [HUB_CONFIG, APP_NAME, DataProtection],
        },
        {
          provide: GENERIC_PLAN_POOL,
          useFactory: (config: HubConfig, app: string) => {
            const pool = createGenericPlanPool({ url: config.databaseUrl, size: 4, appName: `hub-${app}-generic`, limits: limitsOf(config) });
            // an idle connection that breaks is dropped by the pool; without a listener it would end the process
            pool.on('error', () => undefined);
            return pool;
          },
          inject: [HUB_CONFIG, APP_NAME],
        },
        {
          provide: ReadReplica,
          useFactory: (config: HubConfig, app: string, dp: DataProtection, ds: DataSource) => {
            const r = config.replica && opts.replica ? { ...config.replica, appName: `hub-${app}-replica`, poolSize: Math.ceil((opts.poolSize ?? 20) / 2), limits: limitsOf(config) } : undefined;
            const replica = new ReadReplica(ds, r, dp);
            replica.start();
            return replica;
          },
          inject: [HUB_CONFIG, APP_NAME, DataProtection, DataSource],
        },
        { provide: DB_REPLICA_STATUS, useFactory: (r: ReadReplica) => () => r.status(), inject: [ReadReplica] },
        { provide: DirectoryCache, useFactory: () => new DirectoryCache() },
        { provide: CalendarLoader, useFactory: () => new CalendarLoader() },
        { provide: CredentialStore, useFactory: (ds: DataSource) => new PgCredentialStore(ds), inject: [DataSource] },
        { provide: DB_PING, useFactory: (ds: DataSource) => () => ping(ds), inject: [DataSource] },
        { provide: INSTALLATION_ID, useFactory: (ds: DataSource) => installationId(ds), inject: [DataSource] },
        StoreCloser,
      ],
      exports: [DataSource, ReadReplica, DB_REPLICA_STATUS, DB_PING, INSTALLATION_ID, GENERIC_PLAN_POOL, DataProtection, DirectoryCache, CalendarLoader, CredentialStore],
    };
  }
}
