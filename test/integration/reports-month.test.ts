/**
 * Reports through the real API (docs/reports.md): a scripted month of tickets handled by units and
 * the office, then every figure checked against a count made by hand here, at `asOf` now and at an
 * `asOf` in the future (open deadlines then passed: late without waiting). Also: the SQL against
 * the definition in libs/rules (countsOf on the same rows), the same report twice is the same bytes,
 * the workbook's cells are the JSON's, a unit sees and drills into its own figures only (404).
 */
import { REPORTS_SCHEDULER } from '../../apps/router/src/reports/report-snapshots.processor';
import ExcelJS from 'exceljs';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@hub/queues';
import { ReportSnapshotService } from '@hub/workflow/reports';
import { DEFAULT_ASSESSMENT_WEIGHTS, FIGURE_COLUMNS, countsOf, figureAt, finish, parseRange, type ReportClock, type ReportFact } from '@hub/rules/reports';
import { authHeader } from '../support/auth';
import { REPLY, SATISFIED, UNIT_A, UNIT_B, UNSATISFIED, intakeOrder, order, resetWorld, startLifecycleHub, type Body, type LifecycleHub } from './lifecycle-kit';

jest.setTimeout(240_000);

const DAY = 86_400_000;
const shanghaiDate = (t: number): string => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

