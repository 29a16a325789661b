/**
 * Issue 12 "The rules, exactly": one story per item, on the real servers (PostgreSQL, Redis, the
 * three apps) with the fake upstreams. Each test names the article it checks; docs/rules.md maps
 * rule → article → code → test.
 */
import { NationalPollerService } from '../../apps/gateway/src/intake/national-poller.service';
import { ClockService } from '@hub/workflow/clock';
import { authHeader } from '../support/auth';
import { shanghaiCalendar } from '@hub/rules/calendar/shanghai-calendar.fixture';
import { nationalTransfer, ywtbEvaluation } from '../factories/tickets.factory';
import { REPLY, SATISFIED, UNIT_A, UNIT_B, UNSATISFIED, footprint, intakeOrder, order, workOrdersAt, resetWorld, settled, startLifecycleHub, statuses, waitState, type Body, type LifecycleHub } from './lifecycle-kit';

jest.setTimeout(180_000);

const cal = shanghaiCalendar();
const SEALED = { approvedBy: '李局长', sealedDocument: { name: '办结报告（盖章）.pdf', url: 'https://files.example.gov.cn/sealed.pdf', sha256: 'b'.repeat(64) } };

/** A transfer instant (08:00 Shanghai) whose 25th working day after is `ceilingDate`. */
function transferredFor(ceilingDate: string): string {
  for (let back = 0; back < 120; back++) {
    const d = new Date(Date.now() - back * 86_400_000);
    const day = cal.dateOf(d);
    const t = new Date(`${day}T08:00:00+08:00`);
    if (cal.addWorkingDays(t, 25).dueDate === ceilingDate) return `${day}T08:00:00+08:00`;
  }
  throw new Error(`no transfer day found for a ceiling on ${ceilingDate}`);
}

