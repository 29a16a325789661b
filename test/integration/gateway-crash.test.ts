/**
 * docs/contracts.md#inbound-answers: "A 2xx means the ticket is durably stored and will be processed even if the hub
 * crashes the next moment." The gateway runs here as a real child process and is killed with
 * SIGKILL (no shutdown hook, no flush) while orders are in flight.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { SignedClient } from '../fakes/signed-client';
import { eventually, resetDatabase } from '../support/harness';
import { freePort } from '../support/notifier-process';
import { hotlineOrder } from '../factories/tickets.factory';

const ROOT = path.resolve(__dirname, '../..');
const HOTLINE_KEYS = 'hk-crash:hotline-crash-secret-of-at-least-32-bytes:hmac-sha256';
const hotlineKey: SigningKey = parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS).signingKey!;

jest.setTimeout(240_000);

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

interface Gateway {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts apps/gateway/src/main.ts as its own node process and waits for /health. */
async function startGateway(): Promise<Gateway> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/gateway/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
      PORT: String(port),
      HUB_HOTLINE_KEYS: HOTLINE_KEYS,
      HUB_QUEUE_PREFIX: `crash${process.pid}`,
      HUB_DISABLE_POLLER: 'true',
      LOG_LEVEL: 'warn',
      TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
      return (await getStatus(`${url}/health`)) === 200;
    }, 150_000, 200);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`gateway did not become healthy: ${String(e)}\n${out.slice(-4000)}`);
  }
  return { child, url, output: () => out };
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

type Answer = { orderNo: string; status: number; ticketId?: string } | { orderNo: string; status: 'no_answer' };

/**
 * Posts every order at once; once `killAfter` orders have been answered 201 the gateway is killed,
 * synchronously in the same tick the answer is read.
 */
async function postAndKill(gw: Gateway, orders: Array<Record<string, unknown>>, killAfter: number): Promise<Answer[]> {
  const client = new SignedClient(gw.url, hotlineKey);
  let created = 0;
  return Promise.all(
    orders.map(async (order): Promise<Answer> => {
      const orderNo = String(order.orderNo);
      try {
        const r = await client.post<{ ticketId?: string }>('/connectors/hotline/orders', order);
        if (r.status === 201 && ++created === killAfter) gw.child.kill('SIGKILL');
        return { orderNo, status: r.status, ticketId: r.body?.ticketId };
      } catch {
        return { orderNo, status: 'no_answer' };
      }
    }),
  );
}

interface Stored {
  external_id: string;
  id: string;
  received: number;
  routes: number;
}

async function stored(ds: DataSource): Promise<Map<string, Stored>> {
  const rows = (await ds.query(`
    SELECT t.external_id, t.id::text AS id,
      (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'received') AS received,
      (SELECT count(*)::int FROM outbox o WHERE o.ticket_id = t.id AND o.target = 'router' AND o.type = 'route') AS routes
    FROM tickets t WHERE t.source = 'hotline'`)) as Stored[];
  return new Map(rows.map((r) => [r.external_id, r]));
}

/** Every 201 is in the store with its first event and routing job; nothing stored is half-written. */
async function expectDurable(ds: DataSource, answers: Answer[]): Promise<void> {
  const byOrder = await stored(ds);
  const created = answers.filter((a): a is Extract<Answer, { ticketId?: string }> => a.status === 201);
  expect(created.length).toBeGreaterThan(0);
  for (const a of created) {
    expect({ orderNo: a.orderNo, ticket: byOrder.get(a.orderNo) }).toEqual({
      orderNo: a.orderNo,
      ticket: { external_id: a.orderNo, id: a.ticketId, received: 1, routes: 1 },
    });
  }
  const halfWritten = [...byOrder.values()].filter((t) => t.received !== 1 || t.routes !== 1);
  expect(halfWritten).toEqual([]);
}

describe('gateway killed with SIGKILL right after answering 201 loses nothing', () => {
  let ds: DataSource;
  let gw: Gateway | undefined;
  const sent: Array<Record<string, unknown>> = [];
  const answered: Answer[] = [];

  beforeAll(async () => {
    ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, extra: { max: 2 } });
    await ds.initialize();
    await resetDatabase(ds);
  });
  afterEach(async () => {
    if (gw) await killHard(gw.child);
    gw = undefined;
  });
  afterAll(() => ds?.destroy());

  it('killed the moment the first 201 arrives, with 200 orders in flight', async () => {
    gw = await startGateway();
    const orders = Array.from({ length: 200 }, () => hotlineOrder());
    sent.push(...orders);
    const answers = await postAndKill(gw, orders, 1);
    answered.push(...answers);
    await killHard(gw.child);
    expect(gw.child.signalCode).toBe('SIGKILL');
    // Most of the 200 were cut off: this is a crash in the middle of the load, not after it.
    expect(answers.filter((a) => a.status === 'no_answer').length).toBeGreaterThan(0);
    await expectDurable(ds, answers);
  });

  it('killed after the 60th 201 of 400 concurrent orders', async () => {
    gw = await startGateway();
    const orders = Array.from({ length: 400 }, () => hotlineOrder());
    sent.push(...orders);
    const answers = await postAndKill(gw, orders, 60);
    answered.push(...answers);
    await killHard(gw.child);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(60);
    expect(answers.filter((a) => a.status === 'no_answer').length).toBeGreaterThan(0);
    await expectDurable(ds, answers);
  });

  it('after a restart, the upstream retrying every order gets each stored exactly once, 201s answered as redelivered', async () => {
    expect(sent.length).toBe(600);
    gw = await startGateway();
    const client = new SignedClient(gw.url, hotlineKey);
    const before = new Map(answered.filter((a) => a.status === 201).map((a) => [a.orderNo, a]));
    // An upstream retries a 503 (docs/contracts.md#inbound-answers): a burst of 600 on a cold gateway may meet the request path's Redis deadline.
    const post = async (o: (typeof sent)[number]) => {
      for (let attempt = 1; ; attempt++) {
        const r = await client.post<{ ticketId: string; redelivered?: boolean }>('/connectors/hotline/orders', o);
        if (r.status !== 503 || attempt === 5) return r;
      }
    };
    const retries = await Promise.all(sent.map(post));
    retries.forEach((r, i) => {
      const orderNo = String(sent[i].orderNo);
      const first = before.get(orderNo);
      if (first && 'ticketId' in first) {
        expect({ orderNo, status: r.status, ticketId: r.body.ticketId, redelivered: r.body.redelivered }).toEqual({
          orderNo,
          status: 200,
          ticketId: first.ticketId,
          redelivered: true,
        });
      } else {
        expect([200, 201]).toContain(r.status);
      }
    });
    const byOrder = await stored(ds);
    expect(byOrder.size).toBe(600);
    expect([...byOrder.values()].every((t) => t.received === 1 && t.routes === 1)).toBe(true);
  });
});
