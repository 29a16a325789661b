/**
 * The hub under test for the chaos and soak benches: its own PostgreSQL and Redis (cluster.ts), N
 * gateways, routers and notifiers as processes, and the fake upstream systems of the tests in this
 * process (hotline, 一网通办, the national platform, one units' system).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { createDataSource, importDirectory, migrate } from '@hub/store';
import type { DirectoryDocument } from '@hub/rules/directory';
import { FakeUpstream } from '../../../test/fakes/fake-upstream';
import { FakeNational } from '../../../test/fakes/fake-national';
import { unitSystemKeys } from '../../../test/fakes/unit-keys';
import { AppProcess, PrivatePostgres, PrivateRedis, buildApps, type AppName } from './cluster';

export const DB_NAME = 'hub_chaos';
/** 徐汇区市场监管局: food safety in 徐汇 goes there; its own system is the fake units server. */
export const UNIT = '310104-MARKET';

export interface ChaosHubOptions {
  pgPort: number;
  redisPort: number;
  /** first of the apps' ports (gateway 1, gateway 2, router 1 …) */
  appPortBase: number;
  replicas: Record<AppName, number>;
  logDir: string;
  /** extra variables for every app */
  env?: Record<string, string>;
  /** the fakes keep only the last N requests (a long soak); all of them unless set */
  keepRequests?: number;
}

export interface ChaosHub {
  pg: PrivatePostgres;
  redis: PrivateRedis;
  apps: AppProcess[];
  gateways: AppProcess[];
  routers: AppProcess[];
  notifiers: AppProcess[];
  ds: DataSource;
  hotline: FakeUpstream;
  ywtb: FakeUpstream;
  units: FakeUpstream;
  national: FakeNational;
  keys: { hotline: SigningKey; ywtb: SigningKey };
  jwtSecret: string;
  close(): Promise<void>;
}

export async function startChaosHub(o: ChaosHubOptions): Promise<ChaosHub> {
  const build = buildApps();
  const pg = await PrivatePostgres.start(o.pgPort);
  const redis = new PrivateRedis(o.redisPort);
  const closers: Array<() => Promise<void> | void> = [() => rmSync(build, { recursive: true, force: true }), () => pg.stop(), () => redis.kill()];
  try {
    await redis.start();
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: pg.url() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
    await admin.end();
    await migrate(pg.url(DB_NAME));

    const secret = (): string => randomBytes(24).toString('base64url');
    const keys = { hotline: `ck1:${secret()}:hmac-sha256`, ywtb: `cy1:${secret()}:hmac-sm3`, national: `cn1:${secret()}:hmac-sha256`, units: `cu1:${secret()}${secret()}:hmac-sha256` };
    const hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', keys.hotline), rejectInvalidSignatures: true, keepRequests: o.keepRequests });
    const ywtb = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_YWTB_KEYS', keys.ywtb), rejectInvalidSignatures: true, keepRequests: o.keepRequests });
    // each unit's system checks the key the hub derives for that unit (docs/security.md)
    const units = await FakeUpstream.start({ keyRing: unitSystemKeys(keys.units, [UNIT]), rejectInvalidSignatures: true, keepRequests: o.keepRequests });
    const national = await FakeNational.start({ keyRing: parseKeyRing('HUB_NATIONAL_KEYS', keys.national), conflictOnRepeatedEvent: false, keepRequests: o.keepRequests });
    closers.push(() => hotline.close(), () => ywtb.close(), () => units.close(), () => national.close());

    const ds = createDataSource({ url: pg.url(DB_NAME), poolSize: 4 });
    await ds.initialize();
    closers.push(() => ds.destroy().then(() => undefined));
    const doc = JSON.parse(readFileSync(path.resolve(__dirname, '../../../data/shanghai-directory.json'), 'utf8')) as DirectoryDocument;
    for (const u of doc.units) if (u.code === UNIT) u.endpoint = `${units.url}/${UNIT}`;
    const imported = await importDirectory(ds, doc, 'chaos', true);
    if (!imported.ok) throw new Error('directory rejected');

    const jwtSecret = randomBytes(48).toString('base64url');
    const env: Record<string, string> = {
      DATABASE_URL: pg.url(DB_NAME),
      REDIS_URL: redis.url,
      HUB_QUEUE_PREFIX: 'chaos',
      LOG_LEVEL: 'warn',
      HUB_JWT_SECRET: jwtSecret,
      HUB_DATA_KEYS: `chaos:${randomBytes(32).toString('base64')}`,
      HUB_SEARCH_KEY: randomBytes(32).toString('base64'),
      HUB_HOTLINE_URL: hotline.url,
      HUB_HOTLINE_KEYS: keys.hotline,
      HUB_YWTB_URL: ywtb.url,
      HUB_YWTB_KEYS: keys.ywtb,
      HUB_NATIONAL_URL: national.url,
      HUB_NATIONAL_KEYS: keys.national,
      HUB_NATIONAL_POLL_MS: '1000',
      HUB_UNITS_KEYS: keys.units,
      HUB_UNIT_ENDPOINTS_ALLOW: 'http,127.0.0.1',
      HUB_RATE_LIMIT_ENABLED: 'false',
      HUB_DELIVERY_TIMEOUT_MS: '2000',
      HUB_DELIVERY_BACKOFF_BASE_MS: '300',
      HUB_DELIVERY_BACKOFF_MAX_MS: '3000',
      HUB_RELAY_REQUEUE_AFTER_MS: '10000',
      HUB_CLOCK_SWEEP_MS: '2000',
      ...o.env,
    };
    let port = o.appPortBase;
    const apps: AppProcess[] = [];
    for (const app of ['gateway', 'router', 'notifier'] as AppName[]) {
      for (let i = 1; i <= o.replicas[app]; i++) apps.push(new AppProcess(`${app}-${i}`, app, port++, build, env, o.logDir));
    }
    closers.push(() => Promise.all(apps.map((a) => a.kill())).then(() => undefined));
    await Promise.all(apps.map((a) => a.start()));

    return {
      pg,
      redis,
      apps,
      gateways: apps.filter((a) => a.app === 'gateway'),
      routers: apps.filter((a) => a.app === 'router'),
      notifiers: apps.filter((a) => a.app === 'notifier'),
      ds,
      hotline,
      ywtb,
      units,
      national,
      keys: { hotline: parseKeyRing('K', keys.hotline).signingKey!, ywtb: parseKeyRing('K', keys.ywtb).signingKey! },
      jwtSecret,
      close: () => closeAll(closers),
    };
  } catch (e) {
    await closeAll(closers);
    throw e;
  }
}

async function closeAll(closers: Array<() => Promise<void> | void>): Promise<void> {
  for (const c of closers.reverse()) {
    try {
      await c();
    } catch {
      // closing what is left
    }
  }
}
