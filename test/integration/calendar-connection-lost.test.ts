/**
 * The calendar loader when PostgreSQL terminates a connection (the chaos bench's
 * pg_terminate_backend): the transaction that held it fails with ConnectionLostError (TypeORM's
 * runner released itself when the client reported the error, and said only "already released"),
 * and the loader serves the next transactions, a calendar change included. Only this file's own
 * connections to the run's own test database are terminated (by application name).
 */
import type { DataSource, EntityManager } from 'typeorm';
import { Client } from 'pg';
import { CALENDAR_LOCK, CalendarLoader, ConnectionLostError, createDataSource, upsertCalendarYear } from '@hub/store';
import { resetDatabase } from '../support/harness';

const APP = 'test-calendar-connection-lost';
let ds: DataSource;
let admin: Client;

beforeAll(async () => {
  ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 3, appName: APP });
  await ds.initialize();
  await resetDatabase(ds);
  admin = new Client({ connectionString: process.env.DATABASE_URL, application_name: `${APP}-admin` });
  await admin.connect();
});
afterAll(async () => {
  await ds.destroy();
  await admin.end();
});

/** pg_terminate_backend of this file's pool connections to this database; how many. */
async function terminate(): Promise<number> {
  const r = await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [APP]);
  return (r.rows[0] as { n: number }).n;
}

/** Until the transaction's runner has heard of its connection's end (at most 500 turns of 10 ms). */
async function released(tx: EntityManager): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (tx.queryRunner?.isReleased) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

const holidays = async (loader: CalendarLoader, year: number): Promise<string[]> =>
  ds.transaction(async (tx) => {
    await loader.loadForWrite(tx);
    return (await loader.effective(tx)).years.find((y) => y.year === year)?.holidays ?? [];
  });

describe('CalendarLoader after pg_terminate_backend', () => {
  it('a transaction whose connection was terminated between statements fails with ConnectionLostError; the next ones read the calendar, a change included', async () => {
    const loader = new CalendarLoader();
    await upsertCalendarYear(ds, { year: 2031, holidays: ['2031-01-01'], workdays: [], published: true }, 'test', new Date());
    expect(await holidays(loader, 2031)).toEqual(['2031-01-01']);

    let failure: unknown;
    await ds
      .transaction(async (tx) => {
        await tx.query('SELECT 1');
        expect(await terminate()).toBeGreaterThanOrEqual(1);
        expect(await released(tx)).toBe(true);
        await loader.loadForWrite(tx);
      })
      .catch((e: unknown) => (failure = e));
    expect(failure).toBeInstanceOf(ConnectionLostError);
    expect((failure as Error).message).toMatch(/connection lost/);
    // any statement of such a transaction, not only those of the store's queryRows
    failure = undefined;
    await ds
      .transaction(async (tx) => {
        await tx.query('SELECT 1');
        await terminate();
        expect(await released(tx)).toBe(true);
        await tx.query('SELECT 2');
      })
      .catch((e: unknown) => (failure = e));
    expect(failure).toBeInstanceOf(ConnectionLostError);

    // the loader holds nothing of the dead transaction: the next ones read, and see a change
    for (let i = 0; i < 3; i++) expect(await holidays(loader, 2031)).toEqual(['2031-01-01']);
    await upsertCalendarYear(ds, { year: 2031, holidays: ['2031-01-01', '2031-01-02'], workdays: [], published: true }, 'test', new Date());
    expect(await holidays(loader, 2031)).toEqual(['2031-01-01', '2031-01-02']);
    expect((await loader.effective(ds)).years.find((y) => y.year === 2031)?.holidays).toEqual(['2031-01-01', '2031-01-02']);
  });

  it('terminated while the loader waits for CALENDAR_LOCK (a year being replaced): that transaction fails, the next ones read', async () => {
    const loader = new CalendarLoader();
    await admin.query('BEGIN');
    await admin.query('SELECT pg_advisory_xact_lock($1)', [CALENDAR_LOCK]);
    const waiting = ds.transaction((tx) => loader.loadForWrite(tx)).then(
      () => 'read',
      (e: unknown) => e,
    );
    // the loader's statement waits for the lock held exclusive (bounded: 500 looks)
    let n = 0;
    for (let i = 0; i < 500 && n === 0; i++) {
      n = Number((await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`, [APP])).rows[0].n);
      if (n === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(n).toBe(1);
    expect(await terminate()).toBeGreaterThanOrEqual(1);
    const outcome = await waiting;
    await admin.query('COMMIT');
    expect(outcome).toBeInstanceOf(Error);
    expect(String((outcome as Error).message)).toMatch(/terminat|connection lost/i);
    for (let i = 0; i < 3; i++) expect(await holidays(loader, 2031)).toEqual(['2031-01-01', '2031-01-02']);
  });
});
