/**
 * What the benches of the hotline path from intake to `dispatched` share (dispatch-e2e, catch-up):
 * a bench database dropped and migrated afresh with the Shanghai directory, the three built apps
 * wired to a fake hotline, and a client that posts signed hotline orders to the gateway.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseKeyRing, signRequest } from '@hub/connectors/signing';
import { importDirectory, migrate } from '@hub/store';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { hotlineOrder, validIdCard } from '../../test/factories/tickets.factory';
import { startApp } from './processes';

const KEYS = 'bk1:bench-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const SERVER = 'postgres://postgres@127.0.0.1:5432';

/** Drops the database `name` (whoever is connected to it). */
export async function dropBenchDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

/** The database `name` dropped and migrated afresh; returns its URL. */
export async function freshBenchDatabase(name: string): Promise<string> {
  const url = `${SERVER}/${name}`;
  await dropBenchDatabase(name);
  await migrate(url);
  return url;
}

/** data/shanghai-directory.json, imported and active. */
export async function importShanghaiDirectory(ds: DataSource): Promise<void> {
  const doc = JSON.parse(readFileSync('data/shanghai-directory.json', 'utf8')) as unknown;
  if (!(await importDirectory(ds, doc, 'bench', true)).ok) throw new Error('directory import failed');
}

/** The apps' environment: gateway on `port`, router on port + 1, notifier on port + 2; no poller, no rate limits. */
export function hotlineHubEnv(o: { db: string; redisUrl: string; queuePrefix: string; port: number; hotlineUrl: string }): Record<string, string> {
  return {
    DATABASE_URL: o.db,
    REDIS_URL: o.redisUrl,
    HUB_QUEUE_PREFIX: o.queuePrefix,
    LOG_LEVEL: 'warn',
    HUB_HOTLINE_KEYS: KEYS,
    HUB_HOTLINE_URL: o.hotlineUrl,
    HUB_DISABLE_POLLER: 'true',
    HUB_RATE_LIMIT_ENABLED: 'false',
    PORT: String(o.port),
    ROUTER_PORT: String(o.port + 1),
    NOTIFIER_PORT: String(o.port + 2),
  };
}

/** Gateway, router and notifier of ../dist started with `env` (from hotlineHubEnv), each healthy. */
export async function startHotlineHub(env: Record<string, string>, port: number): Promise<{ gateway: ChildProcess; router: ChildProcess; notifier: ChildProcess }> {
  const gateway = await startApp('gateway', env, port);
  const router = await startApp('router', env, port + 1);
  const notifier = await startApp('notifier', env, port + 2);
  return { gateway, router, notifier };
}

/** Posts a hotline order, signed as the hotline signs it, to the gateway on `port`; resolves with the HTTP status. */
export function hotlinePoster(port: number, agent: http.Agent): (order: Record<string, unknown>) => Promise<number> {
  const key = parseKeyRing('HUB_HOTLINE_KEYS', KEYS).signingKey!;
  return (order) =>
    new Promise((resolve, reject) => {
      const raw = Buffer.from(JSON.stringify(order));
      const headers = { ...signRequest(key, 'POST', '/connectors/hotline/orders', raw, new Date()), 'content-type': 'application/json', 'content-length': String(raw.length) };
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/connectors/hotline/orders', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(raw);
    });
}

/**
 * The i-th bench order: its own citizen (ID number and phone), so that the merge rule, which rightly
 * folds one citizen's repeated complaint into the first, leaves every order its own ticket. Birth
 * days go round 1950–1999 (a day per thousand orders): unique up to 18 M orders, never in the future.
 */
export function benchOrder(i: number): Record<string, unknown> {
  const birth = new Date(Date.UTC(1950, 0, 1) + (Math.floor(i / 1000) % 18_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const citizen = { name: '张三', phone: `139${String(i % 100_000_000).padStart(8, '0')}`, idType: 'id_card', idNumber: validIdCard(birth, String(i % 1000).padStart(3, '0')), anonymous: false, confidential: false };
  return hotlineOrder({ citizen, categoryCode: i % 3 === 0 ? '0201' : '0101', location: { regionCode: ['310104', '310115', '310101'][i % 3] } });
}
