import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { HubConfig, INSTALLATION_ID, configureDataProtection, createApp, loadConfig, mountDocs } from '@hub/common';
import { installationPrefix } from '@hub/queues';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { mountConsole } from '../../apps/gateway/src/console/console-static';
import { RouterModule } from '../../apps/router/src/router.module';
import { NotifierModule } from '../../apps/notifier/src/notifier.module';

export type AppName = 'gateway' | 'router' | 'notifier';

/** Test configuration: the real local services, fast retries, the poller off unless asked. */
export function testConfig(env: Record<string, string | undefined> = {}): HubConfig {
  return loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    // the run's random secrets (test/global-setup.ts)
    HUB_JWT_SECRET: process.env.HUB_JWT_SECRET,
    HUB_DATA_KEYS: process.env.HUB_DATA_KEYS,
    HUB_SEARCH_KEY: process.env.HUB_SEARCH_KEY,
    HUB_QUEUE_PREFIX: `t${process.pid}`,
    HUB_DISABLE_POLLER: 'true',
    HUB_DELIVERY_BACKOFF_BASE_MS: '50',
    HUB_DELIVERY_BACKOFF_MAX_MS: '400',
    HUB_RELAY_INTERVAL_MS: '50',
    HUB_RELAY_REQUEUE_AFTER_MS: '1500',
    HUB_DELIVERY_TIMEOUT_MS: '2000',
    // the fakes of units' systems listen on plain http on loopback (docs/security.md "Units' endpoints")
    HUB_UNIT_ENDPOINTS_ALLOW: 'http,127.0.0.1',
    PORT: '0',
    ROUTER_PORT: '0',
    NOTIFIER_PORT: '0',
    ...env,
  });
}

/** The hub's queue namespace in Redis: HUB_QUEUE_PREFIX and its installation (docs/reliability.md#job-identity). */
export function queuePrefixOf(hub: RunningHub): string {
  const app = Object.values(hub.apps).find((a) => a !== undefined)!;
  return installationPrefix(hub.config.queuePrefix, app.get<string>(INSTALLATION_ID));
}

export interface RunningHub {
  config: HubConfig;
  apps: Partial<Record<AppName, NestFastifyApplication>>;
  /** base URL of the gateway, when started */
  url: string;
  ds: DataSource;
  close(): Promise<void>;
}

/**
 * Starts the chosen apps in this process, each a real Nest app on a loopback port. `fresh`: empty
 * the database first. The test files of a run share one database, and a notifier started on what
 * the previous file left (messages it could not send, having no URL for their system) sends them
 * at once to this file's fakes, where they can land after the first test reset its fakes.
 */
export async function startHub(config: HubConfig, which: AppName[] = ['gateway', 'router', 'notifier'], opts: { fresh?: boolean; console?: boolean } = {}): Promise<RunningHub> {
  if (opts.fresh) {
    const ds = new DataSource({ type: 'postgres', url: config.databaseUrl, extra: { max: 1 } });
    await ds.initialize();
    try {
      await resetDatabase(ds);
    } finally {
      await ds.destroy();
    }
  }
  // Tests read and write through the store on their own DataSource (`ds` below), which StoreModule
  // did not build: it uses the default DataProtection, set to the apps' keys here.
  configureDataProtection(config.security);
  const apps: Partial<Record<AppName, NestFastifyApplication>> = {};
  for (const name of which) {
    const mod = name === 'gateway' ? GatewayModule.forRoot(config) : name === 'router' ? RouterModule.forRoot(config) : NotifierModule.forRoot(config);
    const app = await createApp(mod as never, { trustProxy: config.trustProxy, requestTimeoutMs: config.requestTimeoutMs });
    if (name === 'gateway') mountDocs(app, { title: 'hub (test)', description: 'test' }, false);
    // the browser tests (test/e2e) want the web console served at `/` as `npm start` does
    if (name === 'gateway' && opts.console && !(await mountConsole(app))) throw new Error('console not built: npm run build:console');
    await app.listen(0, '127.0.0.1');
    apps[name] = app;
  }
  const ds = new DataSource({ type: 'postgres', url: config.databaseUrl, extra: { max: 4 } });
  await ds.initialize();
  const gw = apps.gateway;
  const url = gw ? await gw.getUrl() : '';
  return {
    config,
    apps,
    url: url.replace('[::1]', '127.0.0.1'),
    ds,
    async close() {
      for (const name of ['gateway', 'router', 'notifier'] as AppName[]) await apps[name]?.close();
      await ds.destroy();
    },
  };
}

/**
 * Empties every table (the event log refuses DELETE, so TRUNCATE … with its trigger disabled).
 * Apps may still be running (the relay polls), and TRUNCATE takes its locks table by table, so
 * it can meet a running statement in a deadlock; the whole reset is one transaction, retried.
 */
export async function resetDatabase(ds: DataSource): Promise<void> {
  const tables = (await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'installation')`)) as Array<{ tablename: string }>;
  for (let attempt = 1; ; attempt++) {
    try {
      await ds.transaction(async (m) => {
        await m.query(`SET LOCAL lock_timeout = '5s'`);
        await m.query(`ALTER TABLE ticket_events DISABLE TRIGGER trg_ticket_events_no_truncate`);
        await m.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
        await m.query(`ALTER TABLE ticket_events ENABLE TRIGGER trg_ticket_events_no_truncate`);
      });
      return;
    } catch (e) {
      const code = (e as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (e as { code?: string }).code;
      // 40P01 deadlock_detected, 55P03 lock_not_available: someone else held a table; try again
      if (attempt >= 10 || (code !== '40P01' && code !== '55P03')) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

export async function flushRedis(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13'): Promise<void> {
  const r = new Redis(url);
  await r.flushdb();
  await r.quit();
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const SHANGHAI_DIRECTORY = require.resolve('../../data/shanghai-directory.json');
