import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { createDataSource } from '@hub/store/data-source';
import { HubConfig, loadConfig } from '../config';
import { pinoOptions } from '../logging/logger';
import { APP_NAME, HUB_CONFIG, REDIS } from './tokens';
import { collectDefaults } from './metrics';

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
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // Workers and servers close first (Nest calls shutdown hooks in reverse order of creation);
    // the connections go last.
    await this.redis.quit().catch(() => undefined);
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
    const config = opts.config ?? loadConfig();
    collectDefaults(opts.app);
    return {
      module: CoreModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({
          pinoHttp: {
            ...pinoOptions(opts.app, config.logLevel),
            // Request lines at debug: at 1,000 tickets/s an info line per request costs more than the request.
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
            customProps: () => ({}),
            serializers: {
              req: (req: { method?: string; url?: string; id?: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
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
            const ds = createDataSource({ url: config.databaseUrl, poolSize: opts.poolSize ?? 20, appName: `hub-${opts.app}` });
            await ds.initialize();
            return ds;
          },
        },
        {
          provide: REDIS,
          useFactory: () => new Redis(config.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false }),
        },
        ConnectionsCloser,
      ],
      exports: [HUB_CONFIG, APP_NAME, DataSource, REDIS, TerminusModule],
    };
  }
}
