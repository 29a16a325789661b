/**
 * A wiped Redis loses nothing and delays little (docs/reliability.md#redis-wiped): messages whose
 * jobs were waiting in Redis when it was emptied are queued again at the relay's next marker check,
 * not after HUB_RELAY_REQUEUE_AFTER_MS (a minute here, longer than the test waits).
 */
import { Queue } from 'bullmq';
import { parseKeyRing } from '@hub/connectors/signing';
import { QUEUES } from '@hub/queues';
import { redisWipes } from '@hub/common';
import { getQueueToken } from '@nestjs/bullmq';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventIdOf, insertTicket, status, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, startHub, testConfig } from '../support/harness';
import { DeliveryProcessor } from '../../apps/notifier/src/delivery/delivery.processor';

const KEYS = 'wk1:wipe-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const TICKETS = 20;

describe('relay after a wiped Redis', () => {
  let hotline: FakeUpstream;
  let hub: RunningHub;

  beforeAll(async () => {
    await flushRedis();
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('K', KEYS) });
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: KEYS, HUB_RELAY_REQUEUE_AFTER_MS: '60000' }), ['notifier'], { fresh: true });
  });
  afterAll(async () => {
    await hub?.close();
    await hotline?.close();
  });

  it('every message whose job was waiting when Redis was emptied is queued again and delivered once', async () => {
    const worker = hub.apps.notifier!.get(DeliveryProcessor).worker;
    await worker.pause(true);
    const queue = hub.apps.notifier!.get<Queue>(getQueueToken(QUEUES.deliver));
    const eventIds: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const t = await insertTicket(hub.ds);
      const m = status(t, 'accepted');
      eventIds.push(m.eventId);
      await write(hub.ds, [m]);
    }
    // the relay claims them all and their jobs wait in Redis (the worker is paused; a fetch it had
    // started before may still take one)
    const claimedWaiting = async (): Promise<number | undefined> => {
      const [{ pending, claimed }] = (await hub.ds.query(
        `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'pending' AND queued_attempt = attempts)::int AS claimed FROM outbox`,
      )) as Array<{ pending: number; claimed: number }>;
      const c = await queue.getJobCounts('waiting', 'active');
      return pending === claimed && c.waiting + c.active === pending && c.active === 0 ? pending : undefined;
    };
    const waiting = await eventually(claimedWaiting);
    expect(waiting).toBeGreaterThanOrEqual(TICKETS - 2);
    const wipesBefore = (await redisWipes.get()).values.find((v) => v.labels.what === 'outbox')?.value ?? 0;

    await flushRedis();
    worker.resume();

    // queued again by the marker check (≤ 1 s), far inside the 60 s requeue-after
    await eventually(async () => hotline.requests.length >= TICKETS, 30_000);
    const wipesAfter = (await redisWipes.get()).values.find((v) => v.labels.what === 'outbox')?.value ?? 0;
    expect(wipesAfter).toBe(wipesBefore + 1);
    const got = hotline.requests.map(eventIdOf).sort();
    expect(got).toEqual([...eventIds].sort());
    // the records commit just after the answers
    await eventually(async () => ((await hub.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'delivered'`)) as Array<{ n: number }>)[0].n === 0);
  });
});
