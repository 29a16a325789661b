/**
 * The reports' rollup (docs/reports.md "The rollup") gives the numbers the facts give: three months
 * of tickets with events (through the report triggers) and clocks written with their own moments,
 * the rollup refreshed up to a watermark W inside that history, then events that come after W
 * (callbacks, an upheld appeal against a callback already rolled up, an unmerge, clocks met late),
 * and every question asked both ways — asOf before W (the facts answer), at and after it, in the
 * future; whole months, a range with partial months, every grouping, a unit's own. Also by hand:
 * an unmerge takes the merge back from its moment; a clock whose provisional end was replaced is
 * judged by the end it had at asOf; and the rollup is really what answers (a corrupted row shows).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, queryRows, type GroupBy } from '@hub/store';
import { factsOfEvent, parsePeriod, parseRange, type ReportPeriod } from '@hub/rules/reports';
import { ReportService, type ReportAnswer } from '@hub/workflow/reports';
import { resetDatabase } from '../support/harness';

jest.setTimeout(180_000);

const T = (s: string): Date => new Date(`${s}+08:00`);
const W = T('2026-10-20T00:00:00');
const UNITS = ['U310101', 'U310104', 'U310105'];
let ds: DataSource;
let reports: ReportService;

/** A small deterministic generator (the same history on every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

async function ticket(receivedAt: Date, unit: string | null, source = 'hotline', category = '0101'): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, title, content, citizen, received_at, created_at, raw_payload, state, unit_code, region_code, category_code)
     VALUES ($1::uuid, $2, CASE $2 WHEN 'hotline' THEN 'order' WHEN 'ywtb' THEN 'suggestion' ELSE 'transfer' END, $7, md5($7), 'complaint', 'phone', 't', 'c', '{}', $3, $3, '{}', 'closed', $4, $5, $6)`,
    [id, source, receivedAt, unit, unit ? `${unit.slice(1)}001` : '310101001', category, id],
  );
  return id;
}

async function event(ticketId: string, type: string, at: Date, data: Record<string, unknown> = {}): Promise<void> {
  await ds.query(`INSERT INTO ticket_events (ticket_id, type, actor, data, occurred_at) VALUES ($1, $2, 'test', $3::jsonb, $4)`, [ticketId, type, JSON.stringify(data), at]);
}

async function clock(ticketId: string, type: 'contact' | 'resolve', unit: string, startedAt: Date, due: Date, o: { met?: Date; stopped?: Date; created?: Date } = {}): Promise<string> {
  const state = o.met ? 'met' : o.stopped ? 'stopped' : 'running';
  const rows = await queryRows<{ id: string }>(
    ds,
    `INSERT INTO ticket_clocks (ticket_id, type, policy_id, state, unit_code, started_at, days, base_days, due, due_date, warn_at, met_at, stopped_at, created_at)
     VALUES ($1, $2, 'shanghai', $3, $4, $5, 5, 5, $6, ($6 AT TIME ZONE 'Asia/Shanghai')::date - 1, $5, $7, $8, $9) RETURNING id::text`,
    [ticketId, type, state, unit, startedAt, due, o.met ?? null, o.stopped ?? null, o.created ?? startedAt],
  );
  return rows[0]!.id;
}

const callback = (unit: string, result: number, reopen: boolean, resolved?: boolean) => ({ before: { unit }, after: { state: reopen ? 'signed' : 'closed' }, input: { visit: { result, ...(resolved === undefined ? {} : { resolved }) } } });
const DAY = 86_400_000;

/** A history of three months, Sept–Nov 2026, everything dated; `after`: only what happens after W. */
async function history(rand: () => number): Promise<void> {
  const start = T('2026-09-01T00:00:00').getTime();
  for (let i = 0; i < 90; i++) {
    const rec = new Date(start + Math.floor(rand() * 85 * DAY));
    const unit = UNITS[Math.floor(rand() * UNITS.length)]!;
    const source = rand() < 0.7 ? 'hotline' : rand() < 0.5 ? 'ywtb' : 'national';
    const id = await ticket(rec, unit, source, rand() < 0.5 ? '0101' : '0202');
    const at = (hours: number): Date => new Date(rec.getTime() + hours * 3_600_000);
    if (rand() < 0.08) {
      await event(id, 'not_accepted', at(1));
      continue;
    }
    if (rand() < 0.1) {
      await event(id, 'merged', at(1), { before: { unit } });
      if (rand() < 0.6) await event(id, 'unmerged', at(24 + rand() * 900));
      continue;
    }
    await event(id, 'dispatched', at(0.5), { after: { unit } });
    const dueDay = new Date(Math.floor((rec.getTime() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000);
    const contactDue = new Date(dueDay.getTime() + 2 * DAY);
    const r = rand();
    await clock(id, 'contact', unit, at(0.5), contactDue, r < 0.6 ? { met: at(2) } : r < 0.75 ? { met: at(60) } : r < 0.85 ? { stopped: at(1) } : {});
    const resolveDue = new Date(dueDay.getTime() + 8 * DAY);
    const q = rand();
    const resolveId = await clock(id, 'resolve', unit, at(0.5), resolveDue, q < 0.55 ? { met: at(100) } : q < 0.7 ? { met: at(260) } : q < 0.78 ? { stopped: at(300) } : {});
    if (rand() < 0.1) {
      // an extension approved: the old end kept in clock_due_changes
      await ds.query(`INSERT INTO clock_due_changes (clock_id, changed_at, previous_due, due) VALUES ($1, $2, $3, $4)`, [resolveId, at(50), new Date(resolveDue.getTime() - 3 * DAY), resolveDue]);
      await event(id, 'extension_filed', at(40));
      await event(id, 'extension_approved', at(50));
    }
    if (rand() < 0.1) await event(id, 'supervised', at(200), { unit });
    if (rand() < 0.1) await event(id, 'objected', at(3), { unit });
    if (rand() < 0.75) {
      const score = 1 + Math.floor(rand() * 5);
      const cbAt = at(120 + rand() * 300);
      await event(id, 'called_back', cbAt, callback(unit, score, score <= 2 && rand() < 0.5, rand() < 0.3 ? undefined : rand() < 0.6));
      if (score <= 2 && rand() < 0.5) {
        await event(id, 'appealed', new Date(cbAt.getTime() + 3_600_000), { unit });
        await event(id, 'appeal_reviewed', new Date(cbAt.getTime() + (rand() < 0.5 ? 2 : 40) * DAY), { unit, decision: rand() < 0.7 ? 'upheld' : 'refused' });
      }
    }
  }
  // born late: an upstream's end already passed when the clock was created (after W)
  const late = await ticket(T('2026-10-03T09:00:00'), UNITS[0]!, 'national');
  await event(late, 'dispatched', T('2026-10-03T09:30:00'), { after: { unit: UNITS[0] } });
  await clock(late, 'resolve', UNITS[0]!, T('2026-10-03T09:30:00'), T('2026-10-10T00:00:00'), { created: T('2026-10-25T00:00:00'), met: T('2026-10-26T00:00:00') });
}

const period = (p: string): ReportPeriod => {
  const r = parsePeriod(p);
  if (!r.ok) throw new Error(p);
  return r.value;
};
const range = (from: string, to: string): ReportPeriod => {
  const r = parseRange(from, to);
  if (!r.ok) throw new Error(`${from}..${to}`);
  return r.value;
};

async function both(p: ReportPeriod, asOf: Date, groupBy: GroupBy, unit?: string): Promise<[ReportAnswer, ReportAnswer]> {
  reports.useRollup = false;
  const facts = await reports.summary({ period: p, asOf, groupBy, unit: unit ?? null });
  reports.useRollup = true;
  const rolled = await reports.summary({ period: p, asOf, groupBy, unit: unit ?? null });
  return [facts, rolled];
}

async function compareAll(asOfs: Date[]): Promise<number> {
  let compared = 0;
  const periods = [period('2026-09'), period('2026-10'), period('2026-11'), period('2026Q4'), range('2026-09-10', '2026-11-20'), range('2026-09-01', '2026-12-31')];
  for (const asOf of asOfs) {
    for (const p of periods) {
      for (const g of ['none', 'unit', 'district', 'source', 'category'] as const) {
        const [facts, rolled] = await both(p, asOf, g);
        expect(rolled).toEqual(facts);
        compared++;
      }
      const [facts, rolled] = await both(p, asOf, 'none', UNITS[1]);
      expect(rolled).toEqual(facts);
      compared++;
    }
  }
  return compared;
}

beforeAll(async () => {
  ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 3, appName: 'test-reports-rollup' });
  await ds.initialize();
  await resetDatabase(ds);
  reports = new ReportService(ds, () => new Date());
});

