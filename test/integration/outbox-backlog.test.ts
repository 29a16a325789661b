/**
 * Under a backlog (docs/reliability.md#overload-and-catch-up): the relay's usual claim reads what
 * can be claimed, not the rows already queued, and still claims only the head of each ticket's
 * messages; the router routes the jobs in hand in one transaction, and one failing ticket costs
 * the others nothing but a second try.
 */
import type { DataSource } from 'typeorm';
import { claimUnclaimedFrom, createDataSource, reclaimStale, queryRows, routeJob, runInternalJobs, writeOutbox } from '@hub/store';
import { insertTicket, insertTickets, status, write } from '../factories/outbox.factory';
import { resetDatabase } from '../support/harness';
import { outboxRowsReadBy, statementOf } from '../support/plan-probe';

const BACKLOG = 3000;
const claimUnclaimed = async (db: Parameters<typeof claimUnclaimedFrom>[0], o: Parameters<typeof claimUnclaimedFrom>[1]) => (await claimUnclaimedFrom(db, o, null, 1000)).rows;
let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 4, appName: 'test-outbox-backlog' });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
});

describe('the relay\'s claim under a backlog already queued', () => {
  let fresh: string[];
  let behind: string;

  beforeAll(async () => {
    await resetDatabase(ds);
    // BACKLOG tickets whose message is claimed (its job waits in Redis), as when the consumer is away
    const queued = await insertTickets(ds, BACKLOG);
    await writeOutbox(ds, queued.map((t) => status(t, 'accepted')));
    await ds.query(`UPDATE outbox SET queued_attempt = 0, queued_at = now()`);
    // two new tickets' first messages, and a second message behind one of them
    const [a, b] = await insertTickets(ds, 2);
    fresh = [...(await write(ds, [status(a, 'accepted')])), ...(await write(ds, [status(b, 'accepted')]))];
    [behind] = await write(ds, [status(a, 'dispatched')]);
    // a busy ticket: its head claimed, 300 messages behind it (unclaimed, not heads)
    const busy = await insertTicket(ds);
    const busyIds = await write(ds, Array.from({ length: 301 }, () => status(busy, 'contacted')));
    await ds.query(`UPDATE outbox SET queued_attempt = 0, queued_at = now() WHERE id = $1`, [busyIds[0]]);
    await ds.query('VACUUM ANALYZE outbox');
  });

  it('claims the unclaimed heads only, reading a handful of rows of a backlog of 3,000 claimed ones (and a busy ticket costs one probe)', async () => {
    const opts = { targets: ['hotline'], units: false, batch: 500 };
    const usual = await outboxRowsReadBy(ds, await statementOf((db) => claimUnclaimed(db, opts)));
    expect(usual).toBeLessThan(20);
    // lost jobs are looked for among the due pending rows, each read once (a linear scan, not a walk per key)
    const stale = await outboxRowsReadBy(ds, await statementOf((db) => reclaimStale(db, { ...opts, requeueAfterMs: 60_000 })));
    expect(stale).toBeLessThanOrEqual(2 * (BACKLOG + 303));

    const claimed = await claimUnclaimed(ds, opts);
    expect(claimed.map((r) => r.id).sort()).toEqual([...fresh].sort());
    expect(claimed.map((r) => r.id)).not.toContain(behind);
    // claimed now: a second claim finds nothing
    expect(await claimUnclaimed(ds, opts)).toEqual([]);
  });

  it('a message whose older one is delivered becomes a head and is claimed; claims given back are claimed again', async () => {
    await ds.query(`UPDATE outbox SET status = 'delivered', delivered_at = now() WHERE id = $1`, [fresh[0]]);
    const opts = { targets: ['hotline'], units: false, batch: 500 };
    expect((await claimUnclaimed(ds, opts)).map((r) => r.id)).toEqual([behind]);
    await ds.query(`UPDATE outbox SET queued_attempt = NULL, queued_at = NULL WHERE id = $1`, [fresh[1]]);
    expect((await claimUnclaimed(ds, opts)).map((r) => r.id)).toEqual([fresh[1]]);
  });
});

