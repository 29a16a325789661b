/**
 * What every outbound client has in common: the target's first key (docs/contracts.md#connection-settings: "the first signs the
 * hub's outgoing requests"), the timeout, the shared transport. The clients only build URL and body.
 */
import type { KeyRing, SigningKey } from '../signing/key-ring.config';
import { classifyExchange } from './classify-exchange.util';
import { DEFAULT_TIMEOUT_MS, type DeliveryResult } from './delivery-result.types';
import { type HttpExchange, sharedTransport, type SignedHttpTransport } from './signed-http.transport';
import { buildTargetUrl, InvalidTargetUrlError, type TargetUrl } from './target-url.util';

export interface SignedSenderOptions {
  keyRing: KeyRing;
  /** per request; docs/contracts.md#delivery-and-retries: 10 s */
  timeoutMs?: number;
  /** defaults to the process-wide keep-alive pool */
  transport?: SignedHttpTransport;
}

/** Options of a client whose target has one base URL (hotline, 一网通办, national). */
export interface ConnectorClientOptions extends SignedSenderOptions {
  baseUrl: string;
}

export class SignedSender {
  readonly key: SigningKey;
  readonly timeoutMs: number;
  readonly transport: SignedHttpTransport;

  constructor(options: SignedSenderOptions) {
    const key = options.keyRing.signingKey;
    if (key === undefined) {
      throw new Error(`${options.keyRing.name} has no key: outgoing requests cannot be signed`);
    }
    this.key = key;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) throw new RangeError('timeoutMs must be positive');
    this.transport = options.transport ?? sharedTransport();
  }

  /** Signed POST of a JSON body, classified per the delivery rules (409 = delivered). */
  async post(baseUrl: string, segments: readonly string[], body: unknown): Promise<DeliveryResult> {
    const target = this.target(baseUrl, segments);
    if (target instanceof InvalidTargetUrlError) return { outcome: 'permanent', error: `invalid_url: ${target.message}`, durationMs: 0 };
    const exchange = await this.transport.exchange({ method: 'POST', target, body, key: this.key, timeoutMs: this.timeoutMs });
    return classifyExchange(exchange);
  }

  /** Signed GET with an empty body; the caller interprets the answer. */
  async get(
    baseUrl: string,
    segments: readonly string[],
    query: Readonly<Record<string, string | number | undefined>>,
  ): Promise<HttpExchange> {
    const target = buildTargetUrl(baseUrl, segments, query);
    return this.transport.exchange({ method: 'GET', target, key: this.key, timeoutMs: this.timeoutMs });
  }

  private target(baseUrl: string, segments: readonly string[]): TargetUrl | InvalidTargetUrlError {
    try {
      return buildTargetUrl(baseUrl, segments);
    } catch (err: unknown) {
      if (err instanceof InvalidTargetUrlError) return err;
      throw err;
    }
  }
}
