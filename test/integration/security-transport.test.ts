/**
 * Transport-level abuse (docs/security.md): slow clients are cut off (HUB_REQUEST_TIMEOUT_MS),
 * an oversized body is refused from its Content-Length before it is read, huge headers are
 * refused by the HTTP parser, and a refused request stores nothing.
 */
import net from 'node:net';
import { parseKeyRing } from '@hub/connectors/signing';
import { signRequest } from '@hub/connectors/signing';
import { hotlineOrder } from '../factories/tickets.factory';
import { RunningHub, resetDatabase, startHub, testConfig } from '../support/harness';
import { tableCounts } from '../fuzz/security-kit';

const HOTLINE_KEYS = 'hk1:hotline-secret-1-of-at-least-32-bytes:hmac-sha256';
const TIMEOUT_MS = 1000;

interface RawExchange {
  /** what the server answered (status line and the rest) */
  answer: string;
  /** ms from the first byte sent to the answer or the close */
  elapsedMs: number;
  /** body bytes the client had managed to send by then */
  bodySent: number;
  closed: boolean;
}

/** Opens a socket, sends `head`, then `body` in chunks every `everyMs`; reports what came back. */
function exchange(url: string, head: string, body: Buffer, chunk: number, everyMs: number, giveUpMs = 15_000): Promise<RawExchange> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    let sent = 0;
    let done = false;
    const socket = net.connect(Number(u.port), u.hostname);
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(guard);
      socket.destroy();
      resolve({ answer, elapsedMs: Date.now() - started, bodySent: sent, closed });
    };
    const timer = setInterval(() => {
      if (sent >= body.length || socket.destroyed) return;
      socket.write(body.subarray(sent, sent + chunk));
      sent = Math.min(body.length, sent + chunk);
    }, everyMs);
    const guard = setTimeout(() => finish(false), giveUpMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
      if (/\r\n\r\n/.test(answer)) setTimeout(() => finish(false), 50);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

describe('security: slow and oversized requests', () => {
  let hub: RunningHub;
  const previous = process.env.HUB_REQUEST_TIMEOUT_MS;

  beforeAll(async () => {
    // createAdapter reads the deadline from the environment, as the apps do in production.
    process.env.HUB_REQUEST_TIMEOUT_MS = String(TIMEOUT_MS);
    hub = await startHub(testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) }), ['gateway']);
    await resetDatabase(hub.ds);
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.HUB_REQUEST_TIMEOUT_MS;
    else process.env.HUB_REQUEST_TIMEOUT_MS = previous;
    await hub.close();
  });

  const signedHead = (body: Buffer, contentLength: number | 'chunked'): string => {
    const r = parseKeyRing('X', HOTLINE_KEYS);
    const h = signRequest(r.find(r.keyIds()[0])!, 'POST', '/connectors/hotline/orders', body, new Date());
    const length = contentLength === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${contentLength}`;
    return [
      'POST /connectors/hotline/orders HTTP/1.1',
      `Host: 127.0.0.1`,
      'Content-Type: application/json',
      length,
      ...Object.entries(h).map(([k, v]) => `${k}: ${v}`),
      '',
      '',
    ].join('\r\n');
  };

  it('a client that sends its headers and then trickles the body is cut off after the request deadline; nothing stored', async () => {
    const before = await tableCounts(hub.ds);
    const body = Buffer.from(JSON.stringify(hotlineOrder()));
    // 10 bytes every 250 ms: the whole body would take minutes.
    const r = await exchange(hub.url, signedHead(body, body.length), body, 10, 250);
    expect(r.bodySent).toBeLessThan(body.length);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(r.elapsedMs).toBeLessThan(TIMEOUT_MS * 4);
    expect(r.closed || /^HTTP\/1\.1 408/.test(r.answer)).toBe(true);
    expect(await tableCounts(hub.ds)).toEqual(before);
  });

  it('slowloris: headers that never end are cut off too', async () => {
    const r = await exchange(hub.url, 'POST /connectors/hotline/orders HTTP/1.1\r\nHost: x\r\n', Buffer.from('X-A: 1\r\n'.repeat(1000)), 8, 200);
    expect(r.elapsedMs).toBeLessThan(TIMEOUT_MS * 4);
    expect(r.closed || /^HTTP\/1\.1 408/.test(r.answer)).toBe(true);
  });

  it('a body announced over 1 MiB answers 413 too_large before it is sent (never buffered)', async () => {
    const before = await tableCounts(hub.ds);
    const announced = 50 * 1024 * 1024;
    const r = await exchange(hub.url, signedHead(Buffer.alloc(0), announced), Buffer.alloc(64 * 1024, 0x20), 16 * 1024, 200);
    expect(r.answer).toMatch(/^HTTP\/1\.1 413/);
    expect(r.answer).toContain('"error":"too_large"');
    expect(r.bodySent).toBeLessThan(1024 * 1024);
    expect(await tableCounts(hub.ds)).toEqual(before);
  });

  it('a chunked body that grows past 1 MiB is refused with 413 as soon as it does', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const framed = Buffer.concat(Array.from({ length: 8 }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])));
    const r = await exchange(hub.url, signedHead(Buffer.alloc(0), 'chunked'), framed, 128 * 1024, 5);
    expect(r.answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('headers over the parser limit are refused (431), never reach the app', async () => {
    const r = await exchange(hub.url, `GET /auth/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, Buffer.alloc(0), 1, 1000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 431/);
  });
});
