import { DataSource } from 'typeorm';
import { parseKeyRing } from '@hub/connectors/signing';
import { dataProtection, ticketPayloadContext } from '@hub/common';
import { NationalPollerService, POLL_LOCK, type PollReport } from '../../apps/gateway/src/intake/national-poller.service';
import { FakeNational, type FakeNationalOptions, type TransferFixture } from '../fakes/fake-national';
import { RunningHub, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { nationalTransfer } from '../factories/tickets.factory';
import { CALENDAR_LOCK } from '@hub/store';

// Two keys, the first (SM3) signs the pulls: the fake accepts either, as the platform would.
const NATIONAL_KEYS = 'gb-1:national-secret-one-of-at-least-32-bytes:hmac-sm3,gb-2:national-secret-two-of-at-least-32-bytes:hmac-sha256';
const ring = parseKeyRing('HUB_NATIONAL_KEYS', NATIONAL_KEYS);

function transfers(n: number): TransferFixture[] {
  return Array.from({ length: n }, () => nationalTransfer());
}

function poller(hub: RunningHub): NationalPollerService {
  return hub.apps.gateway!.get(NationalPollerService);
}

function hubConfig(fake: FakeNational, env: Record<string, string> = {}): ReturnType<typeof testConfig> {
  return testConfig({ HUB_NATIONAL_URL: fake.url, HUB_NATIONAL_KEYS: NATIONAL_KEYS, HUB_NATIONAL_PAGE_LIMIT: '100', ...env });
}

interface Ledger {
  tickets: number;
  distinct: number;
  /** tickets with exactly one receipt for their own transferId */
  withReceipt: number;
  receipts: number;
  /** tickets with exactly one routing job */
  withRoute: number;
  routes: number;
  /** tickets with exactly one 'received' event */
  withEvent: number;
}

/** What the store holds for national transfers, counted so that a loss or a duplicate shows. */
async function ledger(ds: DataSource): Promise<Ledger> {
  const [r] = (await ds.query(`
    SELECT
      (SELECT count(*)::int FROM tickets WHERE source = 'national') AS tickets,
      (SELECT count(DISTINCT external_id)::int FROM tickets WHERE source = 'national') AS distinct,
      (SELECT count(*)::int FROM tickets t WHERE t.source = 'national' AND
         (SELECT count(*) FROM outbox o WHERE o.ticket_id = t.id AND o.target = 'national' AND o.type = 'receipt'
            AND o.payload->'segments'->>3 = t.external_id AND o.payload->'body'->>'ticketId' = t.id::text) = 1) AS "withReceipt",
      (SELECT count(*)::int FROM outbox WHERE target = 'national' AND type = 'receipt') AS receipts,
      (SELECT count(*)::int FROM tickets t WHERE t.source = 'national' AND
         (SELECT count(*) FROM outbox o WHERE o.ticket_id = t.id AND o.target = 'router' AND o.type = 'route') = 1) AS "withRoute",
      (SELECT count(*)::int FROM outbox WHERE target = 'router' AND type = 'route') AS routes,
      (SELECT count(*)::int FROM tickets t WHERE t.source = 'national' AND
         (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'received') = 1) AS "withEvent"`)) as Ledger[];
  return r;
}

/** Every one of `n` transfers stored exactly once, each with its receipt, routing job and first event. */
function exactly(n: number): Ledger {
  return { tickets: n, distinct: n, withReceipt: n, receipts: n, withRoute: n, routes: n, withEvent: n };
}

async function storedCursor(ds: DataSource): Promise<string | null | undefined> {
  const rows = (await ds.query(`SELECT cursor FROM poll_cursors WHERE name = 'national'`)) as Array<{ cursor: string | null }>;
  return rows.length === 0 ? undefined : rows[0].cursor;
}

async function externalIds(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(`SELECT external_id FROM tickets WHERE source = 'national' ORDER BY external_id`)) as Array<{ external_id: string }>;
  return rows.map((r) => r.external_id);
}

