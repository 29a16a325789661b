/**
 * Writers on the hot path queue the messages that start a queue themselves, after their commit
 * (selfQueueInsert): the intake its routing job, routing the source's first status event and the
 * unit's work order. The relay is not needed for them; nothing goes out of order for it.
 */
import { Queue } from 'bullmq';
import { parseKeyRing } from '@hub/connectors/signing';
import { bullConnection, outboxJobId, QUEUES } from '@hub/queues';
import { outboxJob } from '@hub/queues/outbox-jobs';
import { queryRows, startSelfQueue, takeSelfQueued, writeOutbox } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventIdOf, insertTicket, status, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';
import { LifecycleHub, UNIT_A, intakeOrder, order, resetWorld, startLifecycleHub } from './lifecycle-kit';

interface Row {
  id: string;
  target: string;
  type: string;
  queued: number | null;
  body: Record<string, unknown>;
}

const rowsOf = (hub: RunningHub, ticketId: string): Promise<Row[]> =>
  queryRows<Row>(hub.ds, `SELECT id::text AS id, target, type, queued_attempt AS queued, payload->'body' AS body FROM outbox WHERE ticket_id = $1 ORDER BY id`, [ticketId]);

describe('self-queued messages: intake and routing, with no relay running', () => {
  let h: LifecycleHub;
  let deliver: Queue;

  beforeAll(async () => {
    // gateway and router only: no notifier, so no relay; whatever gets queued, its writer queued
    h = await startLifecycleHub(['gateway', 'router']);
    deliver = new Queue(QUEUES.deliver, { connection: bullConnection(process.env.REDIS_URL!), prefix: h.hub.config.queuePrefix });
  });
  beforeEach(() => resetWorld(h));
  afterAll(async () => {
    await deliver.close();
    await h.close();
    // the jobs nobody consumed here (no notifier) must not outlive this part
    await flushRedis();
  });

  it('a posted order is routed (its routing job was queued by the intake), and routing queues the first message of each new queue', async () => {
    const { ticketId } = await intakeOrder(h, order());
    const rows = await rowsOf(h.hub, ticketId);
    const route = rows.find((r) => r.target === 'router')!;
    expect(route.queued).toBe(0);
    const hotline = rows.filter((r) => r.target === 'hotline');
    expect(hotline.map((r) => r.body.type)).toEqual(['accepted', 'dispatched']);
    // the first of the hotline queue is queued with its job; the one behind it is left to the first's delivery
    expect(hotline.map((r) => r.queued)).toEqual([0, null]);
    const work = rows.find((r) => r.target === `unit:${UNIT_A}`)!;
    expect(work.queued).toBe(0);
    for (const r of [hotline[0], work]) expect((await deliver.getJob(outboxJobId(r.id, 0)))?.data).toEqual({ outboxId: r.id, attempt: 0 });
    expect(await deliver.getJob(outboxJobId(hotline[1].id, 0))).toBeUndefined();
  });

  it('a message behind a pending one of its key is not queued by its writer; a message for a system not connected neither', async () => {
    const t = await insertTicket(h.hub.ds);
    await write(h.hub.ds, [status(t, 'accepted')]);
    const queued = await h.hub.ds.transaction(async (tx) => {
      startSelfQueue(tx, { targets: ['router'], units: false });
      await writeOutbox(tx, [status(t, 'dispatched')]);
      return takeSelfQueued(tx);
    });
    expect(queued).toEqual([]);
    const other = await insertTicket(h.hub.ds);
    const queuedElsewhere = await h.hub.ds.transaction(async (tx) => {
      // hotline not among the targets: it is left to the relay
      startSelfQueue(tx, { targets: ['router'], units: false });
      await writeOutbox(tx, [status(other, 'accepted')]);
      return takeSelfQueued(tx);
    });
    expect(queuedElsewhere).toEqual([]);
    const states = await queryRows<{ queued: number | null }>(h.hub.ds, `SELECT queued_attempt AS queued FROM outbox WHERE ticket_id IN ($1, $2) ORDER BY id`, [t.id, other.id]);
    expect(states.map((s) => s.queued)).toEqual([null, null, null]);
  });
});

describe('the notifier sends a job only for the head of its key', () => {
  const KEYS = 'hk-1:self-queue-hotline-secret:hmac-sha256';
  let hotline: FakeUpstream;
  let hub: RunningHub;
  let deliver: Queue;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', KEYS), rejectInvalidSignatures: true });
    // the jobs the first part left waiting (nobody consumed them) must not be taken for this one's
    await flushRedis();
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: KEYS }), ['notifier']);
    await resetDatabase(hub.ds);
    deliver = new Queue(QUEUES.deliver, { connection: bullConnection(process.env.REDIS_URL!), prefix: hub.config.queuePrefix });
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
    // in 1.5 s; the newer one is claimed, as a writer racing another on this key would have left it.
    const b = await hub.ds.transaction(async (tx) => {
      const [older, newer] = await write(tx, [first, second]);
      await tx.query(`UPDATE outbox SET next_attempt_at = now() + interval '1.5 seconds' WHERE id = $1`, [older]);
      await tx.query(`UPDATE outbox SET queued_attempt = 0, queued_at = now() WHERE id = $1`, [newer]);
      return newer;
    });
    const job = outboxJob({ id: b, target: 'hotline', attempts: 0 });
    // removed once done, as the hub's own jobs are: a kept job id would swallow a later row's job
    await deliver.add(job.name, job.data, { ...job.opts, removeOnComplete: true });

    const path = `/api/orders/${t.externalId}/status`;
    await eventually(async () => hotline.received(path).length >= 2, 15_000);
    expect(hotline.received(path).map(eventIdOf)).toEqual([first.eventId, second.eventId]);
  });
});
