/**
 * Any number of each app at once (docs/reliability.md#replicas): three notifiers share one outbox
 * (the relay's claims, BullMQ's workers) and every message reaches its target once, in order per
 * ticket; three routers' sweepers run one at a time under the advisory lock.
 */
import { parseKeyRing } from '@hub/connectors/signing';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventIdOf, insertTicket, orderViolations, status, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, startHub, testConfig } from '../support/harness';
import { CLOCK_SWEEPER_LOCK, ClockTimersService } from '../../apps/router/src/clock/clock-timers.service';

const KEYS = 'rk1:replicas-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const TICKETS = 40;
const TYPES = ['accepted', 'dispatched', 'signed', 'contacted'] as const;

describe('replicas: three notifiers and three routers on one database and Redis', () => {
  let hotline: FakeUpstream;
  const hubs: RunningHub[] = [];

  beforeAll(async () => {
    await flushRedis();
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('K', KEYS) });
    const config = testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: KEYS, HUB_CLOCK_SWEEP_MS: '0' });
    for (let i = 0; i < 3; i++) hubs.push(await startHub(config, ['router', 'notifier'], { fresh: i === 0 }));
  });
  afterAll(async () => {
    for (const h of hubs) await h.close();
    await hotline?.close();
  });

  it('every message of every ticket is delivered once, in the order written', async () => {
    const written: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const t = await insertTicket(hubs[0].ds);
      const msgs = TYPES.map((type) => status(t, type));
      written.push(...msgs.map((m) => m.eventId));
      await write(hubs[i % 3].ds, msgs);
    }
    await eventually(async () => new Set(hotline.requests.map(eventIdOf)).size >= written.length, 60_000);
    await eventually(async () => ((await hubs[0].ds.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'delivered'`)) as Array<{ n: number }>)[0].n === 0);
    const got = hotline.requests.map(eventIdOf);
    expect([...new Set(got)].sort()).toEqual([...written].sort());
    // each attempt is recorded once: as many attempts as messages (no target answered other than 200)
    const [{ attempts }] = (await hubs[0].ds.query(`SELECT count(*)::int AS attempts FROM delivery_attempts`)) as Array<{ attempts: number }>;
    expect(attempts).toBe(written.length);
    expect(await orderViolations(hubs[0].ds, hotline.requests)).toEqual([]);
  });

  it('the sweepers of three routers: while one holds the lock the others sweep nothing', async () => {
    const sweep = (h: RunningHub) => h.apps.router!.get(ClockTimersService).sweep();
    // the lock held as a sweeping router holds it: in an open transaction
    const qr = hubs[0].ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await qr.query('SELECT pg_advisory_xact_lock($1)', [CLOCK_SWEEPER_LOCK]);
    const held = await Promise.all(hubs.map(sweep));
    await qr.commitTransaction();
    await qr.release();
    expect(held.map((r) => r.locked)).toEqual([false, false, false]);
    const free = await Promise.all(hubs.map(sweep));
    expect(free.filter((r) => r.locked).length).toBeGreaterThanOrEqual(1);
  });
});
