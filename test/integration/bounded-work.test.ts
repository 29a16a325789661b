/**
 * Bounded work (docs/performance.md#bounded-work): the apps' sessions carry statement and
 * idle-in-transaction timeouts; the routing replay refuses limits over its documented maximum.
 */
import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { GENERIC_PLAN_POOL } from '@hub/common';
import { RunningHub, startHub, testConfig } from '../support/harness';
import { authHeader } from '../support/auth';
import { request } from '../fuzz/security-kit';

jest.setTimeout(120_000);

describe('bounded work', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(testConfig({ HUB_DB_STATEMENT_TIMEOUT_MS: '300', HUB_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '400' }), ['gateway']);
  });
  afterAll(() => hub.close());

  it('a statement of the app runs at most HUB_DB_STATEMENT_TIMEOUT_MS, in both pools', async () => {
    const ds = hub.apps.gateway!.get(DataSource);
    const pool = hub.apps.gateway!.get<Pool>(GENERIC_PLAN_POOL);
    for (const run of [(q: string) => ds.query(q), (q: string) => pool.query(q)]) {
      const e = (await run('SELECT pg_sleep(5)').catch((err: unknown) => err)) as { code?: string; driverError?: { code?: string } };
      expect(e.driverError?.code ?? e.code).toBe('57014'); // query_canceled
    }
  });

  it('a session idle inside a transaction is ended after HUB_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', async () => {
    const runner = hub.apps.gateway!.get(DataSource).createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 1_500));
      await expect(runner.query('SELECT 1')).rejects.toThrow();
    } finally {
      await runner.release().catch(() => undefined);
    }
  });

  it('routing replay: a limit over 1000 answers 400 before anything is read', async () => {
    const headers = await authHeader(hub, { role: 'operator' });
    const over = await request<{ error: string; fields: Array<{ path: string }> }>(hub.url, { method: 'POST', path: '/office/routing/replay?version=1&limit=10000', headers });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ error: 'validation_failed', fields: [{ path: 'limit' }] });
    const max = await request(hub.url, { method: 'POST', path: '/office/routing/replay?version=999999&limit=1000', headers });
    expect(max.status).not.toBe(400);
  });
});
