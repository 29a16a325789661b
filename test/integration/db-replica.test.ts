/**
 * The PostgreSQL read replica (docs/reliability.md#postgresql-read-replica) on real servers: a
 * private primary and a hot standby streaming from it (`pg_basebackup -R`), the whole hub on the
 * primary with DATABASE_REPLICA_URL on the standby. Replay paused on the standby makes it visibly
 * stale: the office's list and the report lag behind while the actions, a work order's page and a
 * unit's list (read-your-writes, on the primary) do not; a gateway with a small lag limit reads the
 * primary instead; and with the standby stopped (or down when a gateway starts) the office's list
 * still answers.
 */
import { Client } from 'pg';
import { migrate } from '@hub/store';
import { PrivatePostgres } from '../../bench/support/chaos/cluster';
import { authHeader } from '../support/auth';
import { eventually, startHub, testConfig, type RunningHub } from '../support/harness';
import { freePort } from '../support/notifier-process';
import { HubApi, UNIT_A, intakeOrder, order, resetWorld, startLifecycleHub, waitState, type LifecycleHub } from './lifecycle-kit';

jest.setTimeout(240_000);

interface Page {
  items: Array<{ id: string; state: string }>;
  total: number;
}

interface Health {
  info?: Record<string, Record<string, unknown>>;
  details?: Record<string, Record<string, unknown>>;
}

const DB = 'hub_replica_test';
const DAY = 86_400_000;
const shanghaiDate = (t: number): string => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

