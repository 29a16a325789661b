/**
 * Bounded work (docs/performance.md#bounded-work): the apps' sessions carry statement and
 * idle-in-transaction timeouts; the routing replay refuses limits over its documented maximum;
 * a list page counts its matches up to a cap, not all of them; the compiled directory versions
 * kept are bounded.
 */
import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { GENERIC_PLAN_POOL } from '@hub/common';
import { RunningHub, SHANGHAI_DIRECTORY, resetDatabase, startHub, testConfig } from '../support/harness';
import { readFileSync } from 'node:fs';
import { importDirectory } from '@hub/store';
import { DirectoryService } from '../../apps/gateway/src/directory/directory.service';
import { insertTickets } from '../factories/outbox.factory';
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

describe('bounded work: lists and caches', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(testConfig(), ['gateway']);
    await resetDatabase(hub.ds);
  });
  afterAll(() => hub.close());

  it('a list page counts at most 1000 matches ("more than 1000"), exactly below that', async () => {
    await insertTickets(hub.ds, 1001);
    await insertTickets(hub.ds, 3, { source: 'ywtb', sourceRecord: 'suggestion' });
    const headers = await authHeader(hub, { role: 'operator' });
    const all = await request<{ items: unknown[]; total: number; totalExact: boolean; nextCursor: string | null }>(hub.url, { method: 'GET', path: '/office/tickets?limit=1', headers });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 1000, totalExact: false });
    expect(all.body.items).toHaveLength(1);
    expect(all.body.nextCursor).not.toBeNull();
    const few = await request<{ total: number; totalExact: boolean }>(hub.url, { method: 'GET', path: '/office/tickets?source=ywtb', headers });
    expect(few.body).toMatchObject({ total: 3, totalExact: true });
    const over = await request<{ fields: Array<{ path: string }> }>(hub.url, { method: 'GET', path: '/office/tickets?limit=101', headers });
    expect(over.status).toBe(400);
    expect(over.body.fields.map((f) => f.path)).toEqual(['limit']);
  });

  it('the gateway keeps a bounded number of compiled directory versions, however many are tried', async () => {
    const headers = { ...(await authHeader(hub, { role: 'operator' })), 'content-type': 'application/json' };
    const doc = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as { version: string };
    for (let i = 0; i < 7; i++) {
      const r = await importDirectory(hub.ds, { ...doc, version: `bounded-${i}` }, 'test', false);
      if (!r.ok) throw new Error('import failed');
      const tried = await request(hub.url, { method: 'POST', path: `/office/routing/try?version=${r.info.id}`, headers, body: { source: 'hotline', title: 't', content: '食品问题', categoryCode: '0101', location: { regionCode: '310104' } } });
      expect(tried.status).toBe(200);
    }
    const cache = (hub.apps.gateway!.get(DirectoryService) as unknown as { compiled: { size: number } }).compiled;
    expect(cache.size).toBeLessThanOrEqual(4);
  });
});
