/**
 * Outbox retention (docs/delivery.md#retention): delivered rows older than the retention go with
 * their delivery log, in bounded statements; pending (claimed or not), failed and discarded rows
 * stay whatever their age, and no ticket's next message becomes a head early.
 */
import type { DataSource } from 'typeorm';
import { claimUnclaimedFrom, createDataSource, deleteDeliveredOlderThan, deleteDeliveredWindow, queryRows } from '@hub/store';
import { insertTickets, status, write } from '../factories/outbox.factory';
import { RunningHub, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';
import { OutboxRetentionService } from '../../apps/notifier/src/relay/outbox-retention.service';

let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2, appName: 'test-outbox-retention' });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
});

/** Puts rows in a state as of `daysAgo` days (created then, and delivered then when delivered). */
async function age(ids: string[], state: 'delivered' | 'pending' | 'claimed' | 'failed' | 'discarded', daysAgo: number): Promise<void> {
  await ds.query(
    `UPDATE outbox SET created_at = now() - make_interval(days => $2::int) - interval '1 minute',
            status = CASE WHEN $3 = 'claimed' THEN 'pending' ELSE $3 END,
            delivered_at = CASE WHEN $3 = 'delivered' THEN now() - make_interval(days => $2::int) END,
            attempts = CASE WHEN $3 = 'pending' OR $3 = 'claimed' THEN attempts ELSE 1 END,
            queued_attempt = CASE WHEN $3 = 'claimed' THEN attempts END, queued_at = CASE WHEN $3 = 'claimed' THEN now() END
      WHERE id = ANY($1::bigint[])`,
    [ids, daysAgo, state],
  );
  await ds.query(
    `INSERT INTO delivery_attempts (outbox_id, attempt, outcome, status_code, duration_ms) SELECT id, 1, 'delivered', 200, 5 FROM unnest($1::bigint[]) AS u(id)`,
    [ids],
  );
}

const remaining = async (): Promise<string[]> => (await queryRows<{ id: string }>(ds, `SELECT id::text AS id FROM outbox ORDER BY outbox.id`)).map((r) => r.id);
const attemptsOfRows = async (): Promise<string[]> =>
  (await queryRows<{ id: string }>(ds, `SELECT DISTINCT outbox_id::text AS id FROM delivery_attempts ORDER BY 1`)).map((r) => r.id).sort();

describe('deleting delivered outbox rows past the retention', () => {
  beforeEach(async () => resetDatabase(ds));

  it('deletes only delivered rows older than the retention, with their attempts, a bounded window per statement', async () => {
    const tickets = await insertTickets(ds, 60);
    const ids = await write(ds, tickets.map((t) => status(t, 'accepted')));
    // interleaved by id: old delivered rows among old rows that must stay
    const doomed = ids.filter((_, i) => i % 2 === 0 && i < 50);
    const kept = {
      oldPending: ids.filter((_, i) => i % 10 === 1),
      oldClaimed: ids.filter((_, i) => i % 10 === 3),
      oldFailed: ids.filter((_, i) => i % 10 === 5),
      oldDiscarded: ids.filter((_, i) => i % 10 === 7),
      recentDelivered: ids.filter((_, i) => i % 10 === 9 || (i >= 50 && i % 2 === 0)),
    };
    await age(doomed, 'delivered', 40);
    await age(kept.oldPending, 'pending', 40);
    await age(kept.oldClaimed, 'claimed', 40);
    await age(kept.oldFailed, 'failed', 40);
    await age(kept.oldDiscarded, 'discarded', 40);
    await age(kept.recentDelivered, 'delivered', 29);

    const pass = await deleteDeliveredOlderThan(ds, 30, 8);
    expect(pass.deleted).toBe(doomed.length);
    expect(pass.attempts).toBe(doomed.length);
    expect(pass.largest).toBeLessThanOrEqual(8);
    // 60 rows, old ones up to the last, in windows of 8: eight windows and the empty one after them
    expect(pass.batches).toBe(Math.ceil(60 / 8) + 1);
    const left = Object.values(kept).flat().sort();
    expect((await remaining()).sort()).toEqual(left);
    expect(await attemptsOfRows()).toEqual(left);
    // a second pass finds nothing
    expect((await deleteDeliveredOlderThan(ds, 30, 8)).deleted).toBe(0);
  });

  it('stops at the first window with no row created before the cutoff (it does not walk the recent rows)', async () => {
    const tickets = await insertTickets(ds, 30);
    const ids = await write(ds, tickets.map((t) => status(t, 'accepted')));
    await age(ids.slice(0, 5), 'delivered', 40);
    await age(ids.slice(5), 'delivered', 1);
    const pass = await deleteDeliveredOlderThan(ds, 30, 5);
    expect(pass.deleted).toBe(5);
    expect(pass.batches).toBe(2);
    const next = await deleteDeliveredWindow(ds, { afterId: ids[4], window: 5, days: 30 });
    expect(next).toEqual({ deleted: 0, attempts: 0, last: ids[9], older: 0 });
  });

  it('keeps each ticket\'s order: the message behind a pending head stays behind it after the delivered ones before both are gone', async () => {
    const [t] = await insertTickets(ds, 1);
    const [first] = await write(ds, [status(t, 'accepted')]);
    const [head] = await write(ds, [status(t, 'dispatched')]);
    const [behind] = await write(ds, [status(t, 'contacted')]);
    await age([first], 'delivered', 40);
    await age([head], 'pending', 40);
    expect((await deleteDeliveredOlderThan(ds, 30)).deleted).toBe(1);
    const { rows: claimed } = await claimUnclaimedFrom(ds, { targets: ['hotline'], units: false, batch: 10 }, null, 1000);
    expect(claimed.map((r) => r.id)).toEqual([head]);
    expect((await remaining()).sort()).toEqual([head, behind].sort());
  });

  it('refuses a retention under one day', async () => {
    await expect(deleteDeliveredOlderThan(ds, 0)).rejects.toThrow(/at least one day/);
  });
});

describe('the notifier\'s retention pass (HUB_OUTBOX_RETENTION_DAYS)', () => {
  let hub: RunningHub;
  afterEach(async () => {
    await hub?.close();
  });

  it('deletes with the configured retention; 0 keeps everything', async () => {
    await flushRedis();
    hub = await startHub(testConfig({ HUB_OUTBOX_RETENTION_DAYS: '7' }), ['notifier'], { fresh: true });
    const tickets = await insertTickets(ds, 2);
    const [older, newer] = await write(ds, tickets.map((t) => status(t, 'accepted')));
    await age([older], 'delivered', 8);
    await age([newer], 'delivered', 6);
    const service = hub.apps.notifier!.get(OutboxRetentionService);
    expect((await service.prune())?.deleted).toBe(1);
    expect(await remaining()).toEqual([newer]);
    await hub.close();

    hub = await startHub(testConfig({ HUB_OUTBOX_RETENTION_DAYS: '0' }), ['notifier']);
    await age([newer], 'delivered', 400);
    expect(await hub.apps.notifier!.get(OutboxRetentionService).prune()).toBeUndefined();
    expect(await remaining()).toEqual([newer]);
  });
});
