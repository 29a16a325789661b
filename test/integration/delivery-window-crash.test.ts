/**
 * The notifier killed with SIGKILL while it delivers a window of one ticket's messages: the claimed
 * rows it held are queued again by the relay of the next notifier (after requeueAfterMs), and the
 * ticket's messages all arrive, first arrivals in the order written; what went twice carried the
 * same eventId, and the delivery log has one delivered attempt per message.
 */
import { DataSource } from 'typeorm';
import { parseKeyRing } from '@hub/connectors/signing';
import { createDataSource } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventually, resetDatabase } from '../support/harness';
import { hotlineNotifierEnv, startNotifierProcess, type NotifierProcess } from '../support/notifier-process';
import { eventIdOf, firstArrivals, insertTicket, outboxStates, status, write } from '../factories/outbox.factory';

const HOTLINE_KEYS = 'hk-1:window-crash-secret-of-at-least-32-bytes:hmac-sha256';

describe('notifier killed in the middle of a window', () => {
  let ds: DataSource;
  let hotline: FakeUpstream;
  let notifier: NotifierProcess | undefined;

  beforeAll(async () => {
    ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 3, appName: 'test-window-crash' });
    await ds.initialize();
    hotline = await FakeUpstream.start({
      keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS),
      rejectInvalidSignatures: true,
      defaultResponse: { status: 200, body: { ok: true }, delayMs: 10 },
    });
  });
  afterAll(async () => {
    await notifier?.kill();
    await hotline?.close();
    await ds?.destroy();
  });

  const env = (url: string): Record<string, string | undefined> => hotlineNotifierEnv({ prefix: `wcrash${process.pid}`, hotlineKeys: HOTLINE_KEYS, hotlineUrl: url });

  it('SIGKILL with 300 messages of one ticket claimed and in flight: after a restart all arrive, in order, once recorded each', async () => {
    await resetDatabase(ds);
    const t = await insertTicket(ds);
    const msgs = Array.from({ length: 300 }, () => status(t, 'contacted'));
    await write(ds, msgs);
    notifier = await startNotifierProcess(env(hotline.url));

    await hotline.waitForRequests('/api/orders/', 60, 60_000);
    await notifier.kill();
    const atKill = await outboxStates(ds);
    expect(atKill.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);
    // The killed notifier held a window: claimed rows behind the one in flight.
    const [{ claimed }] = (await ds.query(
      `SELECT count(*)::int AS claimed FROM outbox WHERE status = 'pending' AND queued_attempt = attempts`,
    )) as Array<{ claimed: number }>;
    expect(claimed).toBeGreaterThan(1);

    notifier = await startNotifierProcess(env(hotline.url));
    await eventually(async () => (await outboxStates(ds)).every((r) => r.status === 'delivered'), 90_000, 250);
    await notifier.stop();
    notifier = undefined;

    const requests = hotline.received('/api/orders/');
    expect(requests.every((r) => r.signatureValid)).toBe(true);
    expect(firstArrivals(requests)).toEqual(msgs.map((m) => m.eventId));
    const payloads = new Map(msgs.map((m) => [m.eventId, m.payload.body]));
    for (const r of requests) expect(r.body).toEqual(payloads.get(eventIdOf(r)!));
    const [log] = (await ds.query(
      `SELECT count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered, count(DISTINCT outbox_id)::int AS messages FROM delivery_attempts`,
    )) as Array<{ delivered: number; messages: number }>;
    expect(log).toEqual({ delivered: 300, messages: 300 });
  });
});
