/**
 * Remembers nonces for the replay check of docs/contracts.md#signed-requests ("seen in the last 10 minutes").
 * `remember` is atomic: of two concurrent requests with the same nonce exactly one gets true, even
 * across gateway replicas (Redis implementation).
 */
export interface NonceStore {
  /** @returns true if the nonce was new (and is now remembered for ttlSeconds) */
  remember(keyScope: string, nonce: string, ttlSeconds: number): Promise<boolean>;
}

/** docs/contracts.md#signed-requests: a nonce is refused if seen in the last 10 minutes. */
export const NONCE_TTL_SECONDS = 660;

/**
 * In-process store for unit tests and the fake upstreams; a single gateway replica only, since
 * replicas would not see each other's nonces.
 */
export class InMemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  async remember(keyScope: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    const now = this.nowMs();
    this.prune(now);
    const key = `${keyScope}\n${nonce}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + ttlSeconds * 1000);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }

  private prune(now: number): void {
    // Maps iterate in insertion order and TTLs are equal in practice, so expired entries sit at the front.
    for (const [key, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(key);
    }
  }
}
