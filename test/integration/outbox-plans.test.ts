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
 * read are counted. (The relay's claimReady is not held to this: its pass is meant to read the pending
 * rows, see its comment.)
 */
import type { DataSource } from 'typeorm';
import { createDataSource, createGenericPlanPool, queryRows, recordSteps, type Queryable } from '@hub/store';
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

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows the statement's scans of `outbox` produced or threw away, over all their loops. */
function outboxRowsRead(node: PlanNode): number {
  const loops = node['Actual Loops'] ?? 1;
  const own =
    node['Relation Name'] === 'outbox'
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops
      : 0;
  return own + (node.Plans ?? []).reduce((n, p) => n + outboxRowsRead(p), 0);
}

/** Captures the statement a store function sends (and answers it with no rows). */
async function statementOf(run: (db: Queryable) => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | undefined;
  await run({ query: async (sql: string, params?: unknown[]) => ((captured = { sql, params: params ?? [] }), []) }).catch(() => undefined);
  if (!captured) throw new Error('no statement captured');
  return captured;
}

/** A parameter as an SQL literal of unknown type (arrays in PostgreSQL's array text format). */
function literal(v: unknown): string {
  const text = (x: unknown): string => (x instanceof Date ? x.toISOString() : String(x));
  if (v === null || v === undefined) return 'NULL';
  const raw = Array.isArray(v) ? `{${v.map((e) => (e === null || e === undefined ? 'NULL' : `"${text(e).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}` : text(v);
  return `'${raw.replace(/'/g, "''")}'`;
}

/** Runs the statement as a prepared statement with a generic plan, under EXPLAIN ANALYZE, rolled back. */
async function rowsRead(stmt: { sql: string; params: unknown[] }): Promise<number> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await runner.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await runner.query(`PREPARE plan_probe AS ${stmt.sql}`);
    // EXPLAIN takes no bind parameters: the arguments go in as literals (typed by the statement's casts)
    const args = stmt.params.map(literal).join(', ');
    const [row] = (await runner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE plan_probe(${args})`)) as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>;
    return outboxRowsRead(row['QUERY PLAN'][0].Plan);
  } finally {
    await runner.rollbackTransaction().catch(() => undefined);
    await runner.query('DEALLOCATE plan_probe').catch(() => undefined);
    await runner.release();
  }
}

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
    expect(await rowsRead(stmt)).toBeLessThan(20);
  });

  it('recording a message while holding the next reads a few rows', async () => {
    const stmt = await statementOf((db) =>
      recordSteps(db, [{ records: [{ id: subject[0], attempt: 0, outcome: delivered }], unsent: [{ id: subject[1], attempt: 0 }], claim: 0 }], {
        asyncCommit: true,
        requeueAfterMs: 60_000,
      }),
    );
    expect(await rowsRead(stmt)).toBeLessThan(20);
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
