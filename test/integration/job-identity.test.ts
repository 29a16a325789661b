/**
 * Two hubs pointed at one Redis by mistake, with the same queue prefix and each its own database
 * (docs/reliability.md#job-identity). Their outbox ids are the same numbers; job ids carry each
 * installation's identity, so neither swallows the other's jobs (one job id for two rows), and a
 * worker that takes the other's job leaves it for its owner instead of completing it.
 */
import { Client } from 'pg';
import { Queue } from 'bullmq';
import { getQueueToken } from '@nestjs/bullmq';
import { parseKeyRing } from '@hub/connectors/signing';
import { INSTALLATION_ID, foreignJobs } from '@hub/common';
import { QUEUES, bullConnection, outboxJobId } from '@hub/queues';
import { migrate } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventIdOf, insertTicket, status, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, startHub, testConfig } from '../support/harness';

const KEYS = 'jk1:identity-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const PER_HUB = 30;

describe('job identity: two hubs on one Redis and prefix', () => {
  const otherDb = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_other`;
  const otherUrl = (() => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${otherDb}`;
    return u.toString();
  })();
  const admin = (): Client => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = '/postgres';
    return new Client({ connectionString: u.toString() });
  };
  let fakes: FakeUpstream[] = [];
  let hubs: RunningHub[] = [];

  beforeAll(async () => {
    await flushRedis();
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${otherDb}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${otherDb}"`);
    await c.end();
    await migrate(otherUrl);
    fakes = [await FakeUpstream.start({ keyRing: parseKeyRing('K', KEYS) }), await FakeUpstream.start({ keyRing: parseKeyRing('K', KEYS) })];
    // the same prefix for both (the mistake); a requeue-after longer than the test, so that a
    // swallowed job would show as a message never delivered
    const common = { HUB_HOTLINE_KEYS: KEYS, HUB_QUEUE_PREFIX: `ident${process.pid}`, HUB_RELAY_REQUEUE_AFTER_MS: '120000' };
    hubs = [
      await startHub(testConfig({ ...common, HUB_HOTLINE_URL: fakes[0].url }), ['router', 'notifier'], { fresh: true }),
      await startHub(testConfig({ ...common, HUB_HOTLINE_URL: fakes[1].url, DATABASE_URL: otherUrl }), ['router', 'notifier']),
    ];
  });
  afterAll(async () => {
    for (const h of hubs) await h.close();
    for (const f of fakes) await f.close();
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${otherDb}" WITH (FORCE)`);
    await c.end();
  });

  it('each hub has its own identity, from its own database', () => {
    const [a, b] = hubs.map((h) => h.apps.notifier!.get<string>(INSTALLATION_ID));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
    expect(hubs[0].apps.router!.get<string>(INSTALLATION_ID)).toBe(a);
  });

  it('the same outbox ids in both databases: every message reaches its own hub\'s target, once', async () => {
    const sent: string[][] = [[], []];
    for (let i = 0; i < PER_HUB; i++) {
      for (const k of [0, 1]) {
        const t = await insertTicket(hubs[k].ds);
        const m = status(t, 'accepted');
        sent[k].push(m.eventId);
        await write(hubs[k].ds, [m]);
      }
    }
    // the ids collide, as two fresh databases' do
    const ids = await Promise.all(hubs.map(async (h) => ((await h.ds.query(`SELECT array_agg(id::text ORDER BY id) AS ids FROM outbox`)) as Array<{ ids: string[] }>)[0].ids));
    expect(ids[0]).toEqual(ids[1]);

    for (const k of [0, 1]) await eventually(async () => fakes[k].requests.length >= PER_HUB, 60_000);
    for (const k of [0, 1]) {
      expect(fakes[k].requests.map(eventIdOf).sort()).toEqual([...sent[k]].sort());
      // the delivery is recorded after the target's answer (the chain records in steps), so wait for it
      const left = async () => ((await hubs[k].ds.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'delivered'`)) as Array<{ n: number }>)[0].n;
      await eventually(async () => (await left()) === 0, 30_000);
      expect(await left()).toBe(0);
    }
  });

  it('a job of an installation that is not running is reported and left in the queue, never completed', async () => {
    const queue = new Queue(QUEUES.deliver, { connection: bullConnection(process.env.REDIS_URL!), prefix: `ident${process.pid}` });
    const jobId = outboxJobId('0000000000000000', '1', 0);
    // closed whatever the outcome: an open queue keeps jest from exiting after a failure
    try {
      const before = (await foreignJobs.get()).values.reduce((n, v) => n + v.value, 0);
      await queue.add('hotline', { outboxId: '1', attempt: 0, installation: '0000000000000000' }, { jobId, removeOnComplete: true, removeOnFail: true });
      // taken by a worker of one of the two hubs at least twice (it comes back after each)
      await eventually(async () => (await foreignJobs.get()).values.reduce((n, v) => n + v.value, 0) >= before + 2, 30_000);
      const job = await queue.getJob(jobId);
      expect(job).toBeDefined();
      expect(['delayed', 'waiting', 'active']).toContain(await job!.getState());
      // row 1 of either hub was not sent again on its behalf
      for (const k of [0, 1]) expect(fakes[k].requests).toHaveLength(PER_HUB);
    } finally {
      await (await queue.getJob(jobId))?.remove().catch(() => undefined);
      await queue.close();
    }
  });

  it('each hub keeps its own report scheduler', async () => {
    const q = hubs[0].apps.router!.get<Queue>(getQueueToken(QUEUES.reports));
    const keys = (await q.getJobSchedulers()).map((j) => j.key);
    for (const h of hubs) expect(keys).toContain(`report-snapshots-${h.apps.router!.get<string>(INSTALLATION_ID)}`);
  });
});
