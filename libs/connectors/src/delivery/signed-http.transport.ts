/**
 * The one place that sends signed HTTP requests to outside systems. It signs, sends and measures;
 * it never decides what an answer means (see classify-exchange.util.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance } from 'axios';
import type { SigningKey } from '../signing/key-ring.config';
import { signRequest } from '../signing/signature.util';
import type { TargetUrl } from './target-url.util';

export interface SignedRequestSpec {
  method: 'GET' | 'POST';
  target: TargetUrl;
  /** JSON-serialisable body of a POST; GET requests sign and send an empty body (contracts §1) */
  body?: unknown;
  key: SigningKey;
  timeoutMs: number;
}

/** What came back, uninterpreted. `text` is the response body as a string (bounded). */
export type HttpExchange =
  | { kind: 'response'; status: number; retryAfter?: string; text: string; durationMs: number }
  | { kind: 'failure'; error: string; timedOut: boolean; durationMs: number };

export interface SignedHttpTransportOptions {
  /** concurrent sockets per target host; ~1000 msgs/s at ~50 ms each needs ~50 */
  maxSockets?: number;
  /** responses larger than this fail (a national page of 100 transfers is far below) */
  maxResponseBytes?: number;
  /** clock for the X-Timestamp header */
  now?: () => Date;
}

const AXIOS_TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

export class SignedHttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly client: AxiosInstance;
  private readonly now: () => Date;

  constructor(options: SignedHttpTransportOptions = {}) {
    const maxSockets = options.maxSockets ?? 128;
    // Keep-alive: at ~1000 messages/s to one target a TCP (and TLS) handshake per request would cost
    // more than the request itself. LIFO reuses the warmest sockets and lets the rest time out.
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(64, maxSockets), scheduling: 'lifo' as const };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.now = options.now ?? (() => new Date());
    this.client = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // The signature covers the path as sent: a proxy or a redirect would send it elsewhere.
      proxy: false,
      maxRedirects: 0,
      // Every status is an answer to classify, not an exception.
      validateStatus: () => true,
      responseType: 'text',
      // The body is signed as bytes; axios must neither re-serialise it nor parse the answer.
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxContentLength: options.maxResponseBytes ?? 8 * 1024 * 1024,
      maxBodyLength: 8 * 1024 * 1024,
    });
  }

  async exchange(spec: SignedRequestSpec): Promise<HttpExchange> {
    const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(spec.body), 'utf8');
    const signed = signRequest(spec.key, spec.method, spec.target.pathWithQuery, body, this.now());
    const headers: Record<string, string> = { ...signed, Accept: 'application/json' };
    if (spec.method !== 'GET') headers['Content-Type'] = 'application/json; charset=utf-8';
    const started = performance.now();
    try {
      const res = await this.client.request<string>({
        url: spec.target.url,
        method: spec.method,
        data: spec.method === 'GET' ? undefined : body,
        headers,
        timeout: spec.timeoutMs,
        // A hard wall-clock cap as well: axios' socket timeout alone would not stop a target that
        // trickles bytes.
        signal: AbortSignal.timeout(spec.timeoutMs),
      });
      const retryAfter: unknown = res.headers['retry-after'];
      return {
        kind: 'response',
        status: res.status,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
        text: typeof res.data === 'string' ? res.data : '',
        durationMs: elapsed(started),
      };
    } catch (err: unknown) {
      if (!axios.isAxiosError(err)) throw err;
      const code = err.code ?? causeCode(err.cause) ?? 'ERR_UNKNOWN';
      const timedOut = AXIOS_TIMEOUT_CODES.has(code);
      return { kind: 'failure', error: timedOut ? 'timeout' : `connection_error: ${code}`, timedOut, durationMs: elapsed(started) };
    }
  }

  /** Closes pooled sockets (graceful shutdown, end of a test). */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function causeCode(cause: unknown): string | undefined {
  if (cause !== null && typeof cause === 'object' && 'code' in cause) {
    const code = (cause as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

let shared: SignedHttpTransport | undefined;

/** One pool for the whole process, so every client to the same host shares its warm sockets. */
export function sharedTransport(): SignedHttpTransport {
  shared ??= new SignedHttpTransport();
  return shared;
}

export function destroySharedTransport(): void {
  shared?.destroy();
  shared = undefined;
}
