/**
 * The store's round-trip savers against the real PostgreSQL: prepared statements (PreparingClient),
 * per-transaction memos (txMemo: office settings, the calendar, merged tickets) and the executor's
 * write buffer (appendEvent + writeOutbox in one statement). Each is checked for what it must not
 * change: the answers, the order of rows, and what a rolled-back or failed transaction leaves.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  CalendarLoader,
  MAX_NAMED_STATEMENTS,
  appendEvent,
  createDataSource,
  flushWrites,
  officeSetting,
  openWrites,
  closeWrites,
  queryRows,
  statementName,
  txMemo,
  writeOutbox,
} from '@hub/store';
import { statusMessage } from '@hub/connectors';
import { resetDatabase } from '../support/harness';

let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2, appName: 'test-round-trips' });
  await ds.initialize();
});

afterAll(async () => {
  await ds.destroy();
});

beforeEach(async () => {
  await resetDatabase(ds);
});

async function insertTicket(id = randomUUID()): Promise<string> {
  await ds.query(
    `INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, title, content, citizen, received_at, raw_payload)
     VALUES ($1, 'hotline', 'order', $2, $3, 'complaint', 'phone', 't', 'c', '{}'::jsonb, now(), '{}'::jsonb)`,
    [id, `HL-${id}`, id],
  );
  return id;
}

describe('PreparingClient', () => {
  it('prepares a parameterised statement once per connection and answers like an unnamed one', async () => {
    const text = `SELECT $1::int + 1 AS n, ${Date.now()} AS marker`;
    const seen = await ds.transaction(async (tx) => {
      const a = await queryRows<{ n: number }>(tx, text, [1]);
      const b = await queryRows<{ n: number }>(tx, text, [41]);
      const prepared = await queryRows<{ name: string; statement: string }>(tx, `SELECT name, statement FROM pg_prepared_statements WHERE statement = $1`, [text]);
      return { a: a[0].n, b: b[0].n, prepared };
    });
    expect(seen.a).toBe(2);
    expect(seen.b).toBe(42);
    expect(seen.prepared).toEqual([{ name: statementName(text), statement: text }]);
  });

  it('runs statements without parameters unnamed (BEGIN, DDL) and gives one text one name', async () => {
    const text = `SELECT 7 AS seven_${Date.now()}`;
    const rows = await ds.transaction(async (tx) => {
      await tx.query(text);
      return queryRows<{ n: number }>(tx, `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [text]);
    });
    expect(rows[0].n).toBe(0);
    expect(statementName('SELECT $1')).toBe(statementName('SELECT $1'));
    expect(statementName('SELECT $1')).not.toBe(statementName('SELECT $1 '));
    expect(MAX_NAMED_STATEMENTS).toBeGreaterThan(100);
  });

  it('reports a failing prepared statement as the same database error, and the connection stays usable', async () => {
    const text = 'SELECT 1 / $1::int AS q';
    await expect(ds.query(text, [0])).rejects.toThrow(/division by zero/);
    await expect(ds.query(text, [0])).rejects.toThrow(/division by zero/);
    expect(await queryRows<{ q: number }>(ds, text, [1])).toEqual([{ q: 1 }]);
  });
});

describe('txMemo', () => {
  it('loads once per transaction, and on every call outside one', async () => {
    let loads = 0;
    const load = async (): Promise<number> => ++loads;
    await ds.transaction(async (tx) => {
      expect(await txMemo(tx, 'k', load)).toBe(1);
      expect(await txMemo(tx, 'k', load)).toBe(1);
    });
    await ds.transaction(async (tx) => {
      expect(await txMemo(tx, 'k', load)).toBe(2);
    });
    expect(await txMemo(ds, 'k', load)).toBe(3);
    expect(await txMemo(ds, 'k', load)).toBe(4);
  });

  it('does not remember a failed load', async () => {
    let calls = 0;
    await ds.transaction(async (tx) => {
      await expect(txMemo(tx, 'f', async () => (++calls === 1 ? Promise.reject(new Error('boom')) : calls))).rejects.toThrow('boom');
      expect(await txMemo(tx, 'f', async () => ++calls)).toBe(2);
    });
  });

  it('office settings: one read per transaction; a setting changed by another transaction shows in the next one', async () => {
    await ds.query(`INSERT INTO office_settings (name, value, updated_by) VALUES ('merge', '{"windowHours": 12}'::jsonb, 'test')`);
    const other = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 1, appName: 'test-round-trips-2' });
    await other.initialize();
    try {
      await ds.transaction(async (tx) => {
        expect(await officeSetting(tx, 'merge', { windowHours: 72, enabled: true })).toEqual({ windowHours: 12, enabled: true });
        await other.query(`UPDATE office_settings SET value = '{"windowHours": 6}'::jsonb WHERE name = 'merge'`);
        // the transaction keeps what it read
        expect(await officeSetting(tx, 'merge', { windowHours: 72, enabled: true })).toEqual({ windowHours: 12, enabled: true });
        expect(await officeSetting(tx, 'intake', { x: 1 })).toEqual({ x: 1 });
      });
      await ds.transaction(async (tx) => {
        expect(await officeSetting(tx, 'merge', { windowHours: 72, enabled: true })).toEqual({ windowHours: 6, enabled: true });
      });
    } finally {
      await other.destroy();
    }
  });

  it('the calendar for writing is read under CALENDAR_LOCK shared, once, and later plain reads in the transaction get that one', async () => {
    const loader = new CalendarLoader();
    await ds.transaction(async (tx) => {
      const forWrite = await loader.loadForWrite(tx);
      const locks = await queryRows<{ n: number }>(
        tx,
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ShareLock' AND pid = pg_backend_pid()`,
        [],
      );
      expect(locks[0].n).toBe(1);
      expect(await loader.load(tx)).toBe(forWrite);
      expect(await loader.loadForWrite(tx)).toBe(forWrite);
    });
  });
});

describe('the write buffer (openWrites / flushWrites)', () => {
  it('writes events and outbox rows in the order they were written, in one statement, only at the flush', async () => {
    const a = await insertTicket();
    const b = await insertTicket();
    const ref = (id: string) => ({ id, source: 'hotline' as const, sourceRecord: 'order' as const, externalId: `HL-${id}` });
    await ds.transaction(async (tx) => {
      expect(openWrites(tx)).toBe(true);
      expect(openWrites(tx)).toBe(false); // nested: the outer one flushes
      await appendEvent(tx, a, 'first', 'test', { n: 1 });
      await writeOutbox(tx, [statusMessage(ref(a), 'accepted', { occurredAt: '2026-11-22T10:00:00+08:00' })]);
      await appendEvent(tx, b, 'second', 'test', { n: 2 });
      await appendEvent(tx, a, 'third', 'test', { n: 3 });
      await writeOutbox(tx, [statusMessage(ref(a), 'dispatched', { occurredAt: '2026-11-22T10:00:01+08:00' }), null]);
      const before = await queryRows<{ n: number }>(tx, `SELECT (SELECT count(*) FROM ticket_events) + (SELECT count(*) FROM outbox) AS n`, []);
      expect(Number(before[0].n)).toBe(0);
      await flushWrites(tx);
    });
    const events = await queryRows<{ ticket: string; type: string; data: { n: number } }>(ds, `SELECT ticket_id::text AS ticket, type, data FROM ticket_events ORDER BY id`, []);
    expect(events).toEqual([
      { ticket: a, type: 'first', data: { n: 1 } },
      { ticket: b, type: 'second', data: { n: 2 } },
      { ticket: a, type: 'third', data: { n: 3 } },
    ]);
    const outbox = await queryRows<{ type: string }>(ds, `SELECT payload->'body'->>'type' AS type FROM outbox ORDER BY id`, []);
    expect(outbox.map((o) => o.type)).toEqual(['accepted', 'dispatched']);
  });

  it('after a flush (or outside a transaction) writes go straight in; closeWrites drops what was collected', async () => {
    const a = await insertTicket();
    await ds.transaction(async (tx) => {
      openWrites(tx);
      await appendEvent(tx, a, 'dropped', 'test', {});
      closeWrites(tx);
      await appendEvent(tx, a, 'direct', 'test', {});
      const rows = await queryRows<{ type: string }>(tx, `SELECT type FROM ticket_events`, []);
      expect(rows.map((r) => r.type)).toEqual(['direct']);
    });
    await appendEvent(ds, a, 'outside', 'test', {});
    const rows = await queryRows<{ type: string }>(ds, `SELECT type FROM ticket_events ORDER BY id`, []);
    expect(rows.map((r) => r.type)).toEqual(['direct', 'outside']);
  });
});
