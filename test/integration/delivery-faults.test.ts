/**
 * Outbound delivery under faults (issue 3, docs/contracts.md#delivery-and-retries): a fake 12345 hotline on
 * loopback that checks every signature, the notifier in this process, real PostgreSQL and Redis.
 * Test settings retry fast (backoff 50–400 ms, timeout 2 s, lost jobs queued again after 1.5 s).
 */
import Redis from 'ioredis';
import { parseKeyRing } from '@hub/connectors/signing';
import { attemptsOf, listFailed, loadOutbox } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { RunningHub, eventually, flushRedis, resetDatabase, queuePrefixOf, startHub, testConfig } from '../support/harness';
import { eventIdOf, firstArrivals, insertTicket, insertTickets, orderViolations, outboxStates, status, write } from '../factories/outbox.factory';

const HOTLINE_KEYS = 'hk-1:delivery-faults-secret-of-at-least-32-bytes:hmac-sha256';
const ORDERS = '/api/orders/';

describe('delivery faults', () => {
  let hub: RunningHub;
  let hotline: FakeUpstream;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS }), ['notifier'], { fresh: true });
  });
  beforeEach(async () => {
    await hotline.up();
    hotline.reset();
    await resetDatabase(hub.ds);
  });
  afterAll(async () => {
    await hub?.close();
    await hotline?.close();
  });

  const statusOf = async (id: string): Promise<string | undefined> => (await loadOutbox(hub.ds, id))?.status;
  const allDelivered = async (): Promise<boolean> => (await outboxStates(hub.ds)).every((r) => r.status === 'delivered');

  it('500 five times, then 200: delivered by the 6th attempt, the log shows all 6, every one with the same eventId', async () => {
    const t = await insertTicket(hub.ds);
    hotline.script(Array.from({ length: 5 }, () => ({ status: 500, body: { error: 'internal' } })));
    const msg = status(t, 'accepted');
    const [id] = await write(hub.ds, [msg]);

    await eventually(async () => (await statusOf(id)) === 'delivered', 20_000);
    const log = await attemptsOf(hub.ds, id);
    expect(log.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retry', 500],
      [2, 'retry', 500],
      [3, 'retry', 500],
      [4, 'retry', 500],
      [5, 'retry', 500],
      [6, 'delivered', 200],
    ]);
    expect(log.every((a) => a.durationMs >= 0)).toBe(true);
    expect(log[0].error).toBe('http_500: internal');
    expect(await loadOutbox(hub.ds, id)).toMatchObject({ status: 'delivered', attempts: 6, lastStatus: 200, lastError: null });
    const got = hotline.received(ORDERS);
    expect(got.map((r) => r.responseStatus)).toEqual([500, 500, 500, 500, 500, 200]);
    expect(got.every((r) => r.signatureValid && eventIdOf(r) === msg.eventId)).toBe(true);
  });

  it('400: no more attempts, listed as failed with the reason; the ticket\'s next event is not held back by it', async () => {
    const t = await insertTicket(hub.ds);
    hotline.script([{ status: 400, body: { error: 'unknown_order' } }]);
    const [bad, next] = await write(hub.ds, [status(t, 'accepted'), status(t, 'dispatched')]);

    await eventually(async () => (await statusOf(next)) === 'delivered');
    expect(await loadOutbox(hub.ds, bad)).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400, lastError: 'http_400: unknown_order' });
    expect((await attemptsOf(hub.ds, bad)).map((a) => [a.outcome, a.statusCode])).toEqual([['permanent', 400]]);
    expect((await listFailed(hub.ds, 'hotline', 10)).map((r) => [r.id, r.lastError])).toEqual([[bad, 'http_400: unknown_order']]);
    // A failed row is never claimed again: after more traffic has flowed, still exactly one request for it.
    const other = await insertTicket(hub.ds);
    const [later] = await write(hub.ds, [status(other, 'accepted')]);
    await eventually(async () => (await statusOf(later)) === 'delivered');
    const badEvent = (await loadOutbox(hub.ds, bad))!.eventId;
    expect(hotline.received(ORDERS).filter((r) => eventIdOf(r) === badEvent)).toHaveLength(1);
  });

  it('429 with Retry-After: 2: the next attempt waits two seconds, though the backoff alone would retry within 400 ms', async () => {
    const t = await insertTicket(hub.ds);
    hotline.script([{ status: 429, headers: { 'Retry-After': '2' }, body: { error: 'rate_limited' } }]);
    const [id] = await write(hub.ds, [status(t, 'accepted')]);

    await eventually(async () => (await statusOf(id)) === 'delivered', 15_000);
    const [first, second] = hotline.received(ORDERS);
    expect([first.responseStatus, second.responseStatus]).toEqual([429, 200]);
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(1_950);
    expect((await attemptsOf(hub.ds, id)).map((a) => [a.outcome, a.statusCode])).toEqual([
      ['retry', 429],
      ['delivered', 200],
    ]);
  });

  it('retries stop once 72 hours have passed since the first attempt: failed, "retries exhausted", listed', async () => {
    const t = await insertTicket(hub.ds);
    hotline.setDefault({ status: 503, body: { error: 'maintenance' } });
    const [id] = await write(hub.ds, [status(t, 'accepted')]);
    await eventually(async () => ((await loadOutbox(hub.ds, id))?.attempts ?? 0) >= 2);
    expect(await statusOf(id)).toBe('pending');
    // 72 hours pass (the window counts from the first attempt, as stored).
    await hub.ds.query(`UPDATE outbox SET first_attempt_at = now() - interval '72 hours' WHERE id = $1`, [id]);

    await eventually(async () => (await statusOf(id)) === 'failed');
    const row = (await loadOutbox(hub.ds, id))!;
    expect(row).toMatchObject({ status: 'failed', lastStatus: 503, lastError: 'retries exhausted: http_503: maintenance' });
    const log = await attemptsOf(hub.ds, id);
    expect(log.at(-1)).toMatchObject({ attempt: row.attempts, outcome: 'exhausted', statusCode: 503 });
    expect(log.slice(0, -1).every((a) => a.outcome === 'retry')).toBe(true);
    expect((await listFailed(hub.ds, 'hotline', 10)).map((r) => r.id)).toEqual([id]);
  });

  it('409 (the hotline already has this eventId) counts as delivered', async () => {
    const t = await insertTicket(hub.ds);
    hotline.script([{ status: 409, body: { error: 'conflict' } }]);
    const [id] = await write(hub.ds, [status(t, 'accepted')]);

    await eventually(async () => (await statusOf(id)) === 'delivered');
    expect(await loadOutbox(hub.ds, id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 409 });
    expect(hotline.received(ORDERS)).toHaveLength(1);
  });

  it('a timeout is retried, and the duplicate the target then receives carries the same eventId', async () => {
    const t = await insertTicket(hub.ds);
    // The hotline takes the first request but answers after the hub's 2 s timeout; it then has the
    // event, so it answers the repeat with 409 (docs/contracts.md#hotline-status-events) and the hub counts it delivered.
    hotline.script([{ status: 200, delayMs: 2_500 }, { status: 409, body: { error: 'conflict' } }]);
    const msg = status(t, 'accepted');
    const [id] = await write(hub.ds, [msg]);

    await eventually(async () => (await statusOf(id)) === 'delivered', 15_000);
    const got = hotline.received(ORDERS);
    expect(got.map(eventIdOf)).toEqual([msg.eventId, msg.eventId]);
    expect(got[0].headers['x-nonce']).not.toBe(got[1].headers['x-nonce']);
    expect((await attemptsOf(hub.ds, id)).map((a) => [a.outcome, a.statusCode, a.error])).toEqual([
      ['retry', null, 'timeout'],
      ['delivered', 409, null],
    ]);
  });

  it('the hotline is down while 500 messages for 50 tickets pile up; once it is back all arrive, each ticket\'s in order', async () => {
    await hotline.down('refuse');
    const tickets = await insertTickets(hub.ds, 50);
    // Ten state changes per ticket, interleaved across tickets as they would happen.
    for (let round = 0; round < 10; round++) await write(hub.ds, tickets.map((t) => status(t, 'contacted', new Date(Date.now() + round).toISOString())));
    // Every ticket's first message has failed at least once: they really piled up.
    await eventually(async () => {
      const [r] = (await hub.ds.query(`SELECT count(DISTINCT ticket_id)::int AS n FROM outbox WHERE attempts > 0 AND status = 'pending'`)) as Array<{ n: number }>;
      return r.n === 50;
    }, 20_000);
    expect(hotline.received()).toHaveLength(0);

    await hotline.up();
    await eventually(allDelivered, 60_000, 200);
    const rows = await outboxStates(hub.ds);
    expect(rows).toHaveLength(500);
    expect(new Set(firstArrivals(hotline.received(ORDERS)))).toEqual(new Set(rows.map((r) => r.eventId)));
    expect(await orderViolations(hub.ds, hotline.received(ORDERS))).toEqual([]);
    expect(hotline.received().every((r) => r.signatureValid)).toBe(true);
  });

  it('Redis wiped while messages are queued and in flight: all are still delivered, in order', async () => {
    // A slow hotline keeps jobs waiting and active in Redis when it is wiped.
    hotline.setDefault({ status: 200, body: { ok: true }, delayMs: 300 });
    const tickets = await insertTickets(hub.ds, 100);
    await write(hub.ds, tickets.map((t) => status(t, 'accepted')));
    await write(hub.ds, tickets.map((t) => status(t, 'dispatched')));
    await hotline.waitForRequests(ORDERS, 1, 10_000);
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const prefix = queuePrefixOf(hub);
      expect((await redis.keys(`${prefix}:deliver:*`)).length).toBeGreaterThan(0);
      // The hub's database would get FLUSHALL; this run's own Redis database gets FLUSHDB (same effect, other runs spared).
      await flushRedis();
      expect(await redis.keys(`${prefix}:deliver:*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
    hotline.setDefault({ status: 200, body: { ok: true } });

    await eventually(allDelivered, 60_000, 200);
    expect(new Set(firstArrivals(hotline.received(ORDERS))).size).toBe(200);
    expect(await orderViolations(hub.ds, hotline.received(ORDERS))).toEqual([]);
  });
});
