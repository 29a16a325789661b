import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import pino from 'pino';
import { createDataSource, createGenericPlanPool } from '@hub/store/data-source';
import type { Pool } from 'pg';
import { HubConfig } from '../config';
import { runtimeConfig } from './main-helper';
import { pinoOptions } from '../logging/logger';
import { scrubText } from '../logging/pii';
import { APP_NAME, GENERIC_PLAN_POOL, HUB_CONFIG, REDIS, REQUEST_REDIS, REQUEST_REDIS_TIMEOUT_MS } from './tokens';
import { collectDefaults } from './metrics';
import { configureDataProtection } from '../crypto/data-protection';

export interface CoreOptions {
  app: 'gateway' | 'router' | 'notifier';
  /** tests pass their own configuration */
  config?: HubConfig;
  poolSize?: number;
}

class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REQUEST_REDIS) private readonly requestRedis: Redis,
    @Inject(GENERIC_PLAN_POOL) private readonly genericPool: Pool,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // Workers and servers close first (Nest calls shutdown hooks in reverse order of creation);
    // the connections go last.
    await this.redis.quit().catch(() => undefined);
    this.requestRedis.disconnect();
    await this.genericPool.end().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * Configuration, logging, PostgreSQL, Redis and metrics: what every app needs. Each app mounts
 * HealthController itself, so that it sees the queues that app provides (HEALTH_QUEUES).
 */
@Global()
@Module({})
export class CoreModule {
  static forApp(opts: CoreOptions): DynamicModule {
    const config = opts.config ?? runtimeConfig();
    // The store encrypts and decrypts citizens' data with this app's keys (001 Art. 9; 003 Art. 10).
    configureDataProtection(config.security);
    collectDefaults(opts.app);
    const limits = { statementMs: config.db.statementTimeoutMs, idleInTransactionMs: config.db.idleInTransactionTimeoutMs };
    const threshold = pino.levels.values[config.logLevel] ?? Infinity;
    const enabled = (level: string): boolean => (pino.levels.values[level] ?? 0) >= threshold;
    return {
      module: CoreModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({
          pinoHttp: {
            ...pinoOptions(opts.app, config.logLevel),
            // Request lines at debug: at 1,000 tickets/s an info line per request costs more than the request.
            // A level that is off answers 'silent', so pino-http skips building the line altogether.
            customLogLevel: (_req, res, err) => {
              const level = err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
              return enabled(level) ? level : 'silent';
            },
            serializers: {
              // Serializers run after the masking formatter: a number in a path or query (/work-orders/139…) is scrubbed here.
              req: (req: { method?: string; url?: string; id?: unknown }) => ({ id: req.id, method: req.method, url: typeof req.url === 'string' ? scrubText(req.url) : req.url }),
              res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      providers: [
        { provide: APP_NAME, useValue: opts.app },
        { provide: HUB_CONFIG, useValue: config },
        {
          provide: DataSource,
          useFactory: async () => {
            const ds = createDataSource({ url: config.databaseUrl, poolSize: opts.poolSize ?? 20, appName: `hub-${opts.app}`, limits });
            await ds.initialize();
            return ds;
          },
        },
        {
          provide: GENERIC_PLAN_POOL,
          useFactory: () => {
            const pool = createGenericPlanPool({ url: config.databaseUrl, size: 4, appName: `hub-${opts.app}-generic`, limits });
            // an idle connection that breaks is dropped by the pool; without a listener it would end the process
            pool.on('error', () => undefined);
            return pool;
          },
        },
        {
          provide: REDIS,
          // The gateway sends one or two commands per request (nonce, rate limit); auto-pipelining
          // sends those of all requests handled in one event-loop turn in one write.
          useFactory: () =>
            new Redis(config.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: opts.app === 'gateway' }),
        },
        {
          provide: REQUEST_REDIS,
          useFactory: async () => {
            const r = new Redis(config.redisUrl, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 0,
              commandTimeout: REQUEST_REDIS_TIMEOUT_MS,
              enableAutoPipelining: opts.app === 'gateway',
              retryStrategy: (times) => Math.min(100 * times, 1_000),
              lazyConnect: true,
            });
            r.on('error', () => undefined); // each command reports its own failure
            // Without an offline queue, commands before the first connection fail: connect first,
            // but do not hold the app's start when Redis is away (it reconnects by itself).
            await Promise.race([r.connect().catch(() => undefined), new Promise((done) => setTimeout(done, 5_000).unref())]);
            return r;
          },
        },
        ConnectionsCloser,
      ],
      exports: [HUB_CONFIG, APP_NAME, DataSource, REDIS, REQUEST_REDIS, GENERIC_PLAN_POOL, TerminusModule],
    };
  }
}
