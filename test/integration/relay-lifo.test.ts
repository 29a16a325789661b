/**
 * New before old, bounded (docs/reliability.md#overload-and-catch-up): the relay queues a message
 * offered for the first time LIFO only while its queue holds more than HUB_RELAY_LIFO_ABOVE waiting
 * jobs, FIFO otherwise. Route jobs of a notifier alone (no router takes them) wait in the route
 * queue; a worker of the test then takes them one at a time and records the order.
 */
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { getQueueToken } from '@nestjs/bullmq';
import { type OutboxJob, QUEUES } from '@hub/queues';
import { routeJob } from '@hub/store';
import { insertTickets, write } from '../factories/outbox.factory';
import { RunningHub, eventually, flushRedis, queuePrefixOf, startHub, testConfig } from '../support/harness';

const THRESHOLD = 40;

describe('first offers: LIFO above the backlog threshold, FIFO below it', () => {
  let hub: RunningHub;
  let queue: Queue<OutboxJob>;

  beforeAll(async () => {
    await flushRedis();
    // no walk for lost claims during the test: the rows taken by the test's worker stay claimed
    hub = await startHub(testConfig({ HUB_RELAY_LIFO_ABOVE: String(THRESHOLD), HUB_RELAY_REQUEUE_AFTER_MS: '600000' }), ['notifier'], { fresh: true });
    queue = hub.apps.notifier!.get<Queue<OutboxJob>>(getQueueToken(QUEUES.route));
  });
  afterAll(async () => {
    await hub?.close();
  });

  const waiting = (n: number) => eventually(async () => (await queue.getWaitingCount()) === n);

  /** `old` route jobs queued, then three new ones, each queued before the next is written. */
  async function queueBacklogThenThree(old: number): Promise<{ backlog: string[]; fresh: string[] }> {
    const backlog = await write(hub.ds, (await insertTickets(hub.ds, old)).map((t) => routeJob(t.id)));
    await waiting(old);
    const fresh: string[] = [];
    for (const t of await insertTickets(hub.ds, 3)) {
      fresh.push(...(await write(hub.ds, [routeJob(t.id)])));
      await waiting(old + fresh.length);
    }
    return { backlog, fresh };
  }

  /** Takes every waiting job, one at a time, and returns their outbox ids in the order taken. */
  async function takeAll(count: number): Promise<string[]> {
    const taken: string[] = [];
    const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const worker = new Worker<OutboxJob>(QUEUES.route, async (job) => void taken.push(job.data.outboxId), {
      connection,
      prefix: queuePrefixOf(hub),
      concurrency: 1,
    });
    try {
      await eventually(async () => taken.length >= count);
    } finally {
      await worker.close();
      await connection.quit();
    }
    return taken;
  }

  it('below the threshold: plain FIFO, the new ones after the backlog, in the order written', async () => {
    const { backlog, fresh } = await queueBacklogThenThree(THRESHOLD - 10);
    const taken = await takeAll(backlog.length + 3);
    expect(taken).toHaveLength(backlog.length + 3);
    expect([...taken.slice(0, backlog.length)].sort()).toEqual([...backlog].sort());
    expect(taken.slice(backlog.length)).toEqual(fresh);
  });

  it('above it: each new one goes before the backlog (the newest first), the backlog after them', async () => {
    const { backlog, fresh } = await queueBacklogThenThree(THRESHOLD + 10);
    const taken = await takeAll(backlog.length + 3);
    expect(taken).toHaveLength(backlog.length + 3);
    expect(taken.slice(0, 3)).toEqual([...fresh].reverse());
    expect([...taken.slice(3)].sort()).toEqual([...backlog].sort());
  });
});