describe('issue 12: the rules, exactly', () => {
  let h: LifecycleHub;

  beforeAll(async () => {
    h = await startLifecycleHub();
  });
  afterAll(() => h?.close());

  const pollTransfer = async (transfer: Body): Promise<string> => {
    h.national.setTransfers([transfer]);
    await h.hub.apps.gateway!.get(NationalPollerService).pollOnce();
    const [row] = (await h.hub.ds.query(`SELECT id::text AS id FROM tickets WHERE external_id = $1`, [transfer.transferId])) as Array<{ id: string }>;
    return row.id;
  };
  /** PUT an office setting as the supervisor (the office's rules are the supervisor's to change). */
  const putSetting = async (name: string, value: unknown): Promise<{ status: number; body: Body }> => {
    const headers = { ...(await authHeader(h.hub, { role: 'supervisor' })), 'content-type': 'application/json' };
    const res = await fetch(`${h.hub.url}/office/settings/${name}`, { method: 'PUT', headers, body: JSON.stringify(value) });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const openResolve = async (ticketId: string): Promise<Body[]> =>
    (await h.hub.ds.query(
      `SELECT due_date::text AS "dueDate", days, ceiling_days AS "ceilingDays" FROM ticket_clocks WHERE ticket_id = $1 AND type = 'resolve' AND state IN ('running','missed')`,
      [ticketId],
    )) as Body[];

  it('item 1 (沪府办〔2020〕49号 Art. 5): a national 一般 item runs on 1/5/15 under a 25-WD ceiling from the transfer; reopen and extension never pass it', async () => {
    await resetWorld(h);
    // The ceiling falls 2 working days from now, before the unit's own 5 working days would end.
    const ceiling = cal.addWorkingDays(new Date(), 2).dueDate;
    const own = cal.addWorkingDays(new Date(), 5).dueDate;
    const transfer = nationalTransfer({ transferredAt: transferredFor(ceiling), regionCode: '310104', categoryCode: '0101' });
    const ticketId = await pollTransfer(transfer);
    await waitState(h, ticketId, 'dispatched');
    expect(await openResolve(ticketId)).toEqual([{ dueDate: ceiling, days: 5, ceilingDays: 25 }]);
    expect(own > ceiling).toBe(true);

    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    // An extension past the ceiling is refused, naming the ceiling as the cap.
    const later = cal.addWorkingDays(new Date(), 4).dueDate;
    const asked = await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: later, reason: '涉及多个部门' });
    expect(asked).toMatchObject({ status: 422, body: { error: 'extension_beyond_cap', cap: ceiling } });

    await a.post(`/work-orders/${ticketId}/contact`);
    expect((await a.post(`/work-orders/${ticketId}/reply`, { ...REPLY, ...SEALED })).body).toMatchObject({ state: 'replied' });
    // Unsatisfied callback → 重办: a fresh resolve clock, still ending at the ceiling (not 5 WD on).
    expect((await h.office.post(`/office/tickets/${ticketId}/callback`, UNSATISFIED)).body).toMatchObject({ state: 'signed' });
    expect(await openResolve(ticketId)).toEqual([{ dueDate: ceiling, days: 5, ceilingDays: 25 }]);
    const history = (await h.hub.ds.query(`SELECT count(*)::int AS n FROM ticket_clocks WHERE ticket_id = $1 AND type = 'resolve'`, [ticketId])) as Body[];
    expect(history[0].n).toBe(2);
  });

  it('item 3 (沪府办〔2020〕49号 Art. 3(二)(三), 7): a 差评 goes to the evaluated unit before any override; the trace states the order', async () => {
    await resetWorld(h);
    const ev = ywtbEvaluation({ unitCode: UNIT_A, comment: '在地铁站旁的窗口办理，等候太久', rating: 1 });
    const posted = await h.ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ev);
    expect(posted.status).toBe(201);
    await waitState(h, posted.body.ticketId, 'dispatched');
    const [t] = (await h.hub.ds.query(`SELECT unit_code FROM tickets WHERE id = $1`, [posted.body.ticketId])) as Body[];
    expect(t.unit_code).toBe(UNIT_A);
    const routing = await h.office.get<{ decisions: Array<{ rule: string; trace: Body[] }> } & Body>(`/office/tickets/${posted.body.ticketId}/routing`);
    expect(routing.status).toBe(200);
    expect(JSON.stringify(routing.body)).toContain('"order":"evaluation"');

    // The same words in a hotline complaint still follow the office's override (地铁 → SH-TRANSPORT).
    const complaint = order({ content: '地铁站出口附近商户占道经营，影响通行', respondent: { unitCode: UNIT_A } });
    const r = await h.hotline.post<{ ticketId: string }>('/connectors/hotline/orders', complaint);
    await waitState(h, r.body.ticketId, 'dispatched');
    const [c] = (await h.hub.ds.query(`SELECT unit_code FROM tickets WHERE id = $1`, [r.body.ticketId])) as Body[];
    expect(c.unit_code).toBe('SH-TRANSPORT');
  });

  it('item 5 (Yunnan Measures Art. 13): 差评 merge only with the same 办件; a merged source hears the state, never the other citizen\'s text', async () => {
    await resetWorld(h);
    const applicant = { name: '李四', phone: '13900005501' };
    const postEv = async (over: Body): Promise<string> => {
      const r = await h.ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ywtbEvaluation({ unitCode: UNIT_A, applicant, ...over }));
      expect(r.status).toBe(201);
      return r.body.ticketId;
    };
    const first = await postEv({ projectNo: 'PJ-A', evaluationId: 'EV-A1', comment: '窗口等候时间太长' });
    await waitState(h, first, 'dispatched');
    // Same applicant, same unit, another 办件: another matter, handled on its own.
    const other = await postEv({ projectNo: 'PJ-B', evaluationId: 'EV-B1', comment: '窗口等候时间太长' });
    await waitState(h, other, 'dispatched');
    // Same 办件 again: merged into the first.
    const repeat = await postEv({ projectNo: 'PJ-A', evaluationId: 'EV-A2', comment: '材料被要求反复提交' });
    await waitState(h, repeat, 'merged');

    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${first}/sign`);
    await a.post(`/work-orders/${first}/contact`);
    expect((await a.post(`/work-orders/${first}/reply`, REPLY)).body).toMatchObject({ state: 'replied' });
    await settled(h, first);
    await settled(h, repeat);
    const heard = statuses(h.ywtbFake, 'evaluations', 'EV-A2');
    expect(heard.map((b) => b.type)).toEqual(['merged', 'signed', 'contacted', 'replied']);
    expect(heard[3]).toMatchObject({ replyPoints: null, reason: null, unit: { code: UNIT_A } });
    expect(JSON.stringify(heard)).not.toContain(REPLY.replyPoints);
    expect(JSON.stringify(heard)).not.toContain('EV-A1');
    // The handled ticket's own source hears its answer.
    expect(statuses(h.ywtbFake, 'evaluations', 'EV-A1').find((b) => b.type === 'replied')).toMatchObject({ replyPoints: REPLY.replyPoints });
  });

  it('item 10 (沪府办〔2020〕49号 Art. 4(二)): a routing job that keeps failing puts the ticket in the dispute queue within seconds, where the office designates it', async () => {
    await resetWorld(h);
    // Whatever the cause: here the database refuses to store this ticket as dispatched.
    await h.hub.ds.query(`CREATE OR REPLACE FUNCTION test_fail_routing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.state = 'dispatched' AND NEW.title LIKE '%ROUTE-FAIL%' THEN RAISE EXCEPTION 'simulated routing failure'; END IF; RETURN NEW; END $$`);
    await h.hub.ds.query(`CREATE TRIGGER test_fail_routing BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION test_fail_routing()`);
    try {
      const o = order({ title: '餐馆问题 ROUTE-FAIL' });
      const r = await h.hotline.post<{ ticketId: string }>('/connectors/hotline/orders', o);
      expect(r.status).toBe(201);
      await waitState(h, r.body.ticketId, 'disputed');
      const attempts = (await h.hub.ds.query(
        `SELECT count(*)::int AS n FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.ticket_id = $1 AND o.target = 'router' AND a.outcome = 'retry'`,
        [r.body.ticketId],
      )) as Body[];
      expect(attempts[0].n).toBeGreaterThanOrEqual(3);
      const queue = await h.office.get<{ items: Body[] }>('/office/disputes');
      const item = queue.body.items.find((i) => i.ticketId === r.body.ticketId);
      expect(item).toMatchObject({ queue: 'designate', reasonCode: 'routing_failed', reason: expect.stringContaining('simulated routing failure') });
      expect(String(item?.reason)).toContain('连续失败 3 次');
      await h.hub.ds.query(`DROP TRIGGER test_fail_routing ON tickets`);
      const designated = await h.office.post(`/office/tickets/${r.body.ticketId}/designate`, { unit: UNIT_A });
      expect(designated).toMatchObject({ status: 200, body: { state: 'dispatched' } });
    } finally {
      await h.hub.ds.query(`DROP TRIGGER IF EXISTS test_fail_routing ON tickets`);
      await h.hub.ds.query(`DROP FUNCTION IF EXISTS test_fail_routing()`);
    }
  });

  it('item 2 (沪府办〔2020〕49号 Art. 4(一)): the office returns a national transfer while its 5-WD return clock runs, also after dispatch; 409 after the window or the result', async () => {
    await resetWorld(h);
    // (a) in the dispute queue (city-level location, no line): a return clock of 5 WD from receipt, warned and supervised at the office
    const disputedT = nationalTransfer({ regionCode: '310000', categoryCode: '9901' });
    const disputed = await pollTransfer(disputedT);
    await waitState(h, disputed, 'disputed');
    const [clock] = (await h.hub.ds.query(
      `SELECT id::text AS id, state, days, due, warn_at AS "warnAt", next_fire_at AS "nextFireAt" FROM ticket_clocks WHERE ticket_id = $1 AND type = 'return'`,
      [disputed],
    )) as Array<{ id: string; state: string; days: number; due: Date; warnAt: Date; nextFireAt: Date }>;
    expect(clock).toMatchObject({ state: 'running', days: 5 });
    expect(clock.nextFireAt.getTime()).toBe(clock.warnAt.getTime());
    const clocks = h.hub.apps.router!.get(ClockService);
    expect(await h.hub.ds.transaction((tx) => clocks.fire(tx, clock.id, new Date(clock.due.getTime() + 1000)))).toBe('supervised');
    const [sup] = (await h.hub.ds.query(`SELECT data FROM ticket_events WHERE ticket_id = $1 AND type = 'supervised'`, [disputed])) as Array<{ data: Body }>;
    expect(sup.data).toMatchObject({ clock: 'return', level: 'office' });

    const bad = await h.office.post(`/office/tickets/${disputed}/return`, { reason: 'dislike', detail: '' });
    expect(bad.status).toBe(400);
    expect((bad.body.fields as Body[]).map((f) => f.path).sort()).toEqual(['detail', 'reason']);
    // the clock was made to miss above: the window is over, the return refused
    const late = await h.office.post(`/office/tickets/${disputed}/return`, { reason: 'out_of_jurisdiction', detail: '属于中央事权' });
    expect(late).toMatchObject({ status: 409, body: { error: 'not_allowed', message: expect.stringContaining('5 working days') } });

    // (b) dispatched, the unit objects (not the city's power): the office returns it; the unit is told, its clocks stop
    const handledT = nationalTransfer({ regionCode: '310104', categoryCode: '0101' });
    const handled = await pollTransfer(handledT);
    await waitState(h, handled, 'dispatched');
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${handled}/sign`);
    const objected = await a.post(`/work-orders/${handled}/objection`, { reason: '属于中央事权，非本市事权', legalBasis: '事权划分规定', suggestedUnit: UNIT_B });
    expect(objected.body).toMatchObject({ state: 'objected' });
    const returned = await h.office.post(`/office/tickets/${handled}/return`, { reason: 'out_of_jurisdiction', detail: '属于中央事权，非本市事权' });
    expect(returned).toMatchObject({ status: 200, body: { state: 'returned' } });
    await settled(h, handled);
    const sent = h.national.returns().filter((r) => r.pathname.includes(String(handledT.transferId)));
    expect(sent.map((r) => r.body)).toEqual([expect.objectContaining({ reason: 'out_of_jurisdiction', detail: '属于中央事权，非本市事权' })]);
    expect(workOrdersAt(h, UNIT_A, handled).map((w) => w.type)).toEqual(['assigned', 'withdrawn']);
    const open = (await h.hub.ds.query(`SELECT type, state FROM ticket_clocks WHERE ticket_id = $1 AND state IN ('running','missed')`, [handled])) as Body[];
    expect(open).toEqual([]);

    // (c) once the platform has the result, no return
    const doneT = nationalTransfer({ regionCode: '310104', categoryCode: '0101' });
    const done = await pollTransfer(doneT);
    await waitState(h, done, 'dispatched');
    await a.post(`/work-orders/${done}/sign`);
    await a.post(`/work-orders/${done}/reply`, { ...REPLY, ...SEALED });
    expect((await h.office.post(`/office/tickets/${done}/callback`, SATISFIED)).body).toMatchObject({ state: 'closed' });
    const after = await h.office.post(`/office/tickets/${done}/return`, { reason: 'out_of_jurisdiction', detail: '补退' });
    expect(after).toMatchObject({ status: 409, body: { message: expect.stringContaining('result') } });
  });

  it('item 4 (沪府办〔2020〕49号 Art. 6(二), 7(二)): 差评 appeals are filed and decided within 15 WD of receipt, objections reviewed within 5; a review pending at the end lapses', async () => {
    await resetWorld(h);
    const a = await h.unit(UNIT_A);
    const clocks = h.hub.apps.router!.get(ClockService);
    const EVIDENCE = [{ name: '办件记录.pdf', url: 'https://files.example.gov.cn/case.pdf', sha256: 'a'.repeat(64) }];
    const evaluation = async (): Promise<string> => {
      const r = await h.ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ywtbEvaluation({ unitCode: UNIT_A, rating: 1 }));
      await waitState(h, r.body.ticketId, 'dispatched');
      await a.post(`/work-orders/${r.body.ticketId}/sign`);
      return r.body.ticketId;
    };
    const windowClock = async (ticketId: string, type: string): Promise<{ id: string; due: Date; state: string }> => {
      const [c] = (await h.hub.ds.query(`SELECT id::text AS id, due, state FROM ticket_clocks WHERE ticket_id = $1 AND type = $2 ORDER BY id DESC LIMIT 1`, [ticketId, type])) as Array<{ id: string; due: Date; state: string }>;
      return c;
    };
    const expire = async (ticketId: string, type: string): Promise<void> => {
      const c = await windowClock(ticketId, type);
      expect(await h.hub.ds.transaction((tx) => clocks.fire(tx, c.id, new Date(c.due.getTime() + 1000)))).toBe('expired');
    };

    // An appeal filed after day 15 of the order is refused (the order reached the unit 40 days ago).
    const old = await evaluation();
    await h.hub.ds.query(`UPDATE tickets SET assigned_at = now() - interval '40 days' WHERE id = $1`, [old]);
    const late = await a.post(`/work-orders/${old}/appeal`, { reason: '评价不属实', evidence: EVIDENCE });
    expect(late).toMatchObject({ status: 409, body: { error: 'not_allowed', message: expect.stringContaining('15 working days') } });

    // An appeal in time but not decided in time: upholding it after the window is refused; at the end it lapses.
    const pending = await evaluation();
    const appeal = await a.post(`/work-orders/${pending}/appeal`, { reason: '评价不属实', evidence: EVIDENCE });
    expect(appeal.body).toMatchObject({ state: 'appealed' });
    await h.hub.ds.query(`UPDATE ticket_clocks SET due = now() - interval '1 second', next_fire_at = now() - interval '1 second' WHERE ticket_id = $1 AND type = 'appeal' AND state = 'running'`, [pending]);
    const upheld = await h.office.post(`/office/appeals/${String(appeal.body.recordId)}/review`, { decision: 'upheld' });
    expect(upheld).toMatchObject({ status: 409, body: { message: expect.stringContaining('差评 stands') } });
    await expire(pending, 'appeal');
    const [afterAppeal] = (await h.hub.ds.query(`SELECT state FROM tickets WHERE id = $1`, [pending])) as Body[];
    expect(afterAppeal.state).toBe('signed');
    const [appealRow] = (await h.hub.ds.query(`SELECT status FROM work_order_appeals WHERE ticket_id = $1`, [pending])) as Body[];
    expect(appealRow.status).toBe('refused');

    // An objection unreviewed when its 5 WD end lapses too: the unit carries on; accepting it afterwards is refused.
    const objectedId = await evaluation();
    const objection = await a.post(`/work-orders/${objectedId}/objection`, { reason: '不属于本部门受理范围', legalBasis: '三定方案', suggestedUnit: UNIT_B });
    expect(objection.body).toMatchObject({ state: 'objected' });
    expect((await windowClock(objectedId, 'objection')).state).toBe('running');
    await h.hub.ds.query(`UPDATE ticket_clocks SET due = now() - interval '1 second', next_fire_at = now() - interval '1 second' WHERE ticket_id = $1 AND type = 'objection' AND state = 'running'`, [objectedId]);
    const tooLate = await h.office.post(`/office/objections/${String(objection.body.recordId)}/review`, { decision: 'accepted' });
    expect(tooLate).toMatchObject({ status: 409, body: { message: expect.stringContaining('5 working days') } });
    await expire(objectedId, 'objection');
    const [afterObjection] = (await h.hub.ds.query(`SELECT state, unit_code FROM tickets WHERE id = $1`, [objectedId])) as Body[];
    expect(afterObjection).toEqual({ state: 'signed', unit_code: UNIT_A });
  });


  it('item 6 (沪府办〔2020〕49号 Art. 4(六) "对意见建议类评价，“好差评”仍需回复"): a 3–5 rating with a comment becomes a suggestion answered on the evaluation\'s path; without one it stays a statistic', async () => {
    await resetWorld(h);
    const ev = ywtbEvaluation({ unitCode: UNIT_A, rating: 4, reasons: [], comment: '办理很顺利，建议窗口周末也开放' });
    const posted = await h.ywtb.post<Body>('/connectors/ywtb/evaluations', ev);
    // Answered as the agreement answers every 3–5 rating (202 recorded), with the ticket it became.
    expect(posted).toMatchObject({ status: 202, body: { recorded: true, ticketId: expect.any(String), status: 'received' } });
    const ticketId = String(posted.body.ticketId);
    expect((await h.ywtb.post<Body>('/connectors/ywtb/evaluations', ev)).body).toMatchObject({ recorded: true, ticketId, redelivered: true });
    await waitState(h, ticketId, 'dispatched');
    const [t] = (await h.hub.ds.query(`SELECT kind, source_record AS record, unit_code AS unit FROM tickets WHERE id = $1`, [ticketId])) as Body[];
    expect(t).toEqual({ kind: 'suggestion', record: 'evaluation', unit: UNIT_A });

    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    // Not a 差评: nothing to appeal.
    expect((await a.post(`/work-orders/${ticketId}/appeal`, { reason: '评价不属实', evidence: [{ name: 'x.pdf', url: 'https://files.example.gov.cn/x.pdf', sha256: 'a'.repeat(64) }] })).status).toBe(409);
    expect((await a.post(`/work-orders/${ticketId}/reply`, REPLY)).body).toMatchObject({ state: 'replied' });
    await settled(h, ticketId);
    const heard = statuses(h.ywtbFake, 'evaluations', String(ev.evaluationId));
    expect(heard.map((b) => b.type)).toEqual(['accepted', 'dispatched', 'signed', 'replied']);
    expect(heard[3]).toMatchObject({ evaluationId: ev.evaluationId, replyPoints: REPLY.replyPoints });

    // 3–5 without a comment: recorded only, no ticket.
    const bare = ywtbEvaluation({ unitCode: UNIT_A, rating: 5, reasons: [], comment: '' });
    expect(await h.ywtb.post<Body>('/connectors/ywtb/evaluations', bare)).toMatchObject({ status: 202, body: { recorded: true, ticketId: null } });
    expect(await h.hub.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE external_id = $1`, [bare.evaluationId])).toEqual([{ n: 0 }]);
  });

  it('item 7 (Yunnan Measures Art. 10, 11, 13): with the Yunnan policy, 交办 in 2 WD from intake, 受理 in 3 from dispatch, 10 from 受理; the extension informs the complainant; 当场办结 meets every clock', async () => {
    await resetWorld(h);
    expect((await putSetting('clocks', { policies: [], table: { rules: [], defaultPolicyId: 'yunnan-2-3-10' } })).status).toBe(200);
    const clocksOf = async (ticketId: string): Promise<Body[]> =>
      (await h.hub.ds.query(`SELECT type, state, days, due_date::text AS "dueDate", started_at AS "startedAt" FROM ticket_clocks WHERE ticket_id = $1 ORDER BY id`, [ticketId])) as Body[];
    const { ticketId, orderNo } = await intakeOrder(h, order());
    // 交办 (forward) ran from intake and was met by the dispatch; the unit's 3 WD to accept run; no resolve yet.
    expect((await clocksOf(ticketId)).map((c) => [c.type, c.state, c.days])).toEqual([['forward', 'met', 2], ['accept', 'running', 3]]);

    const a = await h.unit(UNIT_A);
    const signedAt = Date.now();
    expect((await a.post(`/work-orders/${ticketId}/sign`)).body).toMatchObject({ state: 'signed', due: { resolve: expect.any(String) } });
    const afterSign = await clocksOf(ticketId);
    expect(afterSign.map((c) => [c.type, c.state, c.days])).toEqual([['forward', 'met', 2], ['accept', 'met', 3], ['resolve', 'running', 10]]);
    const resolve = afterSign[2];
    // 自受理之日起: counted from the 签收, not from the dispatch
    expect((resolve.startedAt as Date).getTime()).toBeGreaterThanOrEqual(signedAt - 1000);
    expect(resolve.dueDate).toBe(cal.addWorkingDays(resolve.startedAt as Date, 10).dueDate);

    // The extension takes effect on the unit's notice and the complainant hears it; nothing waits for the office.
    const longer = cal.addWorkingDays(resolve.startedAt as Date, 18).dueDate;
    const ext = await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: longer, reason: '需现场复核，情况复杂' });
    expect(ext.status).toBeLessThan(300);
    const [req] = (await h.hub.ds.query(`SELECT status FROM extension_requests WHERE ticket_id = $1`, [ticketId])) as Body[];
    expect(req.status).toBe('approved');
    expect((await clocksOf(ticketId)).find((c) => c.type === 'resolve' && c.state === 'running')?.dueDate).toBe(longer);
    // and it counts in the unit's figures as requested and approved, like one the office approved
    expect(await h.hub.ds.query(`SELECT fact, unit_code AS unit FROM report_facts WHERE ticket_id = $1 AND fact LIKE 'extension.%' ORDER BY fact`, [ticketId])).toEqual([
      { fact: 'extension.approved', unit: UNIT_A },
      { fact: 'extension.requested', unit: UNIT_A },
    ]);
    const tooLong = await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: cal.addWorkingDays(resolve.startedAt as Date, 21).dueDate, reason: '再延' });
    expect(tooLong).toMatchObject({ status: 422, body: { error: 'extension_beyond_cap' } });
    await settled(h, ticketId);
    const extended = statuses(h.hotlineFake, 'orders', orderNo).filter((b) => b.type === 'extended');
    expect(extended).toEqual([expect.objectContaining({ reason: expect.stringContaining('告知'), due: expect.objectContaining({ resolve: expect.stringContaining(longer) }) })]);

    // 交办 is the office's duty: a ticket it still holds (dispute queue) past the 2 WD is supervised at the office.
    const held = await intakeOrder(h, order({ location: undefined }), 'disputed');
    const [fwd] = (await h.hub.ds.query(`SELECT id::text AS id, due FROM ticket_clocks WHERE ticket_id = $1 AND type = 'forward' AND state = 'running'`, [held.ticketId])) as Array<{ id: string; due: Date }>;
    const clocks = h.hub.apps.router!.get(ClockService);
    expect(await h.hub.ds.transaction((tx) => clocks.fire(tx, fwd.id, new Date(fwd.due.getTime() + 1000)))).toBe('supervised');
    const [sup] = (await h.hub.ds.query(`SELECT data FROM ticket_events WHERE ticket_id = $1 AND type = 'supervised'`, [held.ticketId])) as Array<{ data: Body }>;
    expect(sup.data).toMatchObject({ clock: 'forward', level: 'office' });

    // 当场办结 on another ticket: signed and concluded on the spot, every clock met.
    const spot = await intakeOrder(h, order());
    await a.post(`/work-orders/${spot.ticketId}/sign`);
    expect((await a.post(`/work-orders/${spot.ticketId}/reply`, { ...REPLY, onTheSpot: true })).body).toMatchObject({ state: 'replied' });
    expect((await clocksOf(spot.ticketId)).map((c) => [c.type, c.state])).toEqual([['forward', 'met'], ['accept', 'met'], ['resolve', 'met']]);
  });

  it('item 8 (city practice: urgent tiers in hours): the order\'s urgency picks an hour policy through the office\'s settings; the due keeps its wire form; a calendar change leaves it', async () => {
    await resetWorld(h);
    const URGENT = { id: 'urgent-2h-24h', name: '紧急：2 小时联系，24 小时办结', days: { contact: { n: 2, unit: 'hour' }, resolve: { n: 24, unit: 'hour' } }, dispatchClocks: ['contact', 'resolve'] };
    const table = { rules: [{ source: 'national', policyId: 'national' }, { source: 'hotline', urgency: 'urgent', policyId: URGENT.id }], defaultPolicyId: 'shanghai-1-5-15' };
    // Refused precisely, nothing saved: a bad unit, a rule naming no policy.
    const bad = await putSetting('clocks', { policies: [{ ...URGENT, days: { contact: { n: 2, unit: 'minute' } } }], table: { ...table, rules: [{ urgency: 'urgent', policyId: 'nope' }] } });
    expect(bad.status).toBe(400);
    expect((bad.body.fields as Body[]).map((f) => f.path)).toEqual(['policies[0]', 'table.rules[0].policyId']);
    expect((await putSetting('clocks', { policies: [URGENT], table })).status).toBe(200);

    const urgent = await intakeOrder(h, order({ urgency: 'urgent' }));
    const normal = await intakeOrder(h, order());
    const clocksOf = async (ticketId: string): Promise<Body[]> =>
      (await h.hub.ds.query(`SELECT type, policy_id AS "policyId", span_unit AS unit, days, started_at AS "startedAt", due FROM ticket_clocks WHERE ticket_id = $1 AND state = 'running' ORDER BY type`, [ticketId])) as Body[];
    const u = await clocksOf(urgent.ticketId);
    expect(u.map((c) => [c.type, c.policyId, c.unit, c.days])).toEqual([['contact', URGENT.id, 'hour', 2], ['resolve', URGENT.id, 'hour', 24]]);
    for (const c of u) expect((c.due as Date).getTime() - (c.startedAt as Date).getTime()).toBe((c.days as number) * 3_600_000);
    expect((await clocksOf(normal.ticketId)).map((c) => [c.type, c.policyId, c.unit])).toEqual([['contact', 'shanghai-1-5-15', 'workday'], ['objection', 'shanghai-1-5-15', 'workday'], ['resolve', 'shanghai-1-5-15', 'workday']]);

    // The source hears the due as always: the last second inside the period, in the jurisdiction's zone.
    await settled(h, urgent.ticketId);
    const dispatched = statuses(h.hotlineFake, 'orders', urgent.orderNo).find((b) => b.type === 'dispatched');
    const lastSecond = (d: Date): string => new Date(d.getTime() - 1000 + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
    expect(dispatched?.due).toEqual({ contact: lastSecond(u[0].due as Date), resolve: lastSecond(u[1].due as Date) });

    // Recomputing every running clock under the calendar leaves hour clocks where they are.
    const clocks = h.hub.apps.router!.get(ClockService);
    await h.hub.ds.transaction((tx) => clocks.recomputeOpenClocks(tx, 'all'));
    expect((await clocksOf(urgent.ticketId)).map((c) => (c.due as Date).getTime())).toEqual(u.map((c) => (c.due as Date).getTime()));
    // An hour clock is not extended.
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${urgent.ticketId}/sign`);
    const asked = await a.post(`/work-orders/${urgent.ticketId}/extension-requests`, { dueDate: cal.addWorkingDays(new Date(), 3).dueDate, reason: '需要更多时间' });
    expect(asked).toMatchObject({ status: 422, body: { error: 'extension_not_extendable' } });
  });

  it('item 9b (沪府办〔2020〕49号 Art. 4(四) "100%回访"): a callback that reaches nobody closes the ticket after the office\'s number of calls, outside the satisfaction figures', async () => {
    await resetWorld(h, { maxBounces: 2, unsatisfiedBeforeTerminate: 2, callbackAttempts: 2 });
    const a = await h.unit(UNIT_A);
    const toReplied = async (over: Body = {}): Promise<{ ticketId: string; orderNo: string }> => {
      const t = await intakeOrder(h, order(over));
      await a.post(`/work-orders/${t.ticketId}/sign`);
      expect((await a.post(`/work-orders/${t.ticketId}/reply`, REPLY)).body).toMatchObject({ state: 'replied' });
      return t;
    };
    const UNREACHABLE = { unreachable: true, note: '电话无人接听' };

    const { ticketId, orderNo } = await toReplied();
    // A call that reached nobody carries no visit: scores with it are refused, field by field, and nothing changes.
    const before = await footprint(h, ticketId);
    const mixed = await h.office.post(`/office/tickets/${ticketId}/callback`, { ...UNREACHABLE, satisfied: true, result: 5 });
    expect(mixed.status).toBe(400);
    expect((mixed.body.fields as Body[]).map((f) => f.path).sort()).toEqual(['result', 'satisfied']);
    expect(await footprint(h, ticketId)).toEqual(before);

    // The office set 2 calls: the first leaves it awaiting the callback, the second closes it.
    expect((await h.office.post(`/office/tickets/${ticketId}/callback`, UNREACHABLE)).body).toMatchObject({ state: 'replied' });
    expect((await h.office.post(`/office/tickets/${ticketId}/callback`, UNREACHABLE)).body).toMatchObject({ state: 'closed' });
    await settled(h, ticketId);
    const closed = statuses(h.hotlineFake, 'orders', orderNo).filter((b) => b.type === 'closed');
    expect(closed).toEqual([expect.objectContaining({ reason: 'unreachable', replyPoints: REPLY.replyPoints, unit: expect.objectContaining({ code: UNIT_A }) })]);
    const events = (await h.hub.ds.query(`SELECT type FROM ticket_events WHERE ticket_id = $1 AND type LIKE 'call%' ORDER BY id`, [ticketId])) as Body[];
    expect(events.map((e) => e.type)).toEqual(['callback_unreachable', 'callback_unreachable']);
    // Not a callback for the reports (satisfaction, resolution): no visit was recorded, no fact counted.
    const facts = (await h.hub.ds.query(`SELECT fact FROM report_facts WHERE ticket_id = $1 AND fact IN ('callback', 'reopened')`, [ticketId])) as Body[];
    expect(facts).toEqual([]);
    expect((await footprint(h, ticketId)).callbacks).toBe(0);

    // An anonymous citizen cannot be called back: the first call closes it.
    const anon = await toReplied({ citizen: { anonymous: true, confidential: false } });
    expect((await h.office.post(`/office/tickets/${anon.ticketId}/callback`, { unreachable: true })).body).toMatchObject({ state: 'closed' });

    // A national transfer's result carries the visit's scores: it cannot be closed this way.
    const transfer = nationalTransfer({ regionCode: '310104', categoryCode: '0101' });
    const national = await pollTransfer(transfer);
    await waitState(h, national, 'dispatched');
    await a.post(`/work-orders/${national}/sign`);
    await a.post(`/work-orders/${national}/reply`, { ...REPLY, ...SEALED });
    const refused = await h.office.post(`/office/tickets/${national}/callback`, UNREACHABLE);
    expect(refused).toMatchObject({ status: 409, body: { error: 'not_allowed', message: expect.stringContaining('national') } });
  });

  it('item 9 (沪府办〔2020〕49号 Art. 5): an anonymous ticket has no contact duty: no contact clock, no contact due to the source', async () => {
    await resetWorld(h);
    const o = order({ citizen: { anonymous: true, confidential: false } });
    const { ticketId, orderNo } = await intakeOrder(h, o);
    const types = (await h.hub.ds.query(`SELECT type FROM ticket_clocks WHERE ticket_id = $1 ORDER BY type`, [ticketId])) as Body[];
    expect(types.map((t) => t.type)).toEqual(['objection', 'resolve']);
    await settled(h, ticketId);
    const dispatched = statuses(h.hotlineFake, 'orders', orderNo).find((b) => b.type === 'dispatched');
    expect(Object.keys(dispatched?.due as Body)).toEqual(['resolve']);
    // the unit cannot be supervised for a contact it cannot make: its contact step is still allowed, but nothing is due
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    expect((await a.post(`/work-orders/${ticketId}/contact`)).status).toBe(200);
  });
});
