import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RedisClient } from '@hub/common';
import type { FastifyRequest } from 'fastify';
import { HUB_CONFIG, HubConfig, HubError, REQUEST_REDIS, RateLimiter } from '@hub/common';
import { KeyRing, type NonceStore, RedisNonceStore, parseKeyRing, verifySignature } from '@hub/connectors/signing';
import type { Source } from '@hub/rules/model/ticket';

/** Sources that sign their requests (docs/contracts.md#signed-requests); Open311 clients use an api_key instead (docs/open311.md). */
type SignedSource = Exclude<Source, 'open311'>;

/**
 * Verifies the signature of every request from an upstream system (docs/contracts.md#signed-requests): each source
 * has its own key ring (every key accepted, for rotation) and nonces are remembered in Redis for
 * 10 minutes across all gateway replicas. Secrets come only from configuration.
 */
@Injectable()
export class UpstreamAuthService {
  private readonly logger = new Logger(UpstreamAuthService.name);
  private readonly rings: Record<SignedSource, KeyRing>;
  private readonly nonces: RedisNonceStore;

  constructor(
    @Inject(HUB_CONFIG) config: HubConfig,
    @Inject(REQUEST_REDIS) redis: RedisClient,
    private readonly limiter: RateLimiter,
  ) {
    this.rings = {
      hotline: parseKeyRing('HUB_HOTLINE_KEYS', config.upstreams.hotline.keys),
      ywtb: parseKeyRing('HUB_YWTB_KEYS', config.upstreams.ywtb.keys),
      national: parseKeyRing('HUB_NATIONAL_KEYS', config.upstreams.national.keys),
    };
    this.nonces = new RedisNonceStore(redis, `${config.queuePrefix}:nonce:`);
  }

  ring(source: SignedSource): KeyRing {
    return this.rings[source];
  }

  /** Throws 401 with the contract's code, 429 when the key's budget is spent, or 503 if the nonce store cannot be asked. */
  async authenticate(source: SignedSource, req: FastifyRequest): Promise<string> {
    const ring = this.rings[source];
    // Counted per key only once the signature holds (verifySignature asks the nonce store only
    // after the HMAC and the timestamp check out): a forger cannot spend a system's budget. The
    // count goes to Redis together with the nonce, not one round trip after it; a replay of a
    // genuinely signed request is counted too, and still answered 401.
    let limited: Promise<void> | undefined;
    const nonces: NonceStore = {
      remember: (scope, nonce, ttlSeconds) => {
        const keyId = scope.startsWith(`${ring.name}:`) ? scope.slice(ring.name.length + 1) : scope;
        limited = this.limiter.hit('intakePerMin', `${source}:${keyId}`);
        // Settled here so that an early return below never leaves it unhandled.
        limited.catch(() => undefined);
        return this.nonces.remember(scope, nonce, ttlSeconds);
      },
    };
    let r;
    try {
      r = await verifySignature(req.headers, req.method, req.url, req.rawBody ?? Buffer.alloc(0), ring, Math.floor(Date.now() / 1000), nonces);
    } catch (err) {
      this.logger.error({ err, source }, 'nonce store unavailable');
      throw new HubError(503, 'unavailable', 'replay protection unavailable; retry later', {}, { 'Retry-After': '5' });
    }
    if (!r.ok) {
      this.logger.warn({ source, error: r.error, keyId: r.keyId, detail: r.detail }, 'signature rejected');
      throw new HubError(401, r.error, r.detail);
    }
    await limited;
    return r.keyId;
  }
}
