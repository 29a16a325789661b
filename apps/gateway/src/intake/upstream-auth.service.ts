import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { FastifyRequest } from 'fastify';
import { HUB_CONFIG, HubConfig, HubError, REDIS, RateLimiter } from '@hub/common';
import { KeyRing, RedisNonceStore, parseKeyRing, verifySignature } from '@hub/connectors/signing';
import type { Source } from '@hub/rules/model/ticket';

/**
 * Verifies the signature of every request from an upstream system (contracts §1): each source
 * has its own key ring (every key accepted, for rotation) and nonces are remembered in Redis for
 * 10 minutes across all gateway replicas. Secrets come only from configuration.
 */
@Injectable()
export class UpstreamAuthService {
  private readonly logger = new Logger(UpstreamAuthService.name);
  private readonly rings: Record<Source, KeyRing>;
  private readonly nonces: RedisNonceStore;

  constructor(
    @Inject(HUB_CONFIG) config: HubConfig,
    @Inject(REDIS) redis: Redis,
    private readonly limiter: RateLimiter,
  ) {
    this.rings = {
      hotline: parseKeyRing('HUB_HOTLINE_KEYS', config.upstreams.hotline.keys),
      ywtb: parseKeyRing('HUB_YWTB_KEYS', config.upstreams.ywtb.keys),
      national: parseKeyRing('HUB_NATIONAL_KEYS', config.upstreams.national.keys),
    };
    this.nonces = new RedisNonceStore(redis, `${config.queuePrefix}:nonce:`);
  }

  ring(source: Source): KeyRing {
    return this.rings[source];
  }

  /** Throws 401 with the contract's code, or 503 if the nonce store cannot be asked. */
  async authenticate(source: Source, req: FastifyRequest): Promise<string> {
    let r;
    try {
      r = await verifySignature(req.headers, req.method, req.url, req.rawBody ?? Buffer.alloc(0), this.rings[source], Math.floor(Date.now() / 1000), this.nonces);
    } catch (err) {
      this.logger.error({ err, source }, 'nonce store unavailable');
      throw new HubError(503, 'unavailable', 'replay protection unavailable; retry later', {}, { 'Retry-After': '5' });
    }
    if (!r.ok) {
      this.logger.warn({ source, error: r.error, keyId: r.keyId, detail: r.detail }, 'signature rejected');
      throw new HubError(401, r.error, r.detail);
    }
    // Counted per key only once the signature holds: a forger cannot spend a system's budget.
    await this.limiter.hit('intakePerMin', `${source}:${r.keyId}`);
    return r.keyId;
  }
}