describe('the claim in bounded pieces, going round the keys; lost jobs found among old claims', () => {
  const opts = { targets: ['hotline'], units: false, batch: 500 };
  let heads: string[];

  beforeEach(async () => {
    await resetDatabase(ds);
    // 30 tickets with one unclaimed message each; the first 10 by order key wait for a retry
    const tickets = await insertTickets(ds, 30);
    await writeOutbox(ds, tickets.map((t) => status(t, 'accepted')));
    heads = (await queryRows<{ id: string }>(ds, `SELECT id::text AS id FROM outbox ORDER BY order_key, id`)).map((r) => r.id);
    await ds.query(`UPDATE outbox SET attempts = 1, next_attempt_at = now() + interval '1 hour' WHERE id = ANY($1::bigint[])`, [heads.slice(0, 10)]);
    await ds.query('VACUUM ANALYZE outbox');
  });

  it('each statement looks at 10 keys at most and the next goes on after it, so the keys waiting at the low end hold nobody back', async () => {
    const first = await claimUnclaimedFrom(ds, opts, null, 10);
    expect(first.rows).toEqual([]);
    const second = await claimUnclaimedFrom(ds, opts, first.nextKey, 10);
    expect(second.rows.map((r) => r.id).sort()).toEqual(heads.slice(10, 20).sort());
    const third = await claimUnclaimedFrom(ds, opts, second.nextKey, 10);
    expect(third.rows.map((r) => r.id).sort()).toEqual(heads.slice(20, 30).sort());
    // the end reached: the next call says to start again from the first key
    const fourth = await claimUnclaimedFrom(ds, opts, third.nextKey, 10);
    expect(fourth).toEqual({ rows: [], nextKey: null });
  });

  it('a claim older than requeueAfterMs whose row is still pending is claimed again; a recent one is not', async () => {
    const claimed = (await claimUnclaimedFrom(ds, opts, null, 1000)).rows.map((r) => r.id);
    expect(claimed).toHaveLength(20);
    expect(await reclaimStale(ds, { ...opts, requeueAfterMs: 60_000 })).toEqual([]);
    await ds.query(`UPDATE outbox SET queued_at = now() - interval '2 minutes' WHERE id = $1`, [claimed[0]]);
    expect((await reclaimStale(ds, { ...opts, requeueAfterMs: 60_000 })).map((r) => r.id)).toEqual([claimed[0]]);
    // claimed again just now: not stale any more
    expect(await reclaimStale(ds, { ...opts, requeueAfterMs: 60_000 })).toEqual([]);
  });
});

describe('route jobs in one transaction', () => {
  const retryAt = (): Date => new Date(Date.now() + 60_000);
  let jobs: Array<{ outboxId: string; attempt: number }>;

  beforeEach(async () => {
    await resetDatabase(ds);
    const tickets = await Promise.all(Array.from({ length: 5 }, () => insertTicket(ds)));
    await writeOutbox(ds, tickets.map((t) => routeJob(t.id)));
    const rows = await queryRows<{ id: string }>(ds, `SELECT id::text AS id FROM outbox WHERE target = 'router' ORDER BY id`);
    jobs = rows.map((r) => ({ outboxId: r.id, attempt: 0 }));
  });

  const states = async (): Promise<Array<{ status: string; attempts: number }>> =>
    queryRows(ds, `SELECT status, attempts FROM outbox WHERE target = 'router' ORDER BY id`);

  it('runs every handler in one transaction and marks every row done', async () => {
    const seen: unknown[] = [];
    const out = await runInternalJobs(ds, jobs, async (tx) => void seen.push(tx), retryAt);
    expect(out.map((o) => o.result)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(1);
    expect(await states()).toEqual(Array.from({ length: 5 }, () => ({ status: 'delivered', attempts: 1 })));
    // a job run again (a duplicate) finds its row done and does nothing
    expect((await runInternalJobs(ds, jobs.slice(0, 2), async () => undefined, retryAt)).map((o) => o.result)).toEqual(['skipped', 'skipped']);
  });

  it('one failing ticket: the batch rolls back, each job runs alone, only that one is retried', async () => {
    const bad = jobs[2].outboxId;
    const runs = new Map<string, number>();
    const out = await runInternalJobs(
      ds,
      jobs,
      async (_tx, row) => {
        runs.set(row.id, (runs.get(row.id) ?? 0) + 1);
        if (row.id === bad) throw new Error('cannot route this one');
        return `routed ${row.id}`;
      },
      retryAt,
    );
    expect(out.map((o) => o.result)).toEqual(['done', 'done', 'retry', 'done', 'done']);
    // what each handler returned, once, from the transaction that committed (counters count these)
    expect(out.map((o) => o.value)).toEqual(jobs.map((j) => (j.outboxId === bad ? undefined : `routed ${j.outboxId}`)));
    expect(String(out[2].error)).toMatch(/cannot route this one/);
    expect(await states()).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'delivered', attempts: 1 },
      { status: 'pending', attempts: 1 },
      { status: 'delivered', attempts: 1 },
      { status: 'delivered', attempts: 1 },
    ]);
    // the work of the rolled-back batch left nothing; each ticket was handled at most twice
    expect(Math.max(...runs.values())).toBeLessThanOrEqual(2);
  });
});