afterAll(async () => {
  await ds?.destroy();
});

describe('the rollup answers what the facts answer', () => {
  it('before and after the watermark, with late events after it', async () => {
    await history(lcg(16));
    // open at the refresh, due after W (its end will move before W)
    const mt = await ticket(T('2026-10-14T09:00:00'), UNITS[1]!);
    await event(mt, 'dispatched', T('2026-10-14T09:10:00'), { after: { unit: UNITS[1] } });
    const moving = await clock(mt, 'resolve', UNITS[1]!, T('2026-10-14T09:10:00'), T('2026-10-23T00:00:00'));
    const refreshed = await reports.refreshRollup(W);
    expect(refreshed).toMatchObject({ from: null, to: W });
    expect(refreshed!.facts).toBeGreaterThan(0);
    expect(refreshed!.clocks).toBeGreaterThan(0);
    // A second refresh to the same watermark adds nothing.
    expect(await reports.refreshRollup(W)).toBeNull();

    // After W: a callback on a ticket received before it, an upheld appeal against a dissatisfied
    // callback that is already in the rollup, an unmerge of a merge in the rollup, a clock met late.
    const rolledCallback = (await queryRows<{ ticket_id: string; unit_code: string }>(ds, `SELECT ticket_id::text, unit_code FROM report_facts WHERE fact = 'callback' AND score <= 2 AND at < $1 AND ticket_id NOT IN (SELECT ticket_id FROM report_facts WHERE fact = 'appeal.upheld') LIMIT 1`, [W]))[0]!;
    await event(rolledCallback.ticket_id, 'appeal_reviewed', T('2026-10-25T10:00:00'), { unit: rolledCallback.unit_code, decision: 'upheld' });
    const merged = (await queryRows<{ ticket_id: string }>(ds, `SELECT ticket_id::text FROM report_facts WHERE fact = 'merged' AND at < $1 AND ticket_id NOT IN (SELECT ticket_id FROM report_facts WHERE fact = 'unmerged') LIMIT 1`, [W]))[0]!;
    await event(merged.ticket_id, 'unmerged', T('2026-10-24T10:00:00'));
    const open = (await queryRows<{ id: string; ticket_id: string; unit_code: string }>(ds, `SELECT id::text, ticket_id::text, unit_code FROM ticket_clocks WHERE state = 'running' AND due < $1 LIMIT 1`, [W]))[0]!;
    await ds.query(`UPDATE ticket_clocks SET state = 'met', met_at = $2 WHERE id = $1`, [open.id, T('2026-10-22T10:00:00')]);
    await event(open.ticket_id, 'called_back', T('2026-10-23T10:00:00'), callback(open.unit_code, 4, false, true));
    // An open clock due after W whose end then moves before W (a calendar replaced, through the
    // trigger: moved now), and one born late, created after W with its end already passed.
    await ds.query(`UPDATE ticket_clocks SET due = $2 WHERE id = $1`, [moving, T('2026-10-19T00:00:00')]);
    await ds.query(`UPDATE ticket_clocks SET state = 'met', met_at = $2 WHERE id = $1`, [moving, T('2026-10-21T10:00:00')]);
    await clock(open.ticket_id, 'contact', open.unit_code, T('2026-10-05T10:00:00'), T('2026-10-08T00:00:00'), { created: T('2026-10-26T00:00:00') });

    const asOfs = [T('2026-09-15T00:00:00'), T('2026-10-19T23:59:59'), W, T('2026-10-24T10:00:00'), T('2026-10-25T09:59:59'), T('2026-10-25T10:00:00'), T('2026-11-10T12:00:00'), T('2027-03-01T00:00:00')];
    expect(await compareAll(asOfs)).toBe(asOfs.length * 6 * 6);

    // Moved on: the watermark later than the late events; still the same answers.
    const again = await reports.refreshRollup(T('2026-11-05T00:00:00'));
    expect(again).toMatchObject({ from: W });
    expect(await compareAll([T('2026-11-05T00:00:00'), T('2026-11-10T12:00:00'), T('2027-03-01T00:00:00')])).toBe(3 * 36);
  });

  it('the rollup is what answers after the watermark, and the facts before it (a corrupted rollup row shows only after)', async () => {
    const q = { period: period('2026-10'), groupBy: 'none' as const, unit: null };
    const before = T('2026-10-10T00:00:00');
    const after = T('2027-01-01T00:00:00');
    const honest = [await reports.summary({ ...q, asOf: before }), await reports.summary({ ...q, asOf: after })];
    const corruptBefore = await withRollback((m) => reports.summaryIn(m, { ...q, asOf: before }));
    const corruptAfter = await withRollback((m) => reports.summaryIn(m, { ...q, asOf: after }));
    expect(corruptBefore.total.received.all).toBe(honest[0]!.total.received.all);
    expect(corruptAfter.total.received.all).toBe(honest[1]!.total.received.all + 1000);
  });
});

