/**
 * BullMQ and the hub's own Redis keys on a Redis Cluster and behind Redis Sentinel (README "Redis
 * Cluster and Sentinel"): the test starts its own servers on private loopback ports (7000–7002 for
 * three cluster masters, 7010 and 7011 for a master and its sentinel), runs the whole hub on them,
 * and follows signed hotline orders through routing (the route queue) and delivery (the deliver
 * queue) to the fake hotline. Then it looks into the servers: the hub's keys are there, and on the
 * cluster all of them in one slot (the queue prefix's hash tag).
 */
import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import Redis from 'ioredis';
import { parseKeyRing } from '@hub/connectors/signing';
import { importDirectory } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { SignedClient } from '../fakes/signed-client';
import { hotlineOrder, validIdCard } from '../factories/tickets.factory';
import { RunningHub, SHANGHAI_DIRECTORY, queuePrefixOf, startHub, testConfig } from '../support/harness';
import { startRedisCluster, startRedisSentinel, type RedisServers } from '../support/redis-servers';

const HOTLINE_KEYS = 'hk1:hotline-secret-topology-of-at-least-32-bytes:hmac-sha256';
const PREFIX = `{t${process.pid}}`;
const directory = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as Record<string, unknown>;
jest.setTimeout(180_000);

/** Sends `n` orders (each its own citizen, so none is merged) and waits until each was told accepted, then dispatched. */
async function ordersRoutedAndDelivered(hub: RunningHub, fake: FakeUpstream, n: number): Promise<void> {
  const client = new SignedClient(hub.url, parseKeyRing('X', HOTLINE_KEYS).signingKey!);
  const orders = Array.from({ length: n }, (_, i) => {
    const citizen = { name: '张三', phone: `1390000${String(7000 + i).padStart(4, '0')}`, idType: 'id_card', idNumber: validIdCard('19800101', String(100 + i)), anonymous: false, confidential: false };
    return hotlineOrder({ citizen, categoryCode: '0101', location: { regionCode: '310104' } });
  });
  for (const o of orders) expect((await client.post('/connectors/hotline/orders', o)).status).toBe(201);
  const types = (orderNo: unknown): string[] =>
    fake
      .received()
      .filter((r) => r.path.includes(`/${encodeURIComponent(String(orderNo))}/status`))
      .map((r) => String((r.body as { type?: string }).type));
  await fake.waitFor(() => orders.every((o) => types(o.orderNo).includes('dispatched')), 60_000);
  for (const o of orders) expect(types(o.orderNo).slice(0, 2)).toEqual(['accepted', 'dispatched']);
}

async function startHubOn(env: Record<string, string>, fake: FakeUpstream): Promise<RunningHub> {
  const hub = await startHub(testConfig({ ...env, HUB_QUEUE_PREFIX: PREFIX, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_HOTLINE_URL: fake.url }), undefined, { fresh: true });
  const r = await importDirectory(hub.ds, directory, 'test', true);
  expect(r.ok).toBe(true);
  const health = await fetch(`${hub.url}/health`);
  expect(health.status).toBe(200);
  return hub;
}

describe('on a Redis Cluster of three masters', () => {
  let servers: RedisServers;
  let hub: RunningHub;
  let fake: FakeUpstream;

  beforeAll(async () => {
    servers = await startRedisCluster([7000, 7001, 7002]);
    fake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS) });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
    await servers?.stop();
  });

  it('refuses a queue prefix without a hash tag, naming the variable', () => {
    expect(() => testConfig({ REDIS_URL: 'redis://127.0.0.1:7000', REDIS_CLUSTER_NODES: '127.0.0.1:7000', HUB_QUEUE_PREFIX: 'hub' })).toThrow(/HUB_QUEUE_PREFIX: must contain a hash tag/);
  });

  it('routes and delivers; every key of the hub is on the cluster, in the slot of the prefix\'s hash tag', async () => {
    hub = await startHubOn({ REDIS_URL: 'redis://127.0.0.1:7000', REDIS_CLUSTER_NODES: servers.ports.map((p) => `127.0.0.1:${p}`).join(',') }, fake);
    await ordersRoutedAndDelivered(hub, fake, 5);

    const cluster = new Cluster([{ host: '127.0.0.1', port: servers.ports[0] }]);
    try {
      await cluster.ping();
      const perNode = await Promise.all(cluster.nodes('master').map((n) => n.keys(`${PREFIX}*`)));
      const owners = perNode.filter((keys) => keys.length > 0);
      // one master holds them all: the hash tag put every key of every queue in one slot
      expect(owners).toHaveLength(1);
      const keys = owners[0];
      expect(keys.some((k) => k.startsWith(`${queuePrefixOf(hub)}:route:`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${queuePrefixOf(hub)}:deliver:`))).toBe(true);
      // the gateway's nonces (replay protection) are on the cluster too
      expect(keys.some((k) => k.startsWith(`${PREFIX}:nonce:`))).toBe(true);
      const slots = new Set(await Promise.all(keys.slice(0, 20).map((k) => cluster.cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
    } finally {
      cluster.disconnect();
    }
  });
});

describe('behind Redis Sentinel (one master, one sentinel)', () => {
  let servers: RedisServers;
  let hub: RunningHub;
  let fake: FakeUpstream;

  beforeAll(async () => {
    servers = await startRedisSentinel(7010, 7011, 'hub-master');
    fake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS) });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
    await servers?.stop();
  });

  it('finds the master through the sentinel, then routes and delivers on it', async () => {
    // REDIS_URL's host is not used: the sentinel names the master (here its database 3)
    hub = await startHubOn({ REDIS_URL: 'redis://no-such-host.invalid:6379/3', REDIS_SENTINELS: '127.0.0.1:7011', REDIS_SENTINEL_NAME: 'hub-master' }, fake);
    await ordersRoutedAndDelivered(hub, fake, 3);
    const master = new Redis({ port: 7010, host: '127.0.0.1', db: 3 });
    try {
      const keys = await master.keys(`${PREFIX}*`);
      expect(keys.some((k) => k.startsWith(`${queuePrefixOf(hub)}:route:`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${queuePrefixOf(hub)}:deliver:`))).toBe(true);
    } finally {
      master.disconnect();
    }
  });
});
