import type { Queryable } from './db';

const memos = new WeakMap<object, Map<string, unknown>>();

/**
 * Whether `db` is a TypeORM EntityManager running a transaction (what `DataSource.transaction`
 * hands its callback). Only such a handle lives exactly as long as its transaction; a DataSource
 * or a pool client lives on, so nothing is remembered for it.
 */
function transactionOf(db: Queryable): object | undefined {
  const runner = (db as { queryRunner?: { isTransactionActive?: boolean } }).queryRunner;
  return runner?.isTransactionActive ? (db as object) : undefined;
}

/**
 * The value `load` gives, read once per transaction: a second call with the same key in the same
 * transaction gets the first call's answer (the same promise) without asking the database again.
 * Outside a transaction every call loads.
 *
 * For what a transaction may treat as fixed once it has read it: office settings, the calendar
 * stamp taken under CALENDAR_LOCK, the tickets merged into the one the transaction has locked. The
 * router's routing transaction asked for each of these three or four times per ticket.
 */
export function txMemo<T>(db: Queryable, key: string, load: () => Promise<T>): Promise<T> {
  const tx = transactionOf(db);
  if (!tx) return load();
  let found = memos.get(tx);
  if (!found) memos.set(tx, (found = new Map()));
  const memo = found;
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    memo.set(key, p);
    // A failed read is not remembered: the caller's transaction is failing anyway, and nothing
    // should hand its error to a later caller that might have succeeded.
    p.catch(() => memo.delete(key));
  }
  return p;
}

/** What this transaction remembers under `key`, without loading anything. */
export function txPeek<T>(db: Queryable, key: string): Promise<T> | undefined {
  const tx = transactionOf(db);
  return tx ? (memos.get(tx)?.get(key) as Promise<T> | undefined) : undefined;
}

/** Event-log rows and outbox messages an executor step has written but not yet sent (see openWrites). */
export interface WriteBuffer {
  events: Array<{ ticketId: string; type: string; actor: string; data: string }>;
  outbox: unknown[];
}

const WRITES = 'writes';

/**
 * Starts collecting this transaction's appendEvent and writeOutbox rows instead of inserting each
 * at once; flushWrites inserts them all in one statement. For a span of work that reads neither
 * table back (the executor's actions). Returns false — nothing is collected — outside a
 * transaction or when a buffer is already open (the outer span flushes).
 */
export function openWrites(db: Queryable): boolean {
  const tx = transactionOf(db);
  if (!tx) return false;
  let memo = memos.get(tx);
  if (!memo) memos.set(tx, (memo = new Map()));
  if (memo.has(WRITES)) return false;
  memo.set(WRITES, { events: [], outbox: [] } satisfies WriteBuffer);
  return true;
}

/** The open buffer of this transaction, if any. */
export function openWriteBuffer(db: Queryable): WriteBuffer | undefined {
  const tx = transactionOf(db);
  return tx ? (memos.get(tx)?.get(WRITES) as WriteBuffer | undefined) : undefined;
}

/** Closes the buffer and hands over what it holds (to be written, or dropped on failure). */
export function closeWrites(db: Queryable): WriteBuffer | undefined {
  const buf = openWriteBuffer(db);
  const tx = transactionOf(db);
  if (tx) memos.get(tx)?.delete(WRITES);
  return buf;
}
