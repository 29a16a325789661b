/**
 * The notifier killed with SIGKILL in the middle of deliveries (no shutdown hook runs, its jobs
 * stay "active" in Redis, requests are in flight): after a restart every message is delivered,
 * each ticket's in order, and whatever the hotline received twice carried the same eventId.
 * The notifier runs as a real child process; the hotline answers slowly so that the kill lands
 * while requests are in flight.
 */
import { DataSource } from 'typeorm';
import { parseKeyRing } from '@hub/connectors/signing';
import { createDataSource } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventually, resetDatabase } from '../support/harness';
import { hotlineNotifierEnv, startNotifierProcess, type NotifierProcess } from '../support/notifier-process';
import { eventIdOf, firstArrivals, insertTickets, orderViolations, outboxStates, status, write } from '../factories/outbox.factory';

const HOTLINE_KEYS = 'hk-1:crash-hotline-secret-of-at-least-32-bytes:hmac-sha256';

describe('notifier killed mid-delivery', () => {
  let ds: DataSource;
  let hotline: FakeUpstream;
  let notifier: NotifierProcess | undefined;

  beforeAll(async () => {
    ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 3, appName: 'test-crash' });
    await ds.initialize();
    hotline = await FakeUpstream.start({
      keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS),
      rejectInvalidSignatures: true,
      defaultResponse: { status: 200, body: { ok: true }, delayMs: 150 },
    });
  });
  afterAll(async () => {
    await notifier?.kill();
    await hotline?.close();
    await ds?.destroy();
  });

  const env = (): Record<string, string | undefined> => hotlineNotifierEnv({ prefix: `crash${process.pid}`, hotlineKeys: HOTLINE_KEYS, hotlineUrl: hotline.url });

  it('SIGKILL while 200 messages for 20 tickets are being delivered: all arrive after a restart, in order, duplicates with the same eventId', async () => {
    await resetDatabase(ds);
    const tickets = await insertTickets(ds, 20);
    for (let round = 0; round < 10; round++) await write(ds, tickets.map((t) => status(t, 'contacted')));
    notifier = await startNotifierProcess(env());

    await hotline.waitForRequests('/api/orders/', 40, 60_000);
    await notifier.kill();
    const atKill = await outboxStates(ds);
    const pendingAtKill = atKill.filter((r) => r.status === 'pending').length;
    expect(pendingAtKill).toBeGreaterThan(0);
    const received = hotline.received().length;

    notifier = await startNotifierProcess(env());
    await eventually(async () => (await outboxStates(ds)).every((r) => r.status === 'delivered'), 90_000, 250);
    await notifier.stop();
    notifier = undefined;

    const rows = await outboxStates(ds);
    const requests = hotline.received('/api/orders/');
    expect(requests.length).toBeGreaterThan(received);
    expect(requests.every((r) => r.signatureValid)).toBe(true);
    // Every message arrived; the first arrivals of each ticket are in the order written.
    expect(new Set(firstArrivals(requests))).toEqual(new Set(rows.map((r) => r.eventId)));
    expect(await orderViolations(ds, requests)).toEqual([]);
    // Requests in flight at the kill reached the hotline but were never recorded, so they went again
    // after the restart: as the very same message, eventId included (the hotline deduplicates on it).
    const payloads = new Map(
      ((await ds.query(`SELECT event_id::text AS "eventId", payload FROM outbox`)) as Array<{ eventId: string; payload: { body: unknown } }>).map((r) => [r.eventId, r.payload.body]),
    );
    for (const r of requests) expect(r.body).toEqual(payloads.get(eventIdOf(r)!));
    const duplicates = requests.length - rows.length;
    expect(duplicates).toBeGreaterThan(0);
    // …and the delivery log has one delivered attempt per message, whoever sent it last.
    const [log] = (await ds.query(
      `SELECT count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered, count(DISTINCT outbox_id)::int AS messages FROM delivery_attempts`,
    )) as Array<{ delivered: number; messages: number }>;
    expect(log).toEqual({ delivered: 200, messages: 200 });
  });
});
