/**
 * The one place that sends signed HTTP requests to outside systems. It signs, sends and measures;
 * it never decides what an answer means (see classify-exchange.util.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { SigningKey } from '../signing/key-ring.config';
import { signRequest } from '../signing/signature.util';
import type { TargetUrl } from './target-url.util';
import { DEFAULT_TIMEOUT_MS } from './delivery-result.types';

export interface SignedRequestSpec {
  method: 'GET' | 'POST';
  target: TargetUrl;
  /** JSON-serialisable body of a POST; GET requests sign and send an empty body (docs/contracts.md#signed-requests) */
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
  /** resolves (and may refuse) the address each socket connects to: units' endpoints are pinned this way */
  lookup?: LookupFunction;
}

const TIMEOUT_CODE = 'ETIMEDOUT';
const TOO_LARGE_CODE = 'ERR_RESPONSE_TOO_LARGE';

/**
 * axios with its own request adapter over `node:http`/`node:https`: the stock adapter's header
 * normalisation, proxy, redirect and decompression handling cost CPU per request and the hub needs
 * none of it (the body is bytes already signed, redirects are never followed: the signature covers
 * the path). One wall-clock timer per request (a target that trickles its answer is cut off too)
 * and a bounded response body. Measured: docs/delivery.md#speed.
 */
export class SignedHttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly client: AxiosInstance;
  private readonly now: () => Date;
  private readonly maxResponseBytes: number;

  constructor(options: SignedHttpTransportOptions = {}) {
    const maxSockets = options.maxSockets ?? 128;
    // Keep-alive: a TCP (and TLS) handshake per request would cost more than the request itself.
    // LIFO reuses the warmest sockets and lets the rest time out.
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(64, maxSockets), scheduling: 'lifo' as const, ...(options.lookup ? { lookup: options.lookup } : {}) };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.now = options.now ?? (() => new Date());
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.client = axios.create({
      adapter: (config) => this.send(config),
      // Every status is an answer to classify, not an exception.
      validateStatus: () => true,
      // The body is signed as bytes; axios must neither re-serialise it nor parse the answer.
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
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
      const timedOut = code === TIMEOUT_CODE;
      return { kind: 'failure', error: timedOut ? 'timeout' : `connection_error: ${code}`, timedOut, durationMs: elapsed(started) };
    }
  }

  /** The request adapter: one request on the pooled agents, answered as an axios response. */
  private send(config: InternalAxiosRequestConfig): Promise<AxiosResponse<string>> {
    return new Promise((resolve, reject) => {
      const url = new URL(config.url ?? '');
      const secure = url.protocol === 'https:';
      const data = Buffer.isBuffer(config.data) ? config.data : Buffer.alloc(0);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(config.headers.toJSON())) if (typeof value === 'string') headers[name] = value;
      if (data.length > 0) headers['Content-Length'] = String(data.length);
      let settled = false;
      const fail = (message: string, code: string, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const error = new AxiosError(message, code, config, req);
        if (cause instanceof Error) error.cause = cause;
        reject(error);
        req.destroy();
      };
      const req = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port,
          path: url.pathname + url.search,
          method: (config.method ?? 'get').toUpperCase(),
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxResponseBytes) fail(`response larger than ${this.maxResponseBytes} bytes`, TOO_LARGE_CODE);
            else chunks.push(chunk);
          });
          res.on('error', (err) => fail(err.message, causeCode(err) ?? 'ERR_NETWORK', err));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              data: Buffer.concat(chunks, size).toString('utf8'),
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.headers as AxiosResponse['headers'],
              config,
              request: req,
            });
          });
        },
      );
      // One wall-clock timer for the whole exchange: connect, send, answer and body.
      const timeoutMs = config.timeout !== undefined && config.timeout > 0 ? config.timeout : DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => fail(`timeout of ${timeoutMs} ms exceeded`, TIMEOUT_CODE), timeoutMs);
      req.on('error', (err) => fail(err.message, causeCode(err) ?? 'ERR_NETWORK', err));
      req.end(data);
    });
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
