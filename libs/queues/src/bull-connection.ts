import type { Cluster, RedisOptions } from 'ioredis';
import { createRedisClient, redisUrlOptions, type HubConfig } from '@hub/common';

/** BullMQ needs maxRetriesPerRequest null on workers (their blocking commands wait for ever). */
const BULL_OPTIONS: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: false };

/**
 * BullMQ's connection for the configured Redis: options for one server or through the sentinels
 * (BullMQ opens its connections from them), a Cluster client on a cluster (BullMQ takes a cluster
 * only as a client; it duplicates it for its workers' blocking connections). A string is REDIS_URL
 * (one server).
 */
export function bullConnection(config: string | Pick<HubConfig, 'redisUrl' | 'redisTopology'>): RedisOptions | Cluster {
  const c = typeof config === 'string' ? { redisUrl: config, redisTopology: { kind: 'single' as const } } : config;
  const t = c.redisTopology;
  if (t.kind === 'single') return { ...redisUrlOptions(c.redisUrl), ...BULL_OPTIONS };
  if (t.kind === 'sentinel') {
    const { host: _h, port: _p, ...rest } = redisUrlOptions(c.redisUrl);
    return { ...rest, ...BULL_OPTIONS, sentinels: t.sentinels, name: t.name };
  }
  return createRedisClient(c, BULL_OPTIONS) as Cluster;
}
