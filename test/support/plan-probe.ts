/**
 * How many outbox rows a store statement reads, with the plan PostgreSQL would cache for it: the
 * statement is captured from the store function, prepared with a generic plan and run under
 * EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back.
 */
import type { DataSource } from 'typeorm';
import type { Queryable } from '@hub/store';

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
export async function statementOf(run: (db: Queryable) => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
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
export async function outboxRowsReadBy(ds: DataSource, stmt: { sql: string; params: unknown[] }): Promise<number> {
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

