/**
 * One busy ticket (issue 3): its messages to one target are strictly sequential, so the notifier
 * claims a window of them with the statement that records the earlier ones, sends them one after
 * the other, and records them ~100 at a time (recordSteps, DeliveryChain). These tests check what
 * that must not change: every message arrives, in the order written, the next one only after the
 * previous was answered; a retry holds the rest back and gives the window back to the relay; a
 * failure for good does not; and what the statements claim and give back, including under a
 * concurrent change. Real PostgreSQL and Redis, a fake hotline on loopback checking signatures.
 */
import { Client } from 'pg';
import { parseKeyRing } from '@hub/connectors/signing';
import { attemptsOf, claimUnclaimedFrom, loadOutbox, queryRows, recordSteps, type AttemptOutcome } from '@hub/store';
import { FakeUpstream, type RecordedRequest } from '../fakes/fake-upstream';
import { CHAIN_LIMITS } from '../../apps/notifier/src/delivery/delivery-chain';
import { RunningHub, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { eventIdOf, insertTicket, outboxStates, status, write } from '../factories/outbox.factory';

const HOTLINE_KEYS = 'hk-1:delivery-window-secret-of-at-least-32-bytes:hmac-sha256';
const ORDERS = '/api/orders/';
const DELIVERED: AttemptOutcome = { outcome: 'delivered', status: 200, durationMs: 1 };

/** eventIds of the requests, in arrival order (every request, repeats included). */
const arrivals = (requests: readonly RecordedRequest[]): string[] => requests.map((r) => eventIdOf(r)!);

describe('one busy ticket: windows of messages', () => {
  let hub: RunningHub;
  let hotline: FakeUpstream;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS }), ['notifier'], { fresh: true });
  });
  beforeEach(async () => {
    hotline.reset();
    await resetDatabase(hub.ds);
  });
  afterAll(async () => {
    await hub?.close();
    await hotline?.close();
  });

  const allDelivered = async (): Promise<boolean> => (await outboxStates(hub.ds)).every((r) => r.status === 'delivered');
  /** Distinct transaction times of the delivery log: one per statement that recorded attempts. */
  const recordStatements = async (): Promise<number> =>
    (await queryRows<{ n: number }>(hub.ds, `SELECT count(DISTINCT at)::int AS n FROM delivery_attempts`))[0].n;

  it('300 messages of one ticket: all arrive once, in the order written, each after the previous was answered, recorded in far fewer statements', async () => {
    // The hotline answers after 4 ms: a message sent before the previous one was answered would
    // arrive less than 4 ms after it.
    hotline.setDefault({ status: 200, body: { ok: true }, delayMs: 4 });
    const t = await insertTicket(hub.ds);
    const msgs = Array.from({ length: 300 }, () => status(t, 'contacted'));
    const ids = await write(hub.ds, msgs);

    await eventually(allDelivered, 60_000, 100);
    const got = hotline.received(ORDERS);
    expect(arrivals(got)).toEqual(msgs.map((m) => m.eventId));
    expect(got.every((r) => r.signatureValid)).toBe(true);
    for (let i = 1; i < got.length; i++) expect(got[i].receivedAt.getTime() - got[i - 1].receivedAt.getTime()).toBeGreaterThanOrEqual(3);

    const log = await queryRows<{ outboxId: string; attempt: number; outcome: string }>(
      hub.ds,
      `SELECT outbox_id::text AS "outboxId", attempt, outcome FROM delivery_attempts ORDER BY outbox_id`,
    );
    expect(log).toEqual(ids.map((id) => ({ outboxId: id, attempt: 1, outcome: 'delivered' })));
    // One statement per message would be 300. By count, a step claims up to a window (128) when 32
    // are left and records what was sent since: ~96 a step, at most 8 for 300. By time, a chain also
    // records at least every recordAfterMs (250 ms: that renews the held rows' claim before the relay
    // would offer them again, so it cannot be switched off) and hands the ticket back after maxMs
    // (5 s; a new job, at most 2 more steps). The slower each exchange, the more of those: a busy
    // machine once made 37 with a fixed bound of 30. So the bound is these counts for the time the
    // sending took, and still far below 300 whatever the speed of a run that takes under a minute.
    const sendingMs = got[got.length - 1].receivedAt.getTime() - got[0].receivedAt.getTime();
    const bound = 8 + Math.ceil(sendingMs / CHAIN_LIMITS.recordAfterMs) + 2 * Math.ceil(sendingMs / CHAIN_LIMITS.maxMs);
    expect(await recordStatements()).toBeLessThanOrEqual(bound);
    // Nothing is left claimed: the chain ended with nothing held.
    expect((await queryRows<{ n: number }>(hub.ds, `SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`))[0].n).toBe(0);
  });

  it('a 503 for the 10th message: the rest of the window is given back and waits; the 10th goes again first, then the rest, in order', async () => {
    const t = await insertTicket(hub.ds);
    const msgs = Array.from({ length: 40 }, () => status(t, 'contacted'));
    const tenth = msgs[9].eventId;
    let failed = false;
    hotline.setHandler((req) => {
      if (eventIdOf(req) !== tenth || failed) return undefined;
      failed = true;
      // Retry-After holds the retry back long enough to look at the rows meanwhile.
      return { status: 503, headers: { 'Retry-After': '2' }, body: { error: 'busy' } };
    });
    const ids = await write(hub.ds, msgs);

    await hotline.waitForRequests(ORDERS, 10, 10_000);
    // The retry is 2 s away: the ones behind it were given back (no claim left on them) and wait.
    await eventually(async () => {
      const rows = await queryRows<{ id: string; attempts: number; queued: number | null }>(
        hub.ds,
        `SELECT id::text AS id, attempts, queued_attempt AS queued FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY outbox.id`,
        [ids.slice(10)],
      );
      return rows.every((r) => r.attempts === 0 && r.queued === null);
    }, 1_500, 20);
    expect(await loadOutbox(hub.ds, ids[9])).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503 });
    expect(hotline.received(ORDERS)).toHaveLength(10);

    await eventually(allDelivered, 20_000, 100);
    const got = arrivals(hotline.received(ORDERS));
    // 1–10, the 10th again (now answered 200), then 11–40: nothing behind the 10th went before it.
    expect(got).toEqual([...msgs.slice(0, 10), ...msgs.slice(9)].map((m) => m.eventId));
    expect((await attemptsOf(hub.ds, ids[9])).map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retry', 503],
      [2, 'delivered', 200],
    ]);
    const second = hotline.received(ORDERS).filter((r) => eventIdOf(r) === tenth)[1];
    const first = hotline.received(ORDERS).filter((r) => eventIdOf(r) === tenth)[0];
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(1_900);
  });

  it('a 400 for the 10th message: it fails for good, and the messages behind it still go, in order, once each', async () => {
    const t = await insertTicket(hub.ds);
    const msgs = Array.from({ length: 40 }, () => status(t, 'contacted'));
    const tenth = msgs[9].eventId;
    hotline.setHandler((req) => (eventIdOf(req) === tenth ? { status: 400, body: { error: 'unknown_order' } } : undefined));
    const ids = await write(hub.ds, msgs);

    await eventually(async () => (await outboxStates(hub.ds)).every((r) => r.status !== 'pending'), 20_000, 100);
    expect(arrivals(hotline.received(ORDERS))).toEqual(msgs.map((m) => m.eventId));
    const rows = await outboxStates(hub.ds);
    expect(rows.map((r) => r.status)).toEqual(ids.map((id) => (id === ids[9] ? 'failed' : 'delivered')));
    expect(await loadOutbox(hub.ds, ids[9])).toMatchObject({ status: 'failed', attempts: 1, lastError: 'http_400: unknown_order' });
  });

  it('shut down in the middle of a window: the rest is given back, and the relay of the next notifier delivers it, in order', async () => {
    hotline.setDefault({ status: 200, body: { ok: true }, delayMs: 5 });
    const t = await insertTicket(hub.ds);
    const msgs = Array.from({ length: 200 }, () => status(t, 'contacted'));
    await write(hub.ds, msgs);
    await hotline.waitForRequests(ORDERS, 30, 10_000);

    await hub.close();
    const sentBefore = hotline.received(ORDERS).length;
    expect(sentBefore).toBeLessThan(200);
    // hub.close() also closed its DataSource: look with a connection of our own.
    const c = new Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    const rows = (await c.query(`SELECT status, queued_attempt AS queued, attempts FROM outbox ORDER BY outbox.id`).finally(() => c.end())).rows as Array<{
      status: string;
      queued: number | null;
      attempts: number;
    }>;
    // Everything sent was recorded; nothing pending is left claimed by the notifier that stopped.
    expect(rows.filter((r) => r.status === 'delivered')).toHaveLength(sentBefore);
    expect(rows.filter((r) => r.status === 'pending').every((r) => r.queued === null && r.attempts === 0)).toBe(true);

    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS }), ['notifier']);
    await eventually(allDelivered, 30_000, 100);
    expect(arrivals(hotline.received(ORDERS))).toEqual(msgs.map((m) => m.eventId));
  });
});

