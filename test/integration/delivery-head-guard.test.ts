/**
 * The notifier sends a job's message only when it heads its order key: an older message of the key
 * still pending goes first (order per ticket and target), and the job gives its claim back.
 */
import { Queue } from 'bullmq';
import { parseKeyRing } from '@hub/connectors/signing';
import { bullConnection, outboxJobId, QUEUES } from '@hub/queues';
import { INSTALLATION_ID } from '@hub/common';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventIdOf, insertTicket, status, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, queuePrefixOf, startHub, testConfig } from '../support/harness';

describe('the notifier sends a job only for the head of its key', () => {
  const KEYS = 'hk-1:self-queue-hotline-secret-of-at-least-32-bytes:hmac-sha256';
  let hotline: FakeUpstream;
  let hub: RunningHub;
  let deliver: Queue;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', KEYS), rejectInvalidSignatures: true });
    // jobs other files of this run left in its Redis must not be taken for this one's
    await flushRedis();
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: KEYS }), ['notifier'], { fresh: true });
    deliver = new Queue(QUEUES.deliver, { connection: bullConnection(process.env.REDIS_URL!), prefix: queuePrefixOf(hub) });
  });
  afterAll(async () => {
    await deliver.close();
    await hub.close();
    await hotline.close();
    await flushRedis();
  });

  it('a job for a message behind an older pending one gives its claim back; the older goes first, then it', async () => {
    const t = await insertTicket(hub.ds);
    const first = status(t, 'accepted');
    const second = status(t, 'dispatched');
    // In one transaction (the relay must not see them before): the older message waits for a retry
    // in 1.5 s; the newer one is claimed with a job of its own, as if it had been taken for a head.
    const b = await hub.ds.transaction(async (tx) => {
      const [older, newer] = await write(tx, [first, second]);
      await tx.query(`UPDATE outbox SET next_attempt_at = now() + interval '1.5 seconds' WHERE id = $1`, [older]);
      await tx.query(`UPDATE outbox SET queued_attempt = 0, queued_at = now() WHERE id = $1`, [newer]);
      return newer;
    });
    // removed once done, as the hub's own jobs are: a kept job id would swallow a later row's job
    await deliver.add('hotline', { outboxId: b, attempt: 0 }, { jobId: outboxJobId(hub.apps.notifier!.get<string>(INSTALLATION_ID), b, 0), removeOnComplete: true });

    const path = `/api/orders/${t.externalId}/status`;
    await eventually(async () => hotline.received(path).length >= 2, 15_000);
    expect(hotline.received(path).map(eventIdOf)).toEqual([first.eventId, second.eventId]);
  });
});
