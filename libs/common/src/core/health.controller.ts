import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RedisClient } from './redis-client';
import { Queue } from 'bullmq';
import { DB_PING, DB_REPLICA_STATUS, HUB_CONFIG, REQUEST_REDIS, type DbPing, type DbReplicaStatus } from './tokens';
import type { HubConfig } from '../config';
import { HubError } from '../errors/hub-error';
import { Public } from '../auth/actor';
import { registry } from './metrics';

export const HEALTH_QUEUES = Symbol('HEALTH_QUEUES');

/** Each check answers within this, so /health answers within ~2 s whatever is down. */
const CHECK_DEADLINE_MS = 1_500;

function within<T>(p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), CHECK_DEADLINE_MS);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/**
 * What /health says of a failed check: no driver text (hosts, users, versions) to whoever probes it;
 * the driver's own words only to a caller holding the metrics token (operators debugging).
 */
function down(e: unknown, detailed: boolean): { message: string; error?: string } {
  const message = /timeout|timed out/i.test((e as Error).message) ? 'no answer' : 'unreachable';
  return detailed ? { message, error: (e as Error).message.slice(0, 500) } : { message };
}

/** Health of one app: PostgreSQL, Redis and the queues it works with; Prometheus metrics. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DB_PING) private readonly dbPing: DbPing,
    @Inject(REQUEST_REDIS) private readonly redis: RedisClient,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Optional() @Inject(HEALTH_QUEUES) private readonly queues: Queue[] = [],
    @Optional() @Inject(DB_REPLICA_STATUS) private readonly replica?: () => DbReplicaStatus | undefined,
  ) {}

  @Get('health')
  @HealthCheck()
  check(@Headers('authorization') authorization: string | undefined) {
    const token = this.config.security.metricsToken;
    // details (the driver's error text) only with HUB_METRICS_TOKEN; without one set, never
    const detailed = token !== undefined && sameSecret(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '', token);
    return this.health.check([
      async () => {
        const i = this.indicator.check('postgres');
        try {
          await within(this.dbPing());
          return i.up();
        } catch (e) {
          return i.down(down(e, detailed));
        }
      },
      async () => {
        const i = this.indicator.check('redis');
        try {
          await within(this.redis.ping());
          return i.up();
        } catch (e) {
          return i.down(down(e, detailed));
        }
      },
      // up whatever the replica does: its reads fall back to the primary, so it never takes the app out
      ...(this.replica?.() ? [async () => this.indicator.check('postgres-replica').up({ ...this.replica!() })] : []),
      ...(this.queues ?? []).map((q) => async () => {
        const i = this.indicator.check(`queue:${q.name}`);
        try {
          const counts = await within(q.getJobCounts('waiting', 'active', 'delayed', 'failed'));
          return i.up(counts);
        } catch (e) {
          return i.down(down(e, detailed));
        }
      }),
    ]);
  }

  /**
   * Prometheus metrics. Open to whoever reaches the port unless HUB_METRICS_TOKEN is set; then the
   * scraper sends it as a bearer token (Prometheus `authorization: { credentials: … }`).
   */
  @Get('metrics')
  metrics(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const token = this.config.security.metricsToken;
    if (token !== undefined && !sameSecret(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '', token)) {
      throw new HubError(401, 'unauthenticated', 'Authorization: Bearer <HUB_METRICS_TOKEN> required', {}, { 'WWW-Authenticate': 'Bearer' });
    }
    // set here, not with @Header: a refusal above is JSON
    void res.header('Content-Type', 'text/plain; version=0.0.4');
    return registry.metrics();
  }
}

/** Compared in constant time (digests: equal lengths whatever was sent). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string): Buffer => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