describe('recordSteps: claiming and giving back windows', () => {
  let hub: RunningHub;
  let listener: Client;
  let notifications = 0;

  beforeAll(async () => {
    // No notifier: the statements are driven by hand.
    hub = await startHub(testConfig(), []);
    listener = new Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    listener.on('notification', () => notifications++);
    await listener.query('LISTEN hub_outbox');
  });
  beforeEach(async () => {
    await resetDatabase(hub.ds);
  });
  afterAll(async () => {
    await listener?.end();
    await hub?.close();
  });

  const claimHead = (): Promise<Array<{ id: string }>> => claimUnclaimedFrom(hub.ds, { targets: ['hotline'], units: false, batch: 100 }, null, 1000).then((c) => c.rows);
  const queued = async (ids: string[]): Promise<Array<number | null>> =>
    (
      await queryRows<{ q: number | null }>(hub.ds, `SELECT queued_attempt AS q FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY outbox.id`, [ids])
    ).map((r) => r.q);
  /** Notifications that arrive within a short while after `fn`. */
  const notified = async (fn: () => Promise<unknown>): Promise<number> => {
    await new Promise((r) => setTimeout(r, 100));
    const before = notifications;
    await fn();
    await new Promise((r) => setTimeout(r, 300));
    return notifications - before;
  };

  it('a step records, keeps what it did not send, and claims behind it; a failure for good gives the rest back and wakes the relay for it', async () => {
    const t = await insertTicket(hub.ds);
    const ids = await write(hub.ds, Array.from({ length: 10 }, () => status(t, 'contacted')));
    expect((await claimHead()).map((r) => r.id)).toEqual([ids[0]]);

    const [a] = await recordSteps(hub.ds, [{ records: [{ id: ids[0], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 4 }]);
    expect(a).toMatchObject({ recorded: [true], strays: [] });
    expect(a.window.map((r) => r.id)).toEqual(ids.slice(1, 5));
    expect(a.window[0]).toMatchObject({ status: 'pending', attempts: 0, target: 'hotline' });
    expect(await claimHead()).toEqual([]);

    // Two sent, two kept: the new window starts with the kept ones.
    const [b] = await recordSteps(hub.ds, [
      {
        records: [ids[1], ids[2]].map((id) => ({ id, attempt: 0, outcome: DELIVERED })),
        unsent: [ids[3], ids[4]].map((id) => ({ id, attempt: 0 })),
        claim: 5,
      },
    ]);
    expect(b.recorded).toEqual([true, true]);
    expect(b.window.map((r) => r.id)).toEqual(ids.slice(3, 8));

    // The 4th fails for good: it does not hold the ticket back, the rest is given back, and the
    // relay is woken for the new head, which it then claims.
    const woke = await notified(() =>
      recordSteps(hub.ds, [
        {
          records: [{ id: ids[3], attempt: 0, outcome: { outcome: 'permanent', status: 400, error: 'http_400', durationMs: 1 } }],
          unsent: ids.slice(4, 8).map((id) => ({ id, attempt: 0 })),
          claim: 0,
        },
      ]),
    );
    expect(woke).toBeGreaterThan(0);
    expect(await queued(ids.slice(4, 8))).toEqual([null, null, null, null]);
    expect((await claimHead()).map((r) => r.id)).toEqual([ids[4]]);
  });

  it('a retry holds the key: nothing is claimed behind it, the rest is given back, and the relay is not woken for it', async () => {
    const t = await insertTicket(hub.ds);
    const ids = await write(hub.ds, Array.from({ length: 6 }, () => status(t, 'contacted')));
    await claimHead();
    const [a] = await recordSteps(hub.ds, [{ records: [{ id: ids[0], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 5 }]);
    expect(a.window.map((r) => r.id)).toEqual(ids.slice(1, 6));

    let result: Awaited<ReturnType<typeof recordSteps>> = [];
    const woke = await notified(async () => {
      result = await recordSteps(hub.ds, [
        {
          records: [
            { id: ids[1], attempt: 0, outcome: DELIVERED },
            { id: ids[2], attempt: 0, outcome: { outcome: 'retry', status: 503, error: 'http_503', durationMs: 1, nextAttemptAt: new Date(Date.now() + 60_000) } },
          ],
          unsent: ids.slice(3).map((id) => ({ id, attempt: 0 })),
          // Asked for, but a retry holds the key back: no claim.
          claim: 10,
        },
      ]);
    });
    expect(result[0]).toMatchObject({ recorded: [true, true], window: [], strays: [] });
    expect(woke).toBe(0);
    expect(await queued(ids.slice(3))).toEqual([null, null, null]);
    // The retry is the head and is not due: the relay takes nothing of this ticket.
    expect(await claimHead()).toEqual([]);
    expect(await loadOutbox(hub.ds, ids[2])).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('held rows: kept without a write while their claim is fresh, renewed when it is old; the claim goes on behind them only if they are the head', async () => {
    const t = await insertTicket(hub.ds);
    const ids = await write(hub.ds, Array.from({ length: 10 }, () => status(t, 'contacted')));
    await claimHead();
    const opts = { requeueAfterMs: 60_000 };
    const [a] = await recordSteps(hub.ds, [{ records: [{ id: ids[0], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 4 }], opts);
    expect(a.window.map((r) => r.id)).toEqual(ids.slice(1, 5));
    const versions = async (of: string[]): Promise<string[]> =>
      (await queryRows<{ v: string }>(hub.ds, `SELECT xmin::text AS v FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY outbox.id`, [of])).map((r) => r.v);
    const before = await versions(ids.slice(2, 5));

    const held = (from: number, to: number): Array<{ id: string; attempt: number }> => ids.slice(from, to).map((id) => ({ id, attempt: 0 }));
    const [b] = await recordSteps(hub.ds, [{ records: [{ id: ids[1], attempt: 0, outcome: DELIVERED }], held: held(2, 5), unsent: [], claim: 6 }], opts);
    expect(b).toMatchObject({ recorded: [true], held: ids.slice(2, 5), strays: [] });
    expect(b.window.map((r) => r.id)).toEqual(ids.slice(5, 8));
    expect(await versions(ids.slice(2, 5))).toEqual(before);

    // An old claim (over a quarter of requeueAfterMs) is renewed.
    await hub.ds.query(`UPDATE outbox SET queued_at = now() - interval '20 seconds' WHERE id = ANY($1::bigint[])`, [ids.slice(3, 8)]);
    const [c] = await recordSteps(hub.ds, [{ records: [{ id: ids[2], attempt: 0, outcome: DELIVERED }], held: held(3, 8), unsent: [], claim: 5 }], opts);
    expect(c).toMatchObject({ recorded: [true], held: ids.slice(3, 8), window: [] });
    const [{ fresh }] = await queryRows<{ fresh: boolean }>(
      hub.ds,
      `SELECT bool_and(queued_at > now() - interval '5 seconds') AS fresh FROM outbox WHERE id = ANY($1::bigint[])`,
      [ids.slice(3, 8)],
    );
    expect(fresh).toBe(true);

    // Held rows that are not the head (the 4th is still pending before them): nothing behind them.
    const [d] = await recordSteps(hub.ds, [{ records: [], held: held(4, 8), unsent: [], claim: 7 }], opts);
    expect(d).toMatchObject({ held: [], window: [], strays: [] });
    expect(await queued(ids.slice(8))).toEqual([null, null]);
  });

  it('one claim per order key: of two steps of one key in one statement, the one holding its highest id claims; a record made twice is made once', async () => {
    const t = await insertTicket(hub.ds);
    const ids = await write(hub.ds, Array.from({ length: 6 }, () => status(t, 'contacted')));
    await claimHead();
    const [a] = await recordSteps(hub.ds, [{ records: [{ id: ids[0], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 2 }]);
    expect(a.window.map((r) => r.id)).toEqual([ids[1], ids[2]]);

    const [x, y] = await recordSteps(hub.ds, [
      { records: [{ id: ids[1], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 3 },
      { records: [{ id: ids[2], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 2 },
    ]);
    expect([x.recorded, y.recorded]).toEqual([[true], [true]]);
    expect(x.window).toEqual([]);
    expect(y.window.map((r) => r.id)).toEqual([ids[3], ids[4]]);

    // The same attempt again (a duplicate job): not recorded, and it claims nothing.
    const [z] = await recordSteps(hub.ds, [{ records: [{ id: ids[2], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 3 }]);
    expect(z).toMatchObject({ recorded: [false], window: [] });
    expect(await attemptsOf(hub.ds, ids[2])).toHaveLength(1);
  });

  it('a row of the window changed by another transaction while the statement runs: the window stops before it, what follows is a stray to give back', async () => {
    const t = await insertTicket(hub.ds);
    const ids = await write(hub.ds, Array.from({ length: 6 }, () => status(t, 'contacted')));
    await claimHead();
    // Another worker records a retry of the 3rd message (a duplicate chain) and has not committed yet.
    const other = new Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [ids[2]]);
      const step = recordSteps(hub.ds, [{ records: [{ id: ids[0], attempt: 0, outcome: DELIVERED }], unsent: [], claim: 5 }]);
      // The statement saw the 3rd as claimable and now waits for its lock.
      await new Promise((r) => setTimeout(r, 300));
      await other.query('COMMIT');
      const [a] = await step;
      expect(a.recorded).toEqual([true]);
      // Sending the 4th–6th before the 3rd is retried would break the order: they are not in the window.
      expect(a.window.map((r) => r.id)).toEqual([ids[1]]);
      expect(a.strays.map((s) => s.id)).toEqual(ids.slice(3, 6));
      expect(await queued(ids.slice(3, 6))).toEqual([0, 0, 0]);

      const [b] = await recordSteps(hub.ds, [{ records: [{ id: ids[1], attempt: 0, outcome: DELIVERED }], unsent: a.strays, claim: 5 }]);
      expect(b).toMatchObject({ recorded: [true], window: [], strays: [] });
      expect(await queued(ids.slice(3, 6))).toEqual([null, null, null]);
    } finally {
      await other.end();
    }
  });
});
