import { ConfigError } from './config-error';

/** One Redis node or sentinel, `host:port`. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is (README "Redis Cluster and Sentinel"): one server at REDIS_URL; a Redis Cluster
 * found through any of REDIS_CLUSTER_NODES; or the master REDIS_SENTINEL_NAME that REDIS_SENTINELS
 * know of. REDIS_URL still gives the user, password, TLS and (outside a cluster) the database.
 */
export type RedisTopology = { kind: 'single' } | { kind: 'cluster'; nodes: RedisNode[] } | { kind: 'sentinel'; sentinels: RedisNode[]; name: string };

type Env = Record<string, string | undefined>;

function nodes(env: Env, name: string): RedisNode[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(name, `each entry must be host:port, got "${s}"`);
      return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    });
}

export function redisTopology(env: Env, redisUrl: string, queuePrefix: string): RedisTopology {
  const cluster = nodes(env, 'REDIS_CLUSTER_NODES');
  const sentinels = nodes(env, 'REDIS_SENTINELS');
  if (cluster.length && sentinels.length) throw new ConfigError('REDIS_SENTINELS', 'give REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both');
  if (cluster.length) {
    // every key of one BullMQ queue must hash to one slot: the prefix carries a hash tag
    if (!/\{[^{}]+\}/.test(queuePrefix)) throw new ConfigError('HUB_QUEUE_PREFIX', `must contain a hash tag on Redis Cluster, e.g. "{${queuePrefix}}", got "${queuePrefix}"`);
    const db = new URL(redisUrl).pathname.replace(/^\//, '');
    if (db !== '' && db !== '0') throw new ConfigError('REDIS_URL', `a Redis Cluster has database 0 only, got /${db}`);
    return { kind: 'cluster', nodes: cluster };
  }
  if (sentinels.length) return { kind: 'sentinel', sentinels, name: env.REDIS_SENTINEL_NAME || 'mymaster' };
  if (env.REDIS_SENTINEL_NAME) throw new ConfigError('REDIS_SENTINEL_NAME', 'is set but REDIS_SENTINELS is empty');
  return { kind: 'single' };
}
