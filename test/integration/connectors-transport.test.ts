/**
 * The signed transport itself (axios with the hub's node:http adapter) against raw servers on
 * loopback: what goes on the wire, and the answers the fakes cannot script: a body that trickles
 * past the timeout, a body too large, a redirect, a Retry-After header, a socket reused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTargetUrl, InMemoryNonceStore, parseKeyRing, SignedHttpTransport, verifySignature } from '@hub/connectors';

const KEYS = parseKeyRing('HUB_HOTLINE_KEYS', 'hl-2026:hotline-secret-new-of-at-least-32-bytes:hmac-sha256');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  socket: unknown;
}

describe('signed transport', () => {
  let server: http.Server;
  let base: string;
  let handle: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const seen: Seen[] = [];
  const transport = new SignedHttpTransport({ maxResponseBytes: 1024 });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), socket: req.socket });
        handle(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(async () => {
    transport.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: unknown, timeoutMs = 500) =>
    transport.exchange({ method: 'POST', target: buildTargetUrl(base, ['api', 'orders', 'A 1', 'status']), body, key: KEYS.signingKey!, timeoutMs });

  it('sends the JSON bytes it signed, with their length, and returns the answer uninterpreted', async () => {
    handle = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    const body = { eventId: 'e-1', text: '市民反映 "quotes" ✓' };
    const r = await post(body);
    expect(r).toMatchObject({ kind: 'response', status: 201, text: '{"ok":true}' });
    const [got] = seen;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/api/orders/A%201/status');
    expect(got.body.toString('utf8')).toBe(JSON.stringify(body));
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(body))));
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    const verified = await verifySignature(got.headers, 'POST', got.url, got.body, KEYS, Math.floor(Date.now() / 1000), new InMemoryNonceStore());
    expect(verified.ok).toBe(true);
  });

  it('a GET sends no body and no content type', async () => {
    handle = (_req, res) => res.writeHead(200).end('[]');
    const r = await transport.exchange({ method: 'GET', target: buildTargetUrl(base, ['api', 'transfers'], { limit: 5 }), key: KEYS.signingKey!, timeoutMs: 500 });
    expect(r).toMatchObject({ kind: 'response', status: 200, text: '[]' });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/transfers?limit=5' });
    expect(seen[0].body.length).toBe(0);
    expect(seen[0].headers['content-type']).toBeUndefined();
  });

  it('passes Retry-After through', async () => {
    handle = (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end();
    await expect(post({ n: 1 })).resolves.toMatchObject({ kind: 'response', status: 429, retryAfter: '7', text: '' });
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    handle = (req, res) => (req.url === '/elsewhere' ? res.writeHead(200).end('{}') : res.writeHead(307, { location: '/elsewhere' }).end());
    await expect(post({ n: 2 })).resolves.toMatchObject({ kind: 'response', status: 307 });
    expect(seen.map((s) => s.url)).toEqual(['/api/orders/A%201/status']);
  });

  it('times out on the wall clock while the answer trickles in', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    const started = Date.now();
    const r = await post({ n: 3 }, 300);
    expect(r).toMatchObject({ kind: 'failure', error: 'timeout', timedOut: true });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails an answer larger than the limit instead of buffering it', async () => {
    handle = (_req, res) => res.writeHead(200).end('x'.repeat(4096));
    await expect(post({ n: 4 })).resolves.toMatchObject({ kind: 'failure', error: 'connection_error: ERR_RESPONSE_TOO_LARGE', timedOut: false });
  });

  it('keeps the connection alive between requests', async () => {
    handle = (_req, res) => res.writeHead(200).end('{}');
    for (let i = 0; i < 5; i++) await post({ n: i });
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });
});
