/**
 * A scriptable stand-in for an outside system (12345 hotline, 一网通办, national, a unit's system):
 * a real HTTP server on 127.0.0.1 that checks the hub's signatures, records every request and answers
 * from a script. Tests assert on what arrived, as the real system would see it.
 */
import { EventEmitter } from 'node:events';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { InMemoryNonceStore, type KeyRing, verifySignature, type VerifyResult } from '@hub/connectors/signing';

export interface FakeResponse {
  status: number;
  /** JSON-encoded unless a string or Buffer */
  body?: unknown;
  headers?: Record<string, string>;
  /** wait before answering (timeouts) */
  delayMs?: number;
  /** drop the connection without answering */
  destroy?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** raw request target, path and query as sent */
  path: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** parsed JSON, or undefined when empty or not JSON */
  body: unknown;
  receivedAt: Date;
  /** undefined when the fake has no key ring */
  signature?: VerifyResult;
  signatureValid: boolean;
  /** what the fake answered (undefined if it dropped the connection) */
  responseStatus?: number;
}

/** Matches requests for a scripted plan: a path prefix and, optionally, a method. */
export interface PlanMatcher {
  pathPrefix?: string;
  method?: string;
}

/** A hook that answers some requests itself (fake-national serves its GET this way). */
export type RequestHandler = (req: RecordedRequest) => FakeResponse | undefined;

export interface FakeUpstreamOptions {
  /** verify signatures with these keys (all accepted, as the real systems do); a function picks them by path (one key per unit) */
  keyRing?: KeyRing | ((pathname: string) => KeyRing);
  /** answer 401 {"error": code} to badly signed requests instead of only recording them */
  rejectInvalidSignatures?: boolean;
  /** default answer once the scripts are used up; 200 {"ok": true} unless set */
  defaultResponse?: FakeResponse;
  handler?: RequestHandler;
  port?: number;
  /** keep only the last N requests (a long-running sandbox); all of them unless set */
  keepRequests?: number;
}

interface Plan {
  matcher: PlanMatcher;
  queue: FakeResponse[];
}

export type DownMode = 'refuse' | 'reset';

