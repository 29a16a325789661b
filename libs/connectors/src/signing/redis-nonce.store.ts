import type { Cluster, Redis } from 'ioredis';
import type { NonceStore } from './nonce.store';

/**
 * Nonce store shared by every gateway replica: `SET key 1 EX ttl NX` is atomic, so a replayed request
 * is refused even when the two copies reach different replicas at the same moment.
 * Errors (Redis down) are thrown, not swallowed: the caller answers 503 and the upstream retries,
 * rather than accepting requests whose replay could not be checked.
 */
export class RedisNonceStore implements NonceStore {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix = 'hub:nonce:',
  ) {}

  async remember(keyScope: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const result = await this.redis.set(`${this.prefix}${keyScope}:${nonce}`, '1', 'EX', ttl, 'NX');
    return result === 'OK';
  }
}
