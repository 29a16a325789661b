import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type Redis from 'ioredis';
import { Queue } from 'bullmq';
import { REDIS } from './tokens';
import { Public } from '../auth/actor';
import { registry } from './metrics';

export const HEALTH_QUEUES = Symbol('HEALTH_QUEUES');

/** Health of one app: PostgreSQL, Redis and the queues it works with; Prometheus metrics. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() @Inject(HEALTH_QUEUES) private readonly queues: Queue[] = [],
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const i = this.indicator.check('postgres');
        try {
          await this.ds.query('SELECT 1');
          return i.up();
        } catch (e) {
          return i.down({ message: (e as Error).message });
        }
      },
      async () => {
        const i = this.indicator.check('redis');
        try {
          await this.redis.ping();
          return i.up();
        } catch (e) {
          return i.down({ message: (e as Error).message });
        }
      },
      ...(this.queues ?? []).map((q) => async () => {
        const i = this.indicator.check(`queue:${q.name}`);
        try {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
          return i.up(counts);
        } catch (e) {
          return i.down({ message: (e as Error).message });
        }
      }),
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