/** Runs `fn` after corrupting one rollup row, in a transaction that is rolled back. */
async function withRollback<T>(fn: (m: import('typeorm').EntityManager) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await runner.query(`UPDATE report_rollup_facts SET n = n + 1000 WHERE ctid = (SELECT ctid FROM report_rollup_facts WHERE fact = 'received' AND month = '2026-10-01' AND dim = 'unit' LIMIT 1)`);
    return await fn(runner.manager);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

describe('exactness gaps, by hand (both ways)', () => {
  it('an unmerge takes the merge back from its moment; a provisional end replaced counts until the replacement', async () => {
    await resetDatabase(ds);
    const unit = UNITS[2]!;
    const m = await ticket(T('2026-10-05T09:00:00'), unit);
    await event(m, 'merged', T('2026-10-06T10:00:00'), { before: { unit } });
    await event(m, 'unmerged', T('2026-10-08T10:00:00'));
    // The provisional end: 15 Oct 00:00; the published schedule moves it to 16 Oct 00:00 on 20 Oct
    // (through the trigger: the old end kept). Met on 15 Oct at 10:00 — after the provisional end,
    // before the published one.
    const c = await ticket(T('2026-10-09T09:00:00'), unit);
    await event(c, 'dispatched', T('2026-10-09T09:10:00'), { after: { unit } });
    const id = await clock(c, 'resolve', unit, T('2026-10-09T09:10:00'), T('2026-10-15T00:00:00'), { met: T('2026-10-15T10:00:00') });
    await ds.query(`UPDATE ticket_clocks SET due = $2 WHERE id = $1`, [id, T('2026-10-16T00:00:00')]);
    const changes = await queryRows<{ previous_due: Date; due: Date }>(ds, `SELECT previous_due, due FROM clock_due_changes WHERE clock_id = $1`, [id]);
    expect(changes).toEqual([{ previous_due: T('2026-10-15T00:00:00'), due: T('2026-10-16T00:00:00') }]);
    // The trigger dates the change now; put it on 20 Oct for this history (the table is append-only: a copy).
    await ds.query(`ALTER TABLE clock_due_changes DISABLE TRIGGER trg_clock_due_changes_append_only`);
    await ds.query(`UPDATE clock_due_changes SET changed_at = $2 WHERE clock_id = $1`, [id, T('2026-10-20T10:00:00')]);
    await ds.query(`ALTER TABLE clock_due_changes ENABLE TRIGGER trg_clock_due_changes_append_only`);
    await reports.refreshRollup(T('2026-10-18T00:00:00'));

    const oct = period('2026-10');
    const at = async (asOf: string) => {
      const [facts, rolled] = await both(oct, T(asOf), 'none');
      expect(rolled).toEqual(facts);
      return rolled.total;
    };
    expect((await at('2026-10-07T00:00:00')).merged).toBe(1);
    expect((await at('2026-10-09T00:00:00')).merged).toBe(0);
    // 19 Oct: the end was still the provisional one, passed before the clock was met → late
    expect((await at('2026-10-19T00:00:00')).resolve).toEqual({ due: 1, onTime: 0, late: 1, rate: 0 });
    // after the replacement: met before the published end → on time
    expect((await at('2026-10-21T00:00:00')).resolve).toEqual({ due: 1, onTime: 1, late: 0, rate: 1 });
    // the drill-down agrees: merged lists nothing after the unmerge, resolve.onTime the clock
    expect(await reports.drill({ question: { period: oct, asOf: T('2026-10-07T00:00:00'), groupBy: 'none' }, figure: 'merged', limit: 10 })).toHaveLength(1);
    expect(await reports.drill({ question: { period: oct, asOf: T('2026-10-09T00:00:00'), groupBy: 'none' }, figure: 'merged', limit: 10 })).toHaveLength(0);
    expect((await reports.drill({ question: { period: oct, asOf: T('2026-10-19T00:00:00'), groupBy: 'none' }, figure: 'resolve.late', limit: 10 })).map((r) => r.ticketId)).toEqual([c]);
    expect((await reports.drill({ question: { period: oct, asOf: T('2026-10-21T00:00:00'), groupBy: 'none' }, figure: 'resolve.onTime', limit: 10 })).map((r) => r.ticketId)).toEqual([c]);
  });
});

describe('the event → facts table', () => {
  it('is the same in the database (report_event_facts) as in libs/rules (factsOfEvent)', async () => {
    const cases: Array<[string, { decision?: string; afterState?: string }]> = [
      ...['not_accepted', 'merged', 'unmerged', 'archived', 'dispatched', 'designated', 'redispatched', 'objection_refused', 'disputed', 'objected',
        'extension_filed', 'extension_approved', 'extension_refused', 'appealed', 'reopened', 'terminated', 'supervised', 'bounce_flagged',
        'received', 'signed', 'contacted', 'replied', 'closed', 'returned'].map((t): [string, object] => [t, {}]),
      ['extension_reviewed', { decision: 'approved' }], ['extension_reviewed', { decision: 'refused' }],
      ['appeal_reviewed', { decision: 'upheld' }], ['appeal_reviewed', { decision: 'refused' }], ['appeal_reviewed', {}],
      ['called_back', { afterState: 'closed' }], ['called_back', { afterState: 'terminated' }], ['called_back', { afterState: 'signed' }],
    ];
    const rows = await queryRows<{ facts: string[] | null }>(
      ds,
      `SELECT report_event_facts(c->>'type', c->'data') AS facts FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(c, i) ORDER BY i`,
      [JSON.stringify(cases.map(([type, d]) => ({ type, data: { decision: d.decision, after: d.afterState ? { state: d.afterState } : undefined } })))],
    );
    expect(rows.map((r, i) => [cases[i]![0], r.facts ?? []])).toEqual(cases.map(([type, d]) => [type, factsOfEvent(type, d)]));
  });
});
