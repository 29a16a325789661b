/**
 * Redis down must not hang intake (docs/security.md "Redis down"): the request path's client has
 * no offline queue and a command deadline. This test starts its own redis-server (never the shared
 * one), pauses it with CLIENT PAUSE, then stops it, then starts it again on the same port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { parseKeyRing } from '@hub/connectors/signing';
import { SignedClient } from '../fakes/signed-client';
import { hotlineOrder } from '../factories/tickets.factory';
import { RunningHub, eventually, startHub, testConfig } from '../support/harness';
import { request } from '../fuzz/security-kit';
import { freePort } from '../support/notifier-process';

const METRICS_TOKEN = 'health-details-metrics-token';
const HOTLINE_KEYS = 'hk1:hotline-secret-redis-down-of-at-least-32-bytes:hmac-sha256';
jest.setTimeout(240_000);

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(async () => {
    const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  }, 30_000, 100);
  return child;
}

function stopRedis(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('Redis down: intake answers 503 fast, /health says so, nothing replays later', () => {
  let port: number;
  let redis: ChildProcess;
  let hub: RunningHub;
  let client: SignedClient;
  let baselineMs: number;

  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = Date.now();
    const v = await fn();
    return [v, Date.now() - t];
  };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    hub = await startHub(testConfig({ REDIS_URL: `redis://127.0.0.1:${port}/0`, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_METRICS_TOKEN: METRICS_TOKEN }), ['gateway']);
    const r = parseKeyRing('X', HOTLINE_KEYS);
    client = new SignedClient(hub.url, r.find(r.keyIds()[0])!);
    // an answer of this machine now, to scale the bounds below on a busy machine
    const [ok, ms] = await timed(() => client.post('/connectors/hotline/orders', hotlineOrder()));
    expect(ok.status).toBe(201);
    baselineMs = ms;
  });
  afterAll(async () => {
    await hub?.close();
    if (redis) await stopRedis(redis);
  });

  it('paused (CLIENT PAUSE): intake 503 with Retry-After within 1 s; /health "redis down" within 2 s', async () => {
    const admin = new Redis({ port });
    await admin.call('CLIENT', 'PAUSE', '8000', 'ALL');
    try {
      const [r, ms] = await timed(() => client.post<{ error: string }>('/connectors/hotline/orders', hotlineOrder()));
      expect(r.status).toBe(503);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(ms).toBeLessThan(1000 + baselineMs);
      const [h, hms] = await timed(() => request<{ message: string; details: Record<string, { status: string; message?: string }> }>(hub.url, { method: 'GET', path: '/health' }));
      expect(h.status).toBe(503);
      expect(h.body.message).toBe('redis down');
      expect(h.body.details.redis).toEqual({ status: 'down', message: 'no answer' });
      expect(hms).toBeLessThan(2000 + baselineMs);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      admin.disconnect();
    }
    await eventually(async () => (await client.post('/connectors/hotline/orders', hotlineOrder())).status === 201, 30_000, 200);
  });

  it('stopped: 503 at once; a request refused meanwhile is taken when Redis is back (its nonce was not queued to replay)', async () => {
    await stopRedis(redis);
    const order = hotlineOrder();
    const nonce = `n-${Date.now()}-down`;
    const [r, ms] = await timed(() => client.post('/connectors/hotline/orders', order, { nonce }));
    expect(r.status).toBe(503);
    expect(ms).toBeLessThan(1000 + baselineMs);
    const [h, hms] = await timed(() => request<{ message: string; details: Record<string, { status: string; message?: string }> }>(hub.url, { method: 'GET', path: '/health' }));
    expect(h.status).toBe(503);
    expect(h.body.message).toBe('redis down');
    expect(h.body.details.redis).toEqual({ status: 'down', message: 'unreachable' });
    expect(JSON.stringify(h.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Stream isn't writeable/);
    expect(hms).toBeLessThan(2000 + baselineMs);
    // the driver's words, for operators holding the metrics token (a wrong token sees what everyone sees)
    const detailed = await request<{ details: Record<string, { status: string; message?: string; error?: string }> }>(hub.url, {
      method: 'GET',
      path: '/health',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(detailed.body.details.redis).toEqual({ status: 'down', message: 'unreachable', error: expect.any(String) });
    expect(detailed.body.details.redis.error!.length).toBeGreaterThan(0);
    const wrong = await request<{ details: Record<string, unknown> }>(hub.url, { method: 'GET', path: '/health', headers: { authorization: 'Bearer not-the-metrics-token' } });
    expect(wrong.body.details.redis).toEqual({ status: 'down', message: 'unreachable' });

    redis = await startRedis(port);
    await eventually(async () => (await request(hub.url, { method: 'GET', path: '/health' })).status === 200, 30_000, 200);
    // the upstream retries the very request it got 503 for: its nonce is new to the hub
    const again = await client.post<{ ticketId: string }>('/connectors/hotline/orders', order, { nonce });
    expect(again.status).toBe(201);
  });
});