describe('reports: a scripted month through the API, checked by hand', () => {
  let h: LifecycleHub;
  let officeHeaders: Record<string, string>;
  const t: Record<string, string> = {};
  let from: string;
  let to: string;
  let future: string;

  const raw = async (path: string, headers = officeHeaders): Promise<{ status: number; text: string; bytes: Buffer; type: string | null }> => {
    const res = await fetch(`${h.hub.url}${path}`, { headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, text: bytes.toString('utf8'), bytes, type: res.headers.get('content-type') };
  };
  const json = async <T = Body>(path: string, headers = officeHeaders): Promise<{ status: number; body: T }> => {
    const r = await raw(path, headers);
    return { status: r.status, body: JSON.parse(r.text) as T };
  };
  const q = (extra = ''): string => `from=${from}&to=${to}${extra}`;

  beforeAll(async () => {
    h = await startLifecycleHub();
    await resetWorld(h);
    officeHeaders = await authHeader(h.hub, { role: 'supervisor', id: 'sup-1', name: '李督办' });
    const now = Date.now();
    from = shanghaiDate(now - DAY);
    to = shanghaiDate(now + 90 * DAY);
    future = new Date(now + 100 * DAY).toISOString();

    const a = await h.unit(UNIT_A);
    // T1: handled on time, the citizen satisfied and says it is solved.
    t.T1 = (await intakeOrder(h, order({ receivedAt: new Date().toISOString() }))).ticketId;
    await a.post(`/work-orders/${t.T1}/sign`);
    await a.post(`/work-orders/${t.T1}/contact`);
    await a.post(`/work-orders/${t.T1}/reply`, REPLY);
    expect((await h.office.post(`/office/tickets/${t.T1}/callback`, { ...SATISFIED, resolved: true })).status).toBe(200);
    // T2: unsatisfied → reopened (重办) → replied again → satisfied but says it is not solved.
    t.T2 = (await intakeOrder(h, order({ receivedAt: new Date().toISOString() }))).ticketId;
    await a.post(`/work-orders/${t.T2}/sign`);
    await a.post(`/work-orders/${t.T2}/contact`);
    await a.post(`/work-orders/${t.T2}/reply`, REPLY);
    await h.office.post(`/office/tickets/${t.T2}/callback`, UNSATISFIED);
    await a.post(`/work-orders/${t.T2}/reply`, REPLY);
    expect((await h.office.post(`/office/tickets/${t.T2}/callback`, { ...SATISFIED, resolved: false })).body).toMatchObject({ state: 'closed' });
    // T3: UNIT_A objects, the office accepts: redispatched to UNIT_B, which does nothing.
    t.T3 = (await intakeOrder(h, order({ receivedAt: new Date().toISOString() }))).ticketId;
    await a.post(`/work-orders/${t.T3}/sign`);
    const obj = await a.post(`/work-orders/${t.T3}/objection`, { reason: '不属于本单位职责', legalBasis: '《食品安全法》第六条', suggestedUnit: UNIT_B });
    expect(obj.status).toBe(200);
    expect((await h.office.post(`/office/objections/${String(obj.body.recordId)}/review`, { decision: 'accepted' })).body).toMatchObject({ unit: UNIT_B });
    // T4: an extension approved; contacted, never replied.
    t.T4 = (await intakeOrder(h, order({ complex: true, receivedAt: new Date().toISOString() }))).ticketId;
    await a.post(`/work-orders/${t.T4}/sign`);
    const d = await h.office.get<{ dueDate: string }>(`/calendar/deadline?from=${encodeURIComponent(new Date().toISOString())}&days=22`);
    const ext = await a.post(`/work-orders/${t.T4}/extension-requests`, { dueDate: d.body.dueDate, reason: '需要检测报告' });
    expect(ext.status).toBe(201);
    expect((await h.office.post(`/office/extension-requests/${String(ext.body.recordId)}/review`, { decision: 'approved' })).status).toBe(200);
    await a.post(`/work-orders/${t.T4}/contact`);
    // T5: nobody does anything; the office supervises it (督办).
    t.T5 = (await intakeOrder(h, order({ receivedAt: new Date().toISOString() }))).ticketId;
    expect((await h.office.post(`/office/tickets/${t.T5}/supervise`, { reason: '请尽快处理' })).status).toBe(200);
  });
  afterAll(() => h?.close());

  it('every figure, now and at a future asOf, equals the count by hand', async () => {
    const now = await json<Body>(`/office/reports/summary?${q()}`);
    expect(now.status).toBe(200);
    const total = now.body.total as Body;
    expect(total.received).toEqual({ all: 5, hotline: 5, ywtb: 0, national: 0, open311: 0 });
    // work orders: T1, T2, T4, T5 to A; T3 to A then B
    expect([total.dispatched, total.notAccepted, total.merged, total.archived, total.disputed]).toEqual([6, 0, 0, 0, 0]);
    // contact: T1, T2, T4 met; T3 at B and T5 still open before their end; T3 at A stopped (moved on)
    expect(total.contact).toEqual({ due: 5, onTime: 3, late: 0, rate: 1 });
    // resolve: T1, T2 (twice: reopened) met; T3 at B, T4, T5 open
    expect(total.resolve).toEqual({ due: 6, onTime: 3, late: 0, rate: 1 });
    expect(total.objections).toEqual({ filed: 1, accepted: 1, refused: 0 });
    expect(total.extensions).toEqual({ requested: 1, approved: 1 });
    expect([total.reopened, total.terminated, total.supervised]).toEqual([1, 0, 1]);
    // callbacks: T1 5 (solved: yes), T2 2 (not solved), T2 5 (says not solved)
    expect(total.callbacks).toEqual({ done: 3, satisfied: 2, basicallySatisfied: 0, dissatisfied: 1, resolved: 1, satisfactionRate: 0.6667 });
    const w = DEFAULT_ASSESSMENT_WEIGHTS;
    expect(total.threeRates).toEqual({ contactRate: 1, resolutionRate: 0.3333, satisfactionRate: 0.6667, score: Math.round((w.contact * 1 + w.resolution * 0.3333 + w.satisfaction * 0.6667) * 10_000) / 10_000 });

    const later = await json<Body>(`/office/reports/summary?${q(`&asOf=${encodeURIComponent(future)}`)}`);
    const lt = later.body.total as Body;
    expect(lt.contact).toEqual({ due: 5, onTime: 3, late: 2, rate: 0.6 });
    expect(lt.resolve).toEqual({ due: 6, onTime: 3, late: 3, rate: 0.5 });
    expect(later.body.asOf).toBe(future);
  });

  it('grouped by unit: the office keeps what is its own, each unit its work orders and clocks', async () => {
    const r = await json<{ groups: Body[] }>(`/office/reports/summary?${q(`&groupBy=unit&asOf=${encodeURIComponent(future)}`)}`);
    const by = new Map(r.body.groups.map((g) => [g.key as string | null, g]));
    expect([...by.keys()]).toEqual([null, UNIT_B, UNIT_A].sort((x, y) => (x === null ? -1 : y === null ? 1 : x < y ? -1 : 1)));
    expect((by.get(null)!.received as Body).all).toBe(5);
    expect(by.get(UNIT_A)).toMatchObject({ name: expect.any(String), dispatched: 5, contact: { due: 4, onTime: 3, late: 1 }, resolve: { due: 5, onTime: 3, late: 2 }, objections: { filed: 1, accepted: 1 } });
    // The accepted objection moved T3 to B: accepted is A's (its objection), the work order B's.
    expect(by.get(UNIT_B)).toMatchObject({ dispatched: 1, contact: { due: 1, onTime: 0, late: 1 }, resolve: { due: 1, late: 1 }, objections: { filed: 0, accepted: 0 } });
  });

  it('the SQL gives what the definition in libs/rules gives on the same rows', async () => {
    const facts = ((await h.hub.ds.query(`SELECT ticket_id::text, fact, at, received_at, source, unit_code, score, resolved FROM report_facts`)) as Body[]).map(
      (f): ReportFact => ({ ticketId: f.ticket_id as string, fact: f.fact as ReportFact['fact'], at: f.at as Date, receivedAt: f.received_at as Date, source: f.source as string, unit: f.unit_code as string | null, score: f.score as number | null, resolved: f.resolved as boolean | null }),
    );
    const clocks = ((await h.hub.ds.query(
      `SELECT c.id, c.ticket_id::text, c.type, c.unit_code, c.started_at, c.due, c.met_at, c.stopped_at,
              coalesce(json_agg(json_build_object('decidedAt', e.changed_at, 'previousDue', e.previous_due)) FILTER (WHERE e.id IS NOT NULL), '[]') AS ext
         FROM ticket_clocks c LEFT JOIN clock_due_changes e ON e.clock_id = c.id
        WHERE c.type IN ('contact', 'resolve') GROUP BY c.id`,
    )) as Body[]).map((c): ReportClock => ({
      ticketId: c.ticket_id as string, type: c.type as 'contact', unit: c.unit_code as string | null, startedAt: c.started_at as Date, due: c.due as Date, metAt: c.met_at as Date | null, stoppedAt: c.stopped_at as Date | null,
      extensions: (c.ext as Array<{ decidedAt: string; previousDue: string }>).map((e) => ({ decidedAt: new Date(e.decidedAt), previousDue: new Date(e.previousDue) })),
    }));
    const p = parseRange(from, to);
    if (!p.ok) throw new Error('range');
    for (const asOf of [new Date(), new Date(future), new Date(Date.now() - 3_600_000)]) {
      const expected = finish(countsOf(facts, clocks, { fromInstant: p.value.fromInstant, toInstant: p.value.toInstant, asOf }), DEFAULT_ASSESSMENT_WEIGHTS);
      const got = await json<Body>(`/office/reports/summary?${q(`&asOf=${encodeURIComponent(asOf.toISOString())}`)}`);
      expect(got.body.total).toEqual(expected);
    }
  });

  it('drill-down lists the tickets behind a number, in pages', async () => {
    const base = `/office/reports/tickets?${q(`&asOf=${encodeURIComponent(future)}&figure=resolve.late&limit=2`)}`;
    const p1 = await json<{ items: Body[]; nextCursor: string | null }>(base);
    expect(p1.status).toBe(200);
    expect(p1.body.items).toHaveLength(2);
    const p2 = await json<{ items: Body[]; nextCursor: string | null }>(`${base}&cursor=${p1.body.nextCursor}`);
    expect(p2.body.nextCursor).toBeNull();
    const ids = [...p1.body.items, ...p2.body.items].map((i) => i.ticketId).sort();
    expect(ids).toEqual([t.T3, t.T4, t.T5].sort());
    expect([...p1.body.items, ...p2.body.items].every((i) => i.what === 'late')).toBe(true);
    // One unit's: B's late resolve is T3's; reopened is T2; the work orders of A
    const b = await json<{ items: Body[] }>(`/office/reports/tickets?${q(`&asOf=${encodeURIComponent(future)}&figure=resolve.late&groupBy=unit&key=${UNIT_B}`)}`);
    expect(b.body.items.map((i) => i.ticketId)).toEqual([t.T3]);
    expect((await json<{ items: Body[] }>(`/office/reports/tickets?${q('&figure=reopened')}`)).body.items.map((i) => i.ticketId)).toEqual([t.T2]);
    const bad = await json<Body>(`/office/reports/tickets?${q('&figure=resolve.rate')}`);
    expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed', fields: [expect.objectContaining({ path: 'figure' })] } });
  });

  it('the same report twice is the same bytes; the workbook holds the same figures', async () => {
    const path = `/office/reports/summary?${q(`&groupBy=unit&asOf=${encodeURIComponent(future)}`)}`;
    const [one, two] = [await raw(path), await raw(path)];
    expect(one.status).toBe(200);
    expect(one.bytes.equals(two.bytes)).toBe(true);
    const answer = JSON.parse(one.text) as { total: Body; groups: (Body & { key: string | null })[] };
    const x = await raw(`${path}&format=xlsx`);
    expect(x.type).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('figures')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['key', 'name', ...FIGURE_COLUMNS]);
    const rows = [{ key: 'total', f: answer.total }, ...answer.groups.map((g) => ({ key: g.key, f: g }))];
    rows.forEach((r, i) => {
      const cells = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      expect(cells[0] ?? null).toBe(r.key);
      FIGURE_COLUMNS.forEach((c, j) => expect(cells[j + 2] ?? null).toBe(figureAt(r.f as never, c)));
    });
    expect(sheet.rowCount).toBe(rows.length + 1);
  });

  it('a unit reads and drills into its own figures only (another unit: 404)', async () => {
    const bHeaders = await authHeader(h.hub, { role: 'unit_staff', unitCode: UNIT_B, id: 'staff-b', name: 'B' });
    const own = await json<Body>(`/work-orders/reports/summary?${q(`&asOf=${encodeURIComponent(future)}`)}`, bHeaders);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ unit: UNIT_B, groups: [], total: { dispatched: 1, received: { all: 0 }, resolve: { due: 1, late: 1 } } });
    expect((await json(`/work-orders/reports/summary?${q(`&unit=${UNIT_A}`)}`, bHeaders)).status).toBe(404);
    expect((await json(`/work-orders/reports/tickets?${q(`&figure=dispatched&unit=${UNIT_A}`)}`, bHeaders)).status).toBe(404);
    expect((await json(`/work-orders/reports/summary?${q('&groupBy=unit')}`, bHeaders)).status).toBe(400);
    const mine = await json<{ items: Body[] }>(`/work-orders/reports/tickets?${q('&figure=dispatched')}`, bHeaders);
    expect(mine.body.items.map((i) => i.ticketId)).toEqual([t.T3]);
    expect((await json(`/office/reports/summary?${q()}`, bHeaders)).status).toBe(403);
  });

  it('rankings and 通报 (overdue supervised ticket at the future asOf)', async () => {
    const r = await json<{ rows: Body[] }>(`/office/reports/rankings?${q(`&asOf=${encodeURIComponent(future)}&by=contactRate`)}`);
    expect(r.body.rows.map((x) => [x.key, x.rank, x.value])).toEqual([[UNIT_A, 1, 0.75], [UNIT_B, 2, 0]]);
    const n = await json<{ entries: Body[] }>(`/office/reports/notices?${q(`&asOf=${encodeURIComponent(future)}`)}`);
    expect(n.body.entries).toEqual([expect.objectContaining({ unit: UNIT_A, reason: 'overdue_supervised', count: 1, tickets: [t.T5] })]);
    expect((await json<{ entries: Body[] }>(`/office/reports/notices?${q()}`)).body.entries).toEqual([]);
  });

  it('weights are validated and versioned; a report says which it used', async () => {
    const put = (body: unknown) => fetch(`${h.hub.url}/office/settings/assessment`, { method: 'PUT', headers: { ...officeHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await put({ basicallySatisfied: 0.8, contact: 0.5, resolution: 0.5, satisfaction: 0.5 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'validation_failed', fields: [expect.objectContaining({ path: 'satisfaction' })] });
    const before = new Date(Date.now() - 1000).toISOString();
    const ok = await put({ basicallySatisfied: 0.8, contact: 0.2, resolution: 0.4, satisfaction: 0.4 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ version: 1 });
    const now = await json<Body>(`/office/reports/summary?${q()}`);
    expect(now.body.weights).toEqual({ version: 1, basicallySatisfied: 0.8, contact: 0.2, resolution: 0.4, satisfaction: 0.4 });
    expect((now.body.total as Body).threeRates).toMatchObject({ score: Math.round((0.2 * 1 + 0.4 * 0.3333 + 0.4 * 0.6667) * 10_000) / 10_000 });
    const old = await json<Body>(`/office/reports/summary?${q(`&asOf=${encodeURIComponent(before)}`)}`);
    expect(old.body.weights).toMatchObject({ version: 0 });
  });

  it('refuses a bad question with the parameter named', async () => {
    const r = await json<Body>(`/office/reports/summary?period=2026Q5`);
    expect(r).toMatchObject({ status: 400, body: { error: 'validation_failed', fields: [expect.objectContaining({ path: 'period' })] } });
    expect((await json<Body>(`/office/reports/summary?${q('&groupBy=street')}`)).body).toMatchObject({ fields: [expect.objectContaining({ path: 'groupBy' })] });
    expect((await json<Body>(`/office/reports/summary?${q('&asOf=yesterday')}`)).body).toMatchObject({ fields: [expect.objectContaining({ path: 'asOf' })] });
  });

  it('snapshots: made once at their fixed asOf, listed, downloadable, the same bytes as the report; never changed', async () => {
    const scheduler = h.hub.apps.router!.get<Queue>(getQueueToken(QUEUES.reports));
    expect((await scheduler.getJobSchedulers()).map((j) => j.key)).toContain(REPORTS_SCHEDULER);
    const svc = h.hub.apps.router!.get(ReportSnapshotService);
    const asOf = new Date(future);
    const first = await svc.make('quarter', '2026Q4', asOf);
    const again = await svc.make('quarter', '2026Q4', asOf);
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, snapshot: first.snapshot });
    const list = await json<{ items: Body[] }>(`/office/reports/snapshots`);
    expect(list.body.items).toContainEqual(expect.objectContaining({ id: first.snapshot.id, kind: 'quarter', period: '2026Q4', asOf: future }));
    const stored = await raw(`/office/reports/snapshots/${first.snapshot.id}`);
    const live = await raw(`/office/reports/summary?period=2026Q4&groupBy=unit&asOf=${encodeURIComponent(future)}`);
    expect(stored.text).toBe(live.text);
    expect(JSON.parse(stored.text)).toMatchObject({ period: '2026Q4', total: { received: { all: 5 } } });
    const x = await raw(`/office/reports/snapshots/${first.snapshot.id}?format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('figures')!.getRow(2).getCell(3).value).toBe(5);
    await expect(h.hub.ds.query(`UPDATE report_snapshots SET json = '{}'`)).rejects.toThrow(/append-only/);
    expect((await raw(`/office/reports/snapshots/999999`)).status).toBe(404);
    // A pass makes whatever is due and not stored yet (the router's own pass may be running beside it:
    // one snapshot per kind and period either way); a second pass makes nothing.
    await svc.makeDue(new Date());
    expect(await svc.makeDue(new Date())).toEqual([]);
    const after = await json<{ items: Body[] }>(`/office/reports/snapshots`);
    expect(after.body.items).toContainEqual(expect.objectContaining({ kind: 'assessment', period: 'A2026', asOf: '2026-10-31T16:00:00.000Z' }));
    expect(after.body.items.filter((x) => x.kind === 'assessment' && x.period === 'A2026')).toHaveLength(1);
  });
});
