import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../libs/store/src/data-source';

/**
 * A fresh database for this run (its own name, so two runs on one machine do not drop each
 * other's), migrated exactly as the run command migrates production. Workers inherit the URL.
 */
export default async function globalSetup(): Promise<void> {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  const name = `hub_test_${process.pid}`;
  url.pathname = `/${name}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  // Databases left by runs that were killed.
  const stale = (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'hub_test_%'`)).rows as Array<{ datname: string }>;
  for (const { datname } of stale) {
    const pid = Number(datname.slice('hub_test_'.length));
    if (pid && !isAlive(pid)) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  await migrate(url.toString());
  process.env.TEST_DATABASE_URL = url.toString();
  // Its own Redis logical database too (1–15), so that a test wiping Redis wipes only this run's.
  // This run's secrets, random (no secret of the hub is written in the repository): workers and
  // the apps they spawn inherit them, so every file of the run reads what the others wrote.
  process.env.HUB_JWT_SECRET ??= randomBytes(48).toString('base64url');
  process.env.HUB_DATA_KEYS ??= `test:${randomBytes(32).toString('base64')}`;
  process.env.HUB_SEARCH_KEY ??= randomBytes(32).toString('base64');
  process.env.TEST_REDIS_URL ??= `redis://127.0.0.1:6379/${1 + (process.pid % 15)}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