const idsOf = (list: TransferFixture[]): string[] => list.map((t) => String(t.transferId)).sort();

/** The cursor each pull asked with (null: none, the very first call). */
function pullCursors(fake: FakeNational): Array<string | null> {
  return fake.pulls().map((p) => p.query.get('cursor'));
}

/**
 * The next pull after `after` pulls gets `answer`. The fake consults its script before serving a
 * page, so the script is queued the moment the earlier pull is seen (before the hub, busy storing
 * that page, can send the next one).
 */
async function failPullNumber(fake: FakeNational, after: number, answer: Parameters<FakeNational['failPulls']>[0]): Promise<void> {
  const seen = fake.pulls().length;
  await fake.upstream.waitFor(() => fake.pulls().length >= seen + after, 30_000);
  fake.failPulls(answer);
}

describe('national poller (docs/contracts.md#national-pull) against a fake national platform over HTTP', () => {
  let fake: FakeNational;
  let hub: RunningHub;

  beforeAll(async () => {
    fake = await FakeNational.start({ keyRing: ring });
    hub = await startHub(hubConfig(fake), ['gateway']);
  });
  beforeEach(async () => {
    await resetDatabase(hub.ds);
    fake.reset();
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
  });

  it('pages until nextCursor is null: every transfer stored with its receipt and routing job, cursor persisted', async () => {
    const all = transfers(250);
    fake.setTransfers(all);

    const report = await poller(hub).pollOnce();

    expect(report).toMatchObject({ outcome: 'done', pages: 3, stored: 250, duplicates: 0, conflicts: 0, skipped: 0 });
    expect(await ledger(hub.ds)).toEqual(exactly(250));
    expect(await externalIds(hub.ds)).toEqual(idsOf(all));
    const pulls = fake.pulls();
    expect(pulls).toHaveLength(3);
    expect(pulls.every((p) => p.signatureValid && p.query.get('limit') === '100')).toBe(true);
    const cursors = pullCursors(fake);
    expect(cursors[0]).toBeNull();
    expect(cursors[1]).not.toBeNull();
    expect(cursors[2]).not.toBe(cursors[1]);
    // The last page said "no more": the cursor kept is the one that asked for it, so the next poll
    // asks again from there and sees what the platform appended.
    expect(await storedCursor(hub.ds)).toBe(cursors[2]);
    const [t] = (await hub.ds.query(`SELECT state, channel, national FROM tickets WHERE external_id = $1`, [all[0].transferId])) as Array<Record<string, unknown>>;
    expect(t).toMatchObject({ state: 'received', channel: 'national', national: { level: 'general' } });

    // Nothing new: the re-read last page collapses onto the stored tickets.
    const again = await poller(hub).pollOnce();
    expect(again).toMatchObject({ outcome: 'done', stored: 0, duplicates: 50, conflicts: 0 });
    expect(pullCursors(fake)[3]).toBe(cursors[2]);

    // New transfers at the end of the feed are picked up by the next poll, and only they.
    const more = transfers(30);
    fake.addTransfers(...more);
    const third = await poller(hub).pollOnce();
    expect(third).toMatchObject({ outcome: 'done', stored: 30 });
    expect(await ledger(hub.ds)).toEqual(exactly(280));
  });

  it('429 with Retry-After: 2 → retry_later in 2000 ms, the cursor does not move, the next poll resumes there', async () => {
    fake.setTransfers(transfers(250));
    fake.failPulls({ status: 429, headers: { 'Retry-After': '2' }, body: { error: 'too_many_requests' } });
    const first = await poller(hub).pollOnce();
    expect(first).toMatchObject({ outcome: 'retry_later', retryInMs: 2000, pages: 0, stored: 0 });
    expect(await storedCursor(hub.ds)).toBeUndefined();
    expect((await ledger(hub.ds)).tickets).toBe(0);

    // Now a 429 on the second page: the first page stays stored, the cursor stays after it.
    const failing = failPullNumber(fake, 1, { status: 429, headers: { 'Retry-After': '2' } });
    const second = await poller(hub).pollOnce();
    await failing;
    expect(second).toMatchObject({ outcome: 'retry_later', retryInMs: 2000, pages: 1, stored: 100 });
    const refused = fake.pulls()[2];
    expect(refused.responseStatus).toBe(429);
    const cursorAfterPage1 = refused.query.get('cursor');
    expect(cursorAfterPage1).not.toBeNull();
    expect(await storedCursor(hub.ds)).toBe(cursorAfterPage1);
    expect(await ledger(hub.ds)).toEqual(exactly(100));

    const third = await poller(hub).pollOnce();
    expect(third).toMatchObject({ outcome: 'done', pages: 2, stored: 150, duplicates: 0 });
    expect(fake.pulls()[3].query.get('cursor')).toBe(cursorAfterPage1);
    expect(await ledger(hub.ds)).toEqual(exactly(250));
  });

  it('500 → backs off (longer each time), cursor unchanged; the next poll resumes and the backoff resets', async () => {
    fake.setTransfers(transfers(250));
    const failing = failPullNumber(fake, 1, { status: 500, body: { error: 'internal' } });
    const first = await poller(hub).pollOnce();
    await failing;
    expect(first).toMatchObject({ outcome: 'retry_later', pages: 1, stored: 100 });
    const cursorAfterPage1 = fake.pulls()[1].query.get('cursor');
    expect(await storedCursor(hub.ds)).toBe(cursorAfterPage1);

    fake.failPulls({ status: 503 });
    const second = await poller(hub).pollOnce();
    expect(second).toMatchObject({ outcome: 'retry_later', pages: 0, stored: 0 });
    expect(first.retryInMs).toBeGreaterThan(0);
    expect(second.retryInMs).toBeGreaterThan(first.retryInMs!);
    expect(await storedCursor(hub.ds)).toBe(cursorAfterPage1);

    const third = await poller(hub).pollOnce();
    expect(third).toMatchObject({ outcome: 'done', pages: 2, stored: 150 });
    expect(fake.pulls()[3].query.get('cursor')).toBe(cursorAfterPage1);
    expect(await ledger(hub.ds)).toEqual(exactly(250));

    fake.failPulls({ status: 500 });
    const afterSuccess = await poller(hub).pollOnce();
    expect(afterSuccess.retryInMs).toBe(first.retryInMs);
  });

  it('a page whose storing fails half-way commits nothing and leaves the cursor; the next poll stores it whole', async () => {
    const all = transfers(250);
    fake.setTransfers(all);
    // The 150th transfer (page 2) makes the database refuse, as a crash in the middle of a page would.
    const poison = String(all[149].transferId);
    await hub.ds.query(`CREATE OR REPLACE FUNCTION test_refuse_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.external_id = '${poison}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
    await hub.ds.query(`CREATE TRIGGER trg_test_refuse_transfer BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION test_refuse_transfer()`);
    try {
      await expect(poller(hub).pollOnce()).rejects.toThrow(/refused for the test/);
      expect(await ledger(hub.ds)).toEqual(exactly(100));
      expect(await storedCursor(hub.ds)).toBe(fake.pulls()[1].query.get('cursor'));
    } finally {
      await hub.ds.query(`DROP TRIGGER IF EXISTS trg_test_refuse_transfer ON tickets`);
      await hub.ds.query(`DROP FUNCTION IF EXISTS test_refuse_transfer()`);
    }
    const next = await poller(hub).pollOnce();
    expect(next).toMatchObject({ outcome: 'done', stored: 150 });
    expect(await ledger(hub.ds)).toEqual(exactly(250));
    expect(await externalIds(hub.ds)).toEqual(idsOf(all));
  });

  it('restarted half-way: a second gateway continues from the stored cursor; every transfer exactly once', async () => {
    const all = transfers(250);
    fake.setTransfers(all);
    const first = await startHub(hubConfig(fake), ['gateway']);
    let cursorAfterPage1: string | null;
    try {
      const failing = failPullNumber(fake, 1, { status: 500 });
      const report = await poller(first).pollOnce();
      await failing;
      expect(report).toMatchObject({ outcome: 'retry_later', pages: 1, stored: 100 });
      cursorAfterPage1 = fake.pulls()[1].query.get('cursor');
    } finally {
      await first.close();
    }

    const second = await startHub(hubConfig(fake), ['gateway']);
    try {
      const report = await poller(second).pollOnce();
      expect(report).toMatchObject({ outcome: 'done', pages: 2, stored: 150, duplicates: 0 });
      expect(fake.pulls()[2].query.get('cursor')).toBe(cursorAfterPage1);
    } finally {
      await second.close();
    }
    expect(await ledger(hub.ds)).toEqual(exactly(250));
    expect(await externalIds(hub.ds)).toEqual(idsOf(all));
  });

  it('an invalid transfer with a transferId is stored with its intake problems; one without transferId is skipped', async () => {
    const incomplete = nationalTransfer();
    delete incomplete.title;
    const noId = nationalTransfer();
    delete noId.transferId;
    const valid = [nationalTransfer(), nationalTransfer()];
    fake.setTransfers([valid[0], incomplete, noId, 'not even an object' as unknown as TransferFixture, valid[1]]);

    const report = await poller(hub).pollOnce();

    expect(report).toMatchObject({ outcome: 'done', stored: 3, incomplete: 1, skipped: 2 });
    expect(await ledger(hub.ds)).toEqual(exactly(3));
    const [t] = (await hub.ds.query(`SELECT id::text AS id, title, content, intake_problems, raw_payload FROM tickets WHERE external_id = $1`, [incomplete.transferId])) as Array<{
      id: string;
      title: string;
      content: string;
      intake_problems: Array<{ path: string; message: string }>;
      raw_payload: Record<string, unknown>;
    }>;
    expect(t.title).toBe('');
    expect(t.content).toBe(incomplete.content);
    expect(t.intake_problems.map((p) => p.path)).toEqual(['title']);
    // Kept as received, the submitter's personal data sealed (Yunnan Measures Art. 9; docs/security.md).
    expect(JSON.stringify(t.raw_payload)).not.toContain((incomplete.submitter as { phone: string }).phone);
    expect(dataProtection().openPayload(t.raw_payload, ticketPayloadContext(t.id))).toEqual(incomplete);
    const [ev] = (await hub.ds.query(`SELECT e.data FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.external_id = $1`, [incomplete.transferId])) as Array<{
      data: { problems?: Array<{ path: string }> };
    }>;
    expect(ev.data.problems?.map((p) => p.path)).toEqual(['title']);

    // Read again (the last page is re-read on every poll): nothing new, and not counted again.
    const again = await poller(hub).pollOnce();
    expect(again).toMatchObject({ outcome: 'done', stored: 0, incomplete: 0, duplicates: 3, skipped: 2 });
    expect(await ledger(hub.ds)).toEqual(exactly(3));
  });

  it('a transfer the database cannot hold as sent (U+0000 in its text, year 0000) neither blocks the feed nor is lost', async () => {
    const withNul = nationalTransfer({ title: '标题\u0000带空字符', content: 'a\u0000b \\u0000 stays text' });
    const yearZero = nationalTransfer({ transferredAt: '0000-01-01T00:00:00+08:00' });
    const after = transfers(5);
    fake.setTransfers([withNul, yearZero, ...after]);

    const report = await poller(hub).pollOnce();

    expect(report).toMatchObject({ outcome: 'done', stored: 7, incomplete: 1 });
    expect(await ledger(hub.ds)).toEqual(exactly(7));
    const [nul] = (await hub.ds.query(`SELECT title, content, raw_payload->>'title' AS raw_title, intake_problems FROM tickets WHERE external_id = $1`, [
      withNul.transferId,
    ])) as Array<Record<string, unknown>>;
    expect(nul).toEqual({ title: '标题\ufffd带空字符', content: 'a\ufffdb \\u0000 stays text', raw_title: '标题\ufffd带空字符', intake_problems: null });
    const [zero] = (await hub.ds.query(`SELECT intake_problems FROM tickets WHERE external_id = $1`, [yearZero.transferId])) as Array<{
      intake_problems: Array<{ path: string; message: string }>;
    }>;
    // Year 0000 is refused by the wire-format check, so the transfer is kept as incomplete (returned later).
    // The database then refuses the year as well; the savepoint path keeps it with the receipt time.
    expect(zero.intake_problems).toEqual([
      { path: 'transferredAt', message: expect.any(String) },
      { path: '', message: expect.stringContaining('22008') },
    ]);

    // Read again: both recognised as the same transfers, nothing new.
    expect(await poller(hub).pollOnce()).toMatchObject({ outcome: 'done', stored: 0, duplicates: 7, conflicts: 0 });
  });

  it('a transfer redelivered with different content keeps the first version and makes no second ticket or receipt', async () => {
    const original = nationalTransfer({ title: '原始标题' });
    fake.setTransfers([original, nationalTransfer()]);
    expect(await poller(hub).pollOnce()).toMatchObject({ stored: 2 });

    // The platform serves it again, changed, and once more unchanged, further down its feed.
    fake.addTransfers({ ...original, title: '改过的标题', content: '内容也改了' }, { ...original, unknownNewField: 'ignored' }, nationalTransfer());
    const report = await poller(hub).pollOnce();
    expect(report).toMatchObject({ outcome: 'done', stored: 1, conflicts: 1 });
    expect(report.duplicates).toBeGreaterThanOrEqual(1);
    expect(await ledger(hub.ds)).toEqual(exactly(3));
    const rows = (await hub.ds.query(`SELECT title FROM tickets WHERE external_id = $1`, [original.transferId])) as Array<{ title: string }>;
    expect(rows).toEqual([{ title: '原始标题' }]);
  });

  it('its lock is its own: a transaction holding the calendar lock (every clock write does) neither blocks nor skips a poll', async () => {
    fake.setTransfers(transfers(3));
    const qr = hub.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(`SELECT pg_advisory_xact_lock_shared($1)`, [CALENDAR_LOCK]);
      expect(await poller(hub).pollOnce()).toMatchObject({ outcome: 'done', stored: 3 });
      await qr.rollbackTransaction();
    } finally {
      await qr.release();
    }
  });

  it('its connection terminated mid-poll: the poll still reports its own outcome (the failed unlock does not replace it) and the next poll runs', async () => {
    fake.setTransfers(transfers(2));
    // the pull is answered 429 only after the connection holding the poll's lock was terminated
    fake.failPulls({ status: 429, headers: { 'Retry-After': '1' }, delayMs: 3_000 });
    const polled = poller(hub).pollOnce();
    await fake.upstream.waitFor(() => fake.pulls().length >= 1, 30_000);
    const killed = (await hub.ds.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [POLL_LOCK],
    )) as Array<{ ok: boolean }>;
    expect(killed).toEqual([{ ok: true }]);
    expect(await polled).toMatchObject({ outcome: 'retry_later', retryInMs: 1000 });
    await eventually(async () => (await poller(hub).pollOnce()).outcome === 'done', 30_000);
    expect(await externalIds(hub.ds)).toHaveLength(2);
  });

  it('without HUB_NATIONAL_URL the poller reports not_configured and pulls nothing', async () => {
    const bare = await startHub(testConfig({ HUB_NATIONAL_KEYS: NATIONAL_KEYS }), ['gateway']);
    try {
      expect(await poller(bare).pollOnce()).toMatchObject({ outcome: 'not_configured' });
      expect(fake.pulls()).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });
});

describe.each<[string, FakeNationalOptions['exhaustedCursor']]>([
  ['nextCursor null at the end', 'null'],
  ['a position cursor at the end', 'position'],
])('two pollers at once (%s)', (_name, exhaustedCursor) => {
  let fake: FakeNational;
  let a: RunningHub;
  let b: RunningHub;

  beforeAll(async () => {
    fake = await FakeNational.start({ keyRing: ring, exhaustedCursor });
    // Small pages so that a poll spans several page transactions and the two overlap.
    const config = hubConfig(fake, { HUB_NATIONAL_PAGE_LIMIT: '7' });
    a = await startHub(config, ['gateway']);
    b = await startHub(config, ['gateway']);
    await resetDatabase(a.ds);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fake?.close();
  });

  it('polling concurrently and repeatedly while the feed grows loses and duplicates nothing', async () => {
    const served: TransferFixture[] = [];
    const reports: PollReport[] = [];
    const grow = (n: number): void => {
      const more = transfers(n);
      served.push(...more);
      fake.addTransfers(...more);
    };
    grow(40);
    for (let round = 0; round < 25; round++) {
      // Every few rounds the platform throttles or fails a pull somewhere in the middle.
      if (round % 5 === 3) fake.failPulls({ status: 429, headers: { 'Retry-After': '1' } });
      if (round % 5 === 4) fake.failPulls({ status: 502 });
      const polls = [poller(a).pollOnce(), poller(b).pollOnce(), poller(a).pollOnce(), poller(b).pollOnce()];
      // The feed grows while the polls run.
      grow(1 + (round % 9));
      reports.push(...(await Promise.all(polls)));
    }
    // Drain: poll until a poll finds nothing new.
    let turn = 0;
    await eventually(async () => {
      const r = await poller(turn++ % 2 === 0 ? a : b).pollOnce();
      reports.push(r);
      return r.outcome === 'done' && r.stored === 0;
    }, 60_000, 10);

    expect(await ledger(a.ds)).toEqual(exactly(served.length));
    expect(await externalIds(a.ds)).toEqual(idsOf(served));
    expect(reports.reduce((n, r) => n + r.stored, 0)).toBe(served.length);
    // The advisory lock did its part: some polls found the other one at work and stood aside.
    expect(reports.filter((r) => r.outcome === 'locked').length).toBeGreaterThan(0);
    expect(reports.filter((r) => r.outcome === 'retry_later').length).toBeGreaterThan(0);
    expect(reports.some((r) => r.outcome === 'failed')).toBe(false);
  });
});

describe('the poller on its own timer', () => {
  let fake: FakeNational;

  beforeAll(async () => {
    fake = await FakeNational.start({ keyRing: ring });
    // Empty store (cursor included) before the gateway starts: its poller begins at once.
    const ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, extra: { max: 1 } });
    await ds.initialize();
    await resetDatabase(ds);
    await ds.destroy();
  });
  afterAll(() => fake?.close());

  it('polls by itself, obeys Retry-After after a 429 and picks up what the platform adds later', async () => {
    const first = transfers(120);
    fake.setTransfers(first);
    fake.failPulls({ status: 429, headers: { 'Retry-After': '2' } });
    const hub = await startHub(hubConfig(fake, { HUB_DISABLE_POLLER: 'false', HUB_NATIONAL_POLL_MS: '200' }), ['gateway']);
    try {
      await eventually(async () => (await ledger(hub.ds)).tickets >= 120, 30_000);
      const pulls = fake.pulls();
      expect(pulls[0].responseStatus).toBe(429);
      const waited = pulls[1].receivedAt.getTime() - pulls[0].receivedAt.getTime();
      // Retry-After: 2 → the next pull no earlier than ~2 s later (a little slack for timer
      // granularity), and not absurdly later either on a busy machine.
      expect(waited).toBeGreaterThanOrEqual(1900);
      expect(waited).toBeLessThan(15_000);

      const later = transfers(15);
      fake.addTransfers(...later);
      await eventually(async () => (await ledger(hub.ds)).tickets === 135, 30_000);
      expect(await ledger(hub.ds)).toEqual(exactly(135));
      expect(await externalIds(hub.ds)).toEqual(idsOf([...first, ...later]));
    } finally {
      await hub.close();
    }
  });
});
