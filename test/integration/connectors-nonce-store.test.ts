/** The Redis nonce store against the real Redis: atomic across concurrent callers, expiring. */
import { Redis } from 'ioredis';
import { RedisNonceStore } from '@hub/connectors';

describe('RedisNonceStore', () => {
  let redis: Redis;
  const prefix = `test:nonce:${process.pid}:${Date.now()}:`;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('says new once, then replay', async () => {
    const store = new RedisNonceStore(redis, prefix);
    await expect(store.remember('HUB_HOTLINE_KEYS:k1', 'nonce-aaaaaaaaaaaaaaaa', 600)).resolves.toBe(true);
    await expect(store.remember('HUB_HOTLINE_KEYS:k1', 'nonce-aaaaaaaaaaaaaaaa', 600)).resolves.toBe(false);
    await expect(store.remember('HUB_YWTB_KEYS:k1', 'nonce-aaaaaaaaaaaaaaaa', 600)).resolves.toBe(true);
    const ttl = await redis.ttl(`${prefix}HUB_HOTLINE_KEYS:k1:nonce-aaaaaaaaaaaaaaaa`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('lets exactly one of many concurrent callers win', async () => {
    const store = new RedisNonceStore(redis, prefix);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.remember('S:k', 'nonce-race-0000000000', 600)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('forgets after the TTL', async () => {
    const store = new RedisNonceStore(redis, prefix);
    await expect(store.remember('S:k', 'nonce-short-000000000', 1)).resolves.toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    await expect(store.remember('S:k', 'nonce-short-000000000', 1)).resolves.toBe(true);
  });
});
