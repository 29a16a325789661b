import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { HubConfig } from '../config';
import { runtimeConfig } from './main-helper';
import { pinoOptions } from '../logging/logger';
import { scrubText } from '../logging/pii';
import { APP_NAME, HUB_CONFIG, NOW, REDIS, REQUEST_REDIS, REQUEST_REDIS_TIMEOUT_MS, systemNow } from './tokens';
import { collectDefaults } from './metrics';
import { createRedisClient, type RedisClient } from './redis-client';

export interface CoreOptions {
  app: 'gateway' | 'router' | 'notifier';
  /** tests pass their own configuration */
  config?: HubConfig;
  poolSize?: number;
}

class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(REQUEST_REDIS) private readonly requestRedis: RedisClient,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // Workers and servers close first (Nest calls shutdown hooks in reverse order of creation);
    // the connections go last (PostgreSQL's: StoreModule).
    await this.redis.quit().catch(() => undefined);
    this.requestRedis.disconnect();
  }
}

/**
 * Configuration, logging, Redis and metrics: what every app needs (PostgreSQL: StoreModule.forRoot). Each app mounts
 * HealthController itself, so that it sees the queues that app provides (HEALTH_QUEUES).
 */
@Global()
@Module({})
export class CoreModule {
  static forApp(opts: CoreOptions): DynamicModule {
    const config = opts.config ?? runtimeConfig();
    collectDefaults(opts.app);
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
        // a stepped host clock, simulated (the chaos bench); the system clock otherwise
        { provide: NOW, useValue: config.clockOffsetMs === 0 ? systemNow : () => new Date(Date.now() + config.clockOffsetMs) },
        {
          provide: REDIS,
          // The gateway sends one or two commands per request (nonce, rate limit); auto-pipelining
          // sends those of all requests handled in one event-loop turn in one write.
          useFactory: () =>
            createRedisClient(config, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: opts.app === 'gateway' }),
        },
        {
          provide: REQUEST_REDIS,
          useFactory: async () => {
            const r = createRedisClient(config, {
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
      exports: [HUB_CONFIG, APP_NAME, NOW, REDIS, REQUEST_REDIS, TerminusModule],
    };
  }
}