export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly events = new EventEmitter();
  private plans: Plan[] = [];
  private defaultResponse: FakeResponse;
  private handler: RequestHandler | undefined;
  private nonces = new InMemoryNonceStore();
  private resetting = false;
  private port = 0;

  private constructor(private readonly options: FakeUpstreamOptions) {
    this.defaultResponse = options.defaultResponse ?? { status: 200, body: { ok: true } };
    this.handler = options.handler;
    this.server = this.createServer();
    this.events.setMaxListeners(100);
  }

  static async start(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const fake = new FakeUpstream(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listeningPort(): number {
    return this.port;
  }

  /**
   * Queue answers. With a matcher they apply to matching requests only (longest path prefix first)
   * and take precedence over global ones; each queued answer is used once, then the default applies.
   */
  script(responses: FakeResponse[], matcher: PlanMatcher = {}): this {
    const existing = this.plans.find(
      (p) => p.matcher.pathPrefix === matcher.pathPrefix && p.matcher.method === matcher.method,
    );
    if (existing) existing.queue.push(...responses);
    else this.plans.push({ matcher, queue: [...responses] });
    return this;
  }

  setDefault(response: FakeResponse): this {
    this.defaultResponse = response;
    return this;
  }

  setHandler(handler: RequestHandler | undefined): this {
    this.handler = handler;
    return this;
  }

  /** Requests received so far, optionally only those whose path starts with `pathPrefix`. */
  received(pathPrefix?: string): RecordedRequest[] {
    return pathPrefix === undefined ? [...this.requests] : this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  /** Calls `listener` with every request once it is recorded and answered; returns the unsubscribe. */
  onRecorded(listener: (request: RecordedRequest) => void): () => void {
    this.events.on('request', listener);
    return () => this.events.off('request', listener);
  }

  /** Resolves with the requests once `predicate(requests)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (requests: readonly RecordedRequest[]) => boolean, timeoutMs = 5000): Promise<RecordedRequest[]> {
    if (predicate(this.requests)) return Promise.resolve([...this.requests]);
    return new Promise((resolve, reject) => {
      const onRequest = (): void => {
        if (!predicate(this.requests)) return;
        cleanup();
        resolve([...this.requests]);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.requests.map((r) => `${r.method} ${r.path} → ${r.responseStatus ?? 'dropped'}`).join('\n  ');
        reject(new Error(`FakeUpstream.waitFor: condition not met within ${timeoutMs} ms; received:\n  ${seen || '(nothing)'}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('request', onRequest);
      };
      this.events.on('request', onRequest);
    });
  }

  /** Resolves once `count` requests with `pathPrefix` have arrived. */
  waitForRequests(pathPrefix: string, count = 1, timeoutMs = 5000): Promise<RecordedRequest[]> {
    return this.waitFor((all) => all.filter((r) => r.path.startsWith(pathPrefix)).length >= count, timeoutMs).then(() =>
      this.received(pathPrefix),
    );
  }

  /** Forgets requests, scripts and seen nonces; the default answer goes back to 200. */
  reset(): void {
    this.requests.length = 0;
    this.plans = [];
    this.defaultResponse = this.options.defaultResponse ?? { status: 200, body: { ok: true } };
    this.handler = this.options.handler;
    this.nonces = new InMemoryNonceStore();
  }

  /**
   * Simulates an outage. `refuse`: the server stops listening (connection refused) until up();
   * `reset`: it keeps listening but destroys every connection at once (socket hang up / ECONNRESET).
   */
  async down(mode: DownMode = 'refuse'): Promise<void> {
    this.dropConnections();
    if (mode === 'reset') {
      this.resetting = true;
      return;
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Ends an outage, listening again on the same port. */
  async up(): Promise<void> {
    this.resetting = false;
    if (this.server.listening) return;
    this.server = this.createServer();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dropConnections();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => {
      void this.onRequest(req, res);
    });
    server.on('connection', (socket: Socket) => {
      if (this.resetting) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (address !== null && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const path = req.url ?? '/';
    const parsedUrl = new URL(path, 'http://fake.local');
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = {
      method,
      path,
      pathname: parsedUrl.pathname,
      query: parsedUrl.searchParams,
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      receivedAt: new Date(),
      signatureValid: false,
    };
    if (this.options.keyRing !== undefined) {
      recorded.signature = await verifySignature(
        req.headers,
        method,
        path,
        rawBody,
        typeof this.options.keyRing === 'function' ? this.options.keyRing(parsedUrl.pathname) : this.options.keyRing,
        Math.floor(Date.now() / 1000),
        this.nonces,
      );
      recorded.signatureValid = recorded.signature.ok;
    }

    let response: FakeResponse;
    if (this.options.rejectInvalidSignatures && recorded.signature !== undefined && !recorded.signature.ok) {
      response = { status: 401, body: { error: recorded.signature.error } };
    } else {
      response = this.nextScripted(method, parsedUrl.pathname) ?? this.handler?.(recorded) ?? this.defaultResponse;
    }
    recorded.responseStatus = response.destroy ? undefined : response.status;
    this.requests.push(recorded);
    if (this.options.keepRequests !== undefined && this.requests.length > this.options.keepRequests) this.requests.shift();
    this.events.emit('request', recorded);

    const answer = (): void => {
      if (response.destroy) {
        req.socket.destroy();
        return;
      }
      if (res.destroyed) return;
      const { payload, contentType } = encodeBody(response.body);
      res.writeHead(response.status, { 'Content-Type': contentType, ...response.headers });
      res.end(payload);
    };
    if (response.delayMs !== undefined && response.delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, response.delayMs);
      this.timers.add(timer);
    } else {
      answer();
    }
  }

  private nextScripted(method: string, pathname: string): FakeResponse | undefined {
    const matching = this.plans
      .filter(
        (p) =>
          p.queue.length > 0 &&
          (p.matcher.method === undefined || p.matcher.method.toUpperCase() === method) &&
          (p.matcher.pathPrefix === undefined || pathname.startsWith(p.matcher.pathPrefix)),
      )
      .sort((a, b) => specificity(b.matcher) - specificity(a.matcher));
    return matching[0]?.queue.shift();
  }
}

function specificity(m: PlanMatcher): number {
  return (m.pathPrefix?.length ?? -1) * 2 + (m.method === undefined ? 0 : 1);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // An aborted upload still gets recorded with what arrived.
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function encodeBody(body: unknown): { payload: Buffer | string; contentType: string } {
  if (body === undefined) return { payload: '', contentType: 'application/json' };
  if (Buffer.isBuffer(body)) return { payload: body, contentType: 'application/octet-stream' };
  if (typeof body === 'string') return { payload: body, contentType: 'text/plain; charset=utf-8' };
  return { payload: JSON.stringify(body), contentType: 'application/json; charset=utf-8' };
}

