/**
 * Every migration can be undone and done again: a deploy rolled back runs the downs of what it
 * added, so each down must leave the schema the migration found. Run on a database of its own,
 * from empty to the newest migration, all the way down, then up again (extensions such as pg_trgm
 * stay: other schemas may use them).
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@hub/store';
import { MIGRATIONS } from '@hub/store/migrations';

jest.setTimeout(180_000);

const NAME = `hub_test_${process.pid}_migrations`;
const admin = (): Client => new Client({ connectionString: process.env.DATABASE_URL!.replace(/\/[^/]+$/, '/postgres') });
let ds: DataSource;

async function schema(): Promise<string[]> {
  const rows = (await ds.query(`
    SELECT 'table ' || tablename AS o FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'
    UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations'
    UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal
    ORDER BY 1`)) as Array<{ o: string }>;
  return rows.map((r) => r.o);
}

beforeAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${NAME}`);
  await c.query(`CREATE DATABASE ${NAME}`);
  await c.end();
  ds = createDataSource({ url: process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${NAME}`), poolSize: 2, appName: 'test-migrations' });
  await ds.initialize();
});

afterAll(async () => {
  await ds?.destroy();
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${NAME}`);
  await c.end();
});

it('goes down to an empty schema and up again to the same one', async () => {
  expect(await schema()).toEqual([]);
  expect(await ds.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
  const full = await schema();
  expect(full).toEqual(expect.arrayContaining(['table tickets', 'table outbox', 'function report_event_facts(text,jsonb)']));

  // down to just before ExtensionApprovedFact: the previous facts' function is back, report_event_facts gone
  const done = async (): Promise<string[]> => ((await ds.query(`SELECT name FROM migrations ORDER BY id`)) as Array<{ name: string }>).map((r) => r.name);
  while ((await done()).includes('ExtensionApprovedFact1766900000000')) await ds.undoLastMigration({ transaction: 'each' });
  const [fn] = (await ds.query(`SELECT pg_get_functiondef('report_record_fact(bigint,uuid,text,jsonb,timestamptz)'::regprocedure) AS d`)) as Array<{ d: string }>;
  expect(fn!.d).toContain(`WHEN 'extension_reviewed'`);
  expect(await schema()).not.toContain('function report_event_facts(text,jsonb)');

  while ((await done()).length > 0) await ds.undoLastMigration({ transaction: 'each' });
  expect(await schema()).toEqual([]);
  await ds.runMigrations({ transaction: 'each' });
  expect(await schema()).toEqual(full);
});
