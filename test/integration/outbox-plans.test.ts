/**
 * The delivery statements stay proportional to what they touch, not to the backlog: with thousands
 * of messages pending on another ticket and statistics that say "nothing pending" (the usual state:
 * messages leave within milliseconds, so ANALYZE finds none), recording a message, claiming a
 * ticket's next ones must each read a handful of outbox rows. Before
 * `pendingById`, the planner read the partial pending index end to end for them (one entry per
 * pending message, every statement): this test read ~2,000 rows per statement then.
 *
 * Each statement runs under EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) in a transaction that is rolled
 * back, with the plan PostgreSQL would cache for it (a generic plan), and the rows its outbox nodes
 * read are counted. (The relay's reclaimStale is not held to this: it reads the due pending rows,
 * see its comment.)
 */
import type { DataSource } from 'typeorm';
import { createDataSource, createGenericPlanPool, queryRows, recordSteps } from '@hub/store';
import { outboxRowsReadBy, statementOf } from '../support/plan-probe';
import { insertTicket, status, write } from '../factories/outbox.factory';
import { resetDatabase } from '../support/harness';

const BACKLOG = 2000;
const HISTORY = 50_000;
let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2, appName: 'test-outbox-plans' });
  await ds.initialize();
});

afterAll(async () => {
  await ds.destroy();
});

describe('delivery statements under a backlog the statistics do not know of', () => {
  let subject: string[];

  beforeAll(async () => {
    await resetDatabase(ds);
    const busy = await insertTicket(ds);
    const backlog = await write(ds, Array.from({ length: BACKLOG }, () => status(busy)));
    const quiet = await insertTicket(ds);
    subject = await write(ds, [status(quiet, 'accepted'), status(quiet, 'dispatched')]);
    // a hub that has run for a while: its delivered history (a table this small would rightly be read whole)
    await ds.query(
      `INSERT INTO outbox (event_id, ticket_id, target, type, order_key, payload, status, attempts, delivered_at)
       SELECT gen_random_uuid(), $1, 'hotline', 'dispatched', 'history', '{}'::jsonb, 'delivered', 1, now() FROM generate_series(1, $2::int)`,
      [busy.id, HISTORY],
    );
    // "nothing pending" in the statistics, as after any quiet moment
    await ds.query(`UPDATE outbox SET status = 'delivered', delivered_at = now() WHERE status = 'pending'`);
    await ds.query(`VACUUM ANALYZE outbox`);
    // then the backlog: one ticket's messages, all already queued (claimed, fresh), and the quiet
    // ticket's two messages, the first of them claimed by a worker
    await ds.query(`UPDATE outbox SET status = 'pending', delivered_at = NULL, queued_attempt = 0, queued_at = now() WHERE id = ANY($1::bigint[])`, [backlog]);
    await ds.query(`UPDATE outbox SET status = 'pending', delivered_at = NULL, queued_attempt = CASE WHEN id = $1 THEN 0 END, queued_at = CASE WHEN id = $1 THEN now() END WHERE id = ANY($2::bigint[])`, [
      subject[0],
      subject,
    ]);
    const [{ n }] = await queryRows<{ n: number }>(ds, `SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
    expect(n).toBe(BACKLOG + 2);
    const [{ reltuples }] = await queryRows<{ reltuples: number }>(ds, `SELECT reltuples FROM pg_class WHERE relname = 'ix_outbox_pending_key'`);
    expect(Number(reltuples)).toBeLessThanOrEqual(0);
  });

  const delivered = { outcome: 'delivered' as const, status: 200, durationMs: 3 };

  it('recording a message and claiming its ticket next one reads a few rows, not the backlog', async () => {
    const stmt = await statementOf((db) =>
      recordSteps(db, [{ records: [{ id: subject[0], attempt: 0, outcome: delivered }], unsent: [], claim: 128 }], { asyncCommit: true, requeueAfterMs: 60_000 }),
    );
    expect(await outboxRowsReadBy(ds, stmt)).toBeLessThan(20);
  });

  it('recording a message while holding the next reads a few rows', async () => {
    const stmt = await statementOf((db) =>
      recordSteps(db, [{ records: [{ id: subject[0], attempt: 0, outcome: delivered }], unsent: [{ id: subject[1], attempt: 0 }], claim: 0 }], {
        asyncCommit: true,
        requeueAfterMs: 60_000,
      }),
    );
    expect(await outboxRowsReadBy(ds, stmt)).toBeLessThan(20);
  });
});

describe('the generic-plan pool (the notifier records through it)', () => {
  it('runs its sessions with plan_cache_mode force_generic_plan, and recordSteps records through it', async () => {
    const pool = createGenericPlanPool({ url: process.env.DATABASE_URL!, size: 1, appName: 'test-generic-pool' });
    try {
      const { rows } = await pool.query(`SELECT current_setting('plan_cache_mode') AS mode`);
      expect(rows[0].mode).toBe('force_generic_plan');
      await resetDatabase(ds);
      const t = await insertTicket(ds);
      const [id] = await write(ds, [status(t)]);
      const [result] = await recordSteps(pool, [{ records: [{ id, attempt: 0, outcome: { outcome: 'delivered', status: 200, durationMs: 1 } }], unsent: [], claim: 1 }]);
      expect(result.recorded).toEqual([true]);
      const [row] = await queryRows<{ status: string; attempts: number }>(ds, `SELECT status, attempts FROM outbox WHERE id = $1`, [id]);
      expect(row).toEqual({ status: 'delivered', attempts: 1 });
    } finally {
      await pool.end();
    }
  });
});
