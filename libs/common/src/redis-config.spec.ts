import { ConfigError } from './config';
import { redisTopology } from './redis-config';

describe('Redis topology (REDIS_CLUSTER_NODES, REDIS_SENTINELS)', () => {
  const url = 'redis://127.0.0.1:6379';
  it('is one server unless told otherwise', () => {
    expect(redisTopology({}, url, 'hub')).toEqual({ kind: 'single' });
  });

  it('reads cluster nodes and sentinels as host:port lists', () => {
    expect(redisTopology({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[fd00::1]:7002' }, url, '{hub}')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: 'fd00::1', port: 7002 },
      ],
    });
    expect(redisTopology({ REDIS_SENTINELS: 's1:26379,s2:26379' }, url, 'hub')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
    });
    expect(redisTopology({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'hub' }, url, 'hub')).toMatchObject({ name: 'hub' });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: '10.0.0.1' }, 'hub', 'REDIS_CLUSTER_NODES', /host:port/],
    [{ REDIS_CLUSTER_NODES: '10.0.0.1:0' }, '{hub}', 'REDIS_CLUSTER_NODES', /host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:1' }, 'hub', 'HUB_QUEUE_PREFIX', /hash tag on Redis Cluster, e.g. "\{hub\}"/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2' }, '{hub}', 'REDIS_SENTINELS', /not both/],
    [{ REDIS_SENTINEL_NAME: 'hub' }, 'hub', 'REDIS_SENTINEL_NAME', /REDIS_SENTINELS is empty/],
  ])('refuses %p (prefix %p), naming %s', (env, prefix, variable, message) => {
    let error: unknown;
    try {
      redisTopology(env, url, prefix);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a database other than 0 on a cluster', () => {
    expect(() => redisTopology({ REDIS_CLUSTER_NODES: 'a:1' }, 'redis://a:1/4', '{hub}')).toThrow(/REDIS_URL: a Redis Cluster has database 0 only/);
  });
});
