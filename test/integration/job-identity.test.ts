/**
 * Two hubs pointed at one Redis by mistake, with the same queue prefix and each its own database
 * (docs/reliability.md#job-identity). Their outbox ids are the same numbers; each installation's
 * queues live under its own namespace (installationPrefix), so neither ever sees the other's jobs.
 */
import { Client } from 'pg';
import { Queue } from 'bullmq';
import { getQueueToken } from '@nestjs/bullmq';
import { parseKeyRing } from '@hub/connectors/signing';
import Redis from 'ioredis';
import { INSTALLATION_ID } from '@hub/common';
import { QUEUES, installationPrefix } from '@hub/queues';
import { migrate } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { eventIdOf, insertTicket, status, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, startHub, testConfig } from '../support/harness';
import { REPORTS_SCHEDULER } from '../../apps/router/src/reports/report-snapshots.processor';

const KEYS = 'jk1:identity-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const PER_HUB = 60;
const PREFIX = `ident${process.pid}`;

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
    const common = { HUB_HOTLINE_KEYS: KEYS, HUB_QUEUE_PREFIX: PREFIX, HUB_RELAY_REQUEUE_AFTER_MS: '120000' };
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

  it('each hub\'s queues and markers live under its own installation, none under the shared prefix itself', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const keys = await redis.keys(`${PREFIX}:*`);
      const [a, b] = hubs.map((h) => h.apps.notifier!.get<string>(INSTALLATION_ID));
      for (const inst of [a, b]) {
        const own = installationPrefix(PREFIX, inst);
        expect(own).toBe(`${PREFIX}:${inst}`);
        expect(keys).toContain(`${own}:outbox-alive`);
        expect(keys).toContain(`${own}:clock-alive`);
        expect(keys.some((k) => k.startsWith(`${own}:deliver:`))).toBe(true);
      }
      // every key belongs to one of the two installations
      expect(keys.filter((k) => !k.startsWith(`${PREFIX}:${a}:`) && !k.startsWith(`${PREFIX}:${b}:`))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('each hub keeps its own report scheduler, in its own queue', async () => {
    const queues = hubs.map((h) => h.apps.router!.get<Queue>(getQueueToken(QUEUES.reports)));
    expect(queues[0].opts.prefix).not.toBe(queues[1].opts.prefix);
    for (const q of queues) expect((await q.getJobSchedulers()).map((j) => j.key)).toEqual([REPORTS_SCHEDULER]);
  });
});
