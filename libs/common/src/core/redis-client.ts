import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { HubConfig } from '../config';

/** A connection to the hub's Redis, whichever its topology (one server, Sentinel, Cluster). */
export type RedisClient = Redis | Cluster;

/** Credentials, TLS and database from REDIS_URL (every topology). */
export function redisUrlOptions(redisUrl: string): RedisOptions {
  const u = new URL(redisUrl);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db: Number.isFinite(db) ? db : 0,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** The options of `options` that ioredis's Cluster takes for itself; the rest go to each node. */
const CLUSTER_LEVEL = ['enableOfflineQueue', 'lazyConnect', 'enableAutoPipelining', 'enableReadyCheck'] as const;

/**
 * A client for the configured topology: `new Redis` on one server or through the sentinels (ioredis
 * asks them for the master and follows a failover), `new Cluster` on a cluster (it follows MOVED
 * and ASK). `options` are a single server's; on a cluster they are split between the cluster and
 * its nodes, and `retryStrategy` becomes the cluster's.
 */
export function createRedisClient(config: Pick<HubConfig, 'redisUrl' | 'redisTopology'>, options: RedisOptions = {}): RedisClient {
  const base = redisUrlOptions(config.redisUrl);
  const t = config.redisTopology;
  if (t.kind === 'single') return new Redis({ ...base, ...options });
  if (t.kind === 'sentinel') {
    const { host: _h, port: _p, ...rest } = base;
    // the sentinels are asked without credentials; REDIS_URL's are the master's
    return new Redis({ ...rest, ...options, sentinels: t.sentinels, name: t.name });
  }
  const { host: _h, port: _p, db: _d, retryStrategy, ...node } = { ...base, ...options };
  const cluster: ClusterOptions = { redisOptions: node, ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}) };
  for (const k of CLUSTER_LEVEL) {
    if (options[k] !== undefined) (cluster as Record<string, unknown>)[k] = options[k];
    delete (node as Record<string, unknown>)[k];
  }
  return new Cluster(t.nodes, cluster);
}