describe('the read replica: stale lists and reports, fresh writes, fallback when down or behind', () => {
  let primary: PrivatePostgres | undefined;
  let replica: PrivatePostgres | undefined;
  let h: LifecycleHub | undefined;
  let strict: RunningHub | undefined;
  let late: RunningHub | undefined;
  let env: Record<string, string>;
  let supervisor: HubApi;

  const onReplica = async <T>(sql: string): Promise<T[]> => {
    const c = new Client({ connectionString: replica!.url(DB) });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const replicaStatus = async (url: string): Promise<Record<string, unknown> | undefined> => {
    const r = await fetch(`${url}/health`);
    const body = (await r.json()) as Health;
    return body.details?.['postgres-replica'];
  };
  const listed = async (api: HubApi): Promise<Page> => {
    const r = await api.get<Page>('/office/tickets?limit=50');
    expect(r.status).toBe(200);
    return r.body;
  };
  /** tickets received and supervisions by the office today, by the report */
  const report = async (): Promise<{ received: number; supervised: number }> => {
    const now = Date.now();
    const r = await supervisor.get<{ total: { received: { all: number }; supervised: number } }>(`/office/reports/summary?from=${shanghaiDate(now - DAY)}&to=${shanghaiDate(now + DAY)}`);
    expect(r.status).toBe(200);
    return { received: r.body.total.received.all, supervised: r.body.total.supervised };
  };

  beforeAll(async () => {
    primary = await PrivatePostgres.start(await freePort());
    await migrate(primary.url(DB));
    replica = await PrivatePostgres.startReplica(primary, await freePort());
    env = { DATABASE_URL: primary.url(DB), DATABASE_REPLICA_URL: replica.url(DB), DATABASE_REPLICA_CHECK_MS: '100' };
    // checked once at its start only: the stopped standby is then met by a read, not by a check
    h = await startLifecycleHub(['gateway', 'router', 'notifier'], { env: { ...env, DATABASE_REPLICA_MAX_LAG_MS: '600000', DATABASE_REPLICA_CHECK_MS: '60000' } });
    await resetWorld(h);
    // a second gateway on the same servers that accepts no more than 300 ms of lag
    strict = await startHub(testConfig({ ...env, DATABASE_REPLICA_MAX_LAG_MS: '300' }), ['gateway']);
    supervisor = new HubApi(h.hub.url, await authHeader(h.hub, { role: 'supervisor', id: 'sup-1', name: '李督办' }));
  });

  afterAll(async () => {
    // each step on its own: a failed start still leaves nothing running
    await h?.close().catch(() => undefined);
    await strict?.close().catch(() => undefined);
    await late?.close().catch(() => undefined);
    for (const pg of [replica, primary]) {
      try {
        pg?.stop();
      } catch {
        // already stopped
      }
    }
  });

  it('serves the office list and the report from the replica (stale while replay is paused), writes and read-your-writes from the primary', async () => {
    const hub = h!;
    await eventually(async () => (await replicaStatus(hub.hub.url))?.serving === 'replica', 30_000);
    const first = (await intakeOrder(hub, order({ receivedAt: new Date().toISOString() }))).ticketId;
    await eventually(async () => (await listed(hub.office)).items.some((i) => i.id === first && i.state === 'dispatched'), 30_000);
    // the list's own connections are on the standby, under the replica's application name
    const apps = await onReplica<{ application_name: string }>(`SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = '${DB}'`);
    expect(apps.map((a) => a.application_name)).toContain('hub-gateway-replica');

    await onReplica(`SELECT pg_wal_replay_pause()`);
    await eventually(async () => (await onReplica<{ paused: boolean }>(`SELECT pg_is_wal_replay_paused() AS paused`))[0]?.paused, 10_000);
    // writes: a new order taken in and dispatched, the office's supervision of the first (a write on the standby would be refused)
    const second = (await intakeOrder(hub, order({ receivedAt: new Date().toISOString() }))).ticketId;
    expect((await hub.office.post(`/office/tickets/${first}/supervise`, { reason: '请尽快处理' })).status).toBe(200);
    // read-your-writes on the primary: the work order's page and the unit's own list
    const page = await hub.office.get<{ history: Array<{ type: string }> }>(`/office/tickets/${first}`);
    expect(page.body.history.map((e) => e.type)).toContain('supervised');
    expect((await (await hub.unit(UNIT_A)).get<Page>('/work-orders')).body.total).toBe(2);
    // the office's list and the report, on the standby, do not see them yet
    const stale = await listed(hub.office);
    expect(stale.items.map((i) => i.id)).toEqual([first]);
    expect(await report()).toEqual({ received: 1, supervised: 0 });
    expect(await replicaStatus(hub.hub.url)).toMatchObject({ serving: 'replica', maxLagMs: 600000 });

    // (d) the strict gateway finds the standby behind by more than 300 ms and reads the primary
    await eventually(async () => (await replicaStatus(strict!.url))?.reason === 'lagging', 30_000);
    const strictOffice = new HubApi(strict!.url, await authHeader(strict!, { role: 'operator', id: 'op-2', name: '王接线' }));
    expect((await listed(strictOffice)).items.map((i) => i.id).sort()).toEqual([first, second].sort());
    // (both gateways share this process's metrics registry; only the strict one falls back for lag)
    const metrics = await (await fetch(`${strict!.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_db_replica_fallbacks_total\{reason="lagging"[^}]*\} [1-9]/);

    // replay resumed: the standby catches up, and the list and the report with it
    await onReplica(`SELECT pg_wal_replay_resume()`);
    await eventually(async () => (await listed(hub.office)).total === 2, 30_000);
    await eventually(async () => (await report()).supervised === 1, 30_000);
    expect(await report()).toEqual({ received: 2, supervised: 1 });
    await eventually(async () => (await replicaStatus(strict!.url))?.serving === 'replica', 30_000);
  });

  it('with the replica stopped the office list and the report still answer, from the primary, and /health stays up', async () => {
    const hub = h!;
    const third = (await intakeOrder(hub, order({ receivedAt: new Date().toISOString() }))).ticketId;
    await eventually(async () => (await listed(hub.office)).total === 3, 30_000);
    replica!.halt();
    // the first read meets the dead standby and is retried on the primary at once
    expect((await listed(hub.office)).total).toBe(3);
    expect(await (await fetch(`${hub.hub.url}/metrics`)).text()).toMatch(/hub_db_replica_fallbacks_total\{reason="failed"[^}]*\} 1\b/);
    expect((await report()).received).toBe(3);
    await waitState(hub, third, 'dispatched');
    const health = await fetch(`${hub.hub.url}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as Health).details?.['postgres-replica']).toMatchObject({ serving: 'primary', reason: 'down' });
    const metrics = await (await fetch(`${hub.hub.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_db_replica_lag_seconds\{[^}]*\} -1/);
  });

  it('a gateway whose replica is down at its start starts, and reads the primary', async () => {
    late = await startHub(testConfig(env), ['gateway']);
    const office = new HubApi(late.url, await authHeader(late, { role: 'operator', id: 'op-3', name: '王接线' }));
    expect((await listed(office)).total).toBe(3);
    await eventually(async () => (await replicaStatus(late!.url))?.reason === 'down', 30_000);
  });
});
