/**
 * The life of a work order from dispatch to archive, through the hub's HTTP API only, checked at
 * the fake upstreams (docs/domain.md#work-order-life; docs/contracts.md#hotline-status-events, docs/contracts.md#unit-systems). Stories 1, 2, 5, 6, 8
 * of issue 6: the unit handles, the office calls back.
 */
import { eventually } from '../support/harness';
import {
  REPLY,
  SATISFIED,
  UNIT_A,
  UNIT_B,
  UNSATISFIED,
  footprint,
  hotlineTypes,
  intakeOrder,
  order,
  resetWorld,
  startLifecycleHub,
  statuses,
  workOrdersAt,
  type Body,
  type LifecycleHub,
} from './lifecycle-kit';

jest.setTimeout(180_000);

describe('the life of a hotline work order (units and the office through the HTTP API)', () => {
  let h: LifecycleHub;

  beforeAll(async () => {
    h = await startLifecycleHub();
  });
  beforeEach(() => resetWorld(h));
  afterAll(() => h?.close());

  it('story 1: dispatched → signed → contacted → replied → callback satisfied → closed', async () => {
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);

    const sign = await a.post(`/work-orders/${ticketId}/sign`);
    expect(sign).toMatchObject({ status: 200, body: { previousState: 'dispatched', state: 'signed' } });
    expect((sign.body.allowedActions as string[]).sort()).toEqual(['contact', 'object', 'reply', 'request_extension']);
    expect((await a.post(`/work-orders/${ticketId}/contact`, { note: '电话联系市民，约定上门时间' })).body).toMatchObject({ state: 'contacted' });
    const reply = await a.post(`/work-orders/${ticketId}/reply`, { ...REPLY, attachments: [{ name: '检查记录.pdf', url: 'https://files.example.gov.cn/r.pdf' }] });
    expect(reply).toMatchObject({ status: 200, body: { state: 'replied', recordId: expect.any(String) } });
    const callback = await h.office.post(`/office/tickets/${ticketId}/callback`, SATISFIED);
    expect(callback).toMatchObject({ status: 200, body: { previousState: 'replied', state: 'closed' } });

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'signed', 'contacted', 'replied', 'closed']);
    const got = statuses(h.hotlineFake, 'orders', orderNo);
    expect(got[1]).toMatchObject({ unit: { code: UNIT_A }, due: { contact: expect.any(String), resolve: expect.any(String) } });
    expect(got[4]).toMatchObject({ type: 'replied', replyPoints: REPLY.replyPoints, unit: { code: UNIT_A } });
    expect(got[5]).toMatchObject({ type: 'closed', replyPoints: REPLY.replyPoints });
    expect(got.every((b) => b.orderNo === orderNo && b.ticketId === ticketId)).toBe(true);

    // The unit's own system got the order with the citizen in clear: it is the handler (docs/contracts.md#unit-systems).
    const [assigned] = workOrdersAt(h, UNIT_A, ticketId);
    expect(assigned).toMatchObject({ type: 'assigned', role: 'lead', due: { contact: expect.any(String), resolve: expect.any(String) } });
    expect((assigned.ticket as Body).citizen).toMatchObject({ name: '张三' });

    // The unit's view: history with who/before/after, the clocks met, nothing left to do.
    const view = await a.get(`/work-orders/${ticketId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ state: 'closed', role: 'lead', unit: { code: UNIT_A }, allowedActions: [] });
    const history = view.body.history as Array<{ type: string; actor: string; data: Body }>;
    const replied = history.find((e) => e.type === 'replied');
    expect(replied).toMatchObject({ actor: `unit:${UNIT_A}:staff-${UNIT_A}`, data: { before: { state: 'contacted' }, after: { state: 'replied' } } });
    const clocks = view.body.clocks as Array<{ type: string; state: string }>;
    expect(clocks.filter((c) => c.type === 'contact' || c.type === 'resolve').map((c) => c.state)).toEqual(['met', 'met']);
    expect((view.body.replies as Body[])[0]).toMatchObject({ unitCode: UNIT_A, report: REPLY.report });
    expect((view.body.callbacks as Body[])[0]).toMatchObject({ satisfied: true, result: 5, efficiency: 4, attitude: 5 });
    // The lead sees the citizen in clear, and that read is on record (Yunnan Measures Art. 9).
    expect(view.body.citizen).toMatchObject({ name: '张三' });
    // Two clear reads, each on record: the work order sent to the unit's own system, and the staff's view.
    const reads = (await h.hub.ds.query(`SELECT actor_id, actor_unit, fields, purpose FROM pii_access_log WHERE ticket_id = $1 ORDER BY purpose`, [ticketId])) as Body[];
    expect(reads).toEqual([
      expect.objectContaining({ actor_id: `unit_system:${UNIT_A}`, actor_unit: UNIT_A, purpose: 'unit_system_work_order', fields: expect.arrayContaining(['name', 'phone']) }),
      expect.objectContaining({ actor_id: `staff-${UNIT_A}`, actor_unit: UNIT_A, purpose: 'work_order_read', fields: expect.arrayContaining(['name', 'phone']) }),
    ]);

    // My list: the closed order is there; another unit neither lists nor sees it.
    const mine = await a.get<{ items: Body[]; total: number }>(`/work-orders?state=closed`);
    expect(mine.body).toMatchObject({ total: 1, items: [{ id: ticketId, state: 'closed', role: 'lead' }] });
    const b = await h.unit(UNIT_B);
    expect((await b.get<{ total: number }>(`/work-orders`)).body.total).toBe(0);
    expect((await b.get(`/work-orders/${ticketId}`)).status).toBe(404);
    expect((await b.post(`/work-orders/${ticketId}/reply`, REPLY)).status).toBe(404);
  });

  it('story 2: a complex matter gets an extension approved; the new due reaches the hotline', async () => {
    const { ticketId, orderNo } = await intakeOrder(h, order({ complex: true }));
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);

    // Beyond the cap (a complex matter: 30 working days in all) → 422, and nothing changes.
    const far = await deadline(h, 45);
    const before = await footprint(h, ticketId);
    const tooLate = await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: far.dueDate, reason: '涉及多个部门联合执法' });
    expect(tooLate).toMatchObject({ status: 422, body: { error: 'extension_beyond_cap' } });
    expect(await footprint(h, ticketId)).toEqual(before);

    const wanted = await deadline(h, 22);
    const asked = await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: wanted.dueDate, reason: '涉及多个部门联合执法，需要检测报告' });
    expect(asked).toMatchObject({ status: 201, body: { state: 'signed', recordId: expect.any(String) } });
    // One request at a time.
    expect((await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: wanted.dueDate, reason: 'again' })).body).toMatchObject({ error: 'not_allowed' });

    const approved = await h.office.post(`/office/extension-requests/${String(asked.body.recordId)}/review`, { decision: 'approved', note: '同意延期' });
    expect(approved).toMatchObject({ status: 200, body: { state: 'signed', due: { resolve: expect.stringMatching(new RegExp(`^${wanted.dueDate}T23:59:59`)) } } });
    // Deciding it twice is refused: nothing is pending any more.
    expect((await h.office.post(`/office/extension-requests/${String(asked.body.recordId)}/review`, { decision: 'approved' })).status).toBe(409);

    await a.post(`/work-orders/${ticketId}/contact`);
    await a.post(`/work-orders/${ticketId}/reply`, REPLY);
    await h.office.post(`/office/tickets/${ticketId}/callback`, SATISFIED);

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'signed', 'extended', 'contacted', 'replied', 'closed']);
    const got = statuses(h.hotlineFake, 'orders', orderNo);
    const firstDue = (got[1].due as Record<string, string>).resolve;
    const extended = got[3];
    expect(extended).toMatchObject({ type: 'extended', unit: { code: UNIT_A }, due: { resolve: expect.stringMatching(new RegExp(`^${wanted.dueDate}T23:59:59`)) } });
    expect((extended.due as Record<string, string>).resolve > firstDue).toBe(true);
  });

  it('story 5: unsatisfied callback → reopened with a fresh resolve clock → replied again → satisfied', async () => {
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    await a.post(`/work-orders/${ticketId}/contact`);
    await a.post(`/work-orders/${ticketId}/reply`, REPLY);

    const unhappy = await h.office.post(`/office/tickets/${ticketId}/callback`, UNSATISFIED);
    expect(unhappy).toMatchObject({ status: 200, body: { previousState: 'replied', state: 'signed', due: { resolve: expect.any(String) } } });
    const again = await a.post(`/work-orders/${ticketId}/reply`, { report: '再次上门核查，督促餐馆完成整改并复查合格。', replyPoints: '整改已完成，复查合格。' });
    expect(again.body).toMatchObject({ state: 'replied' });
    expect((await h.office.post(`/office/tickets/${ticketId}/callback`, SATISFIED)).body).toMatchObject({ state: 'closed' });

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'signed', 'contacted', 'replied', 'reopened', 'replied', 'closed']);
    const got = statuses(h.hotlineFake, 'orders', orderNo);
    expect(got[5]).toMatchObject({ type: 'reopened', due: { resolve: expect.any(String) } });
    expect(got[7]).toMatchObject({ type: 'closed', replyPoints: '整改已完成，复查合格。' });
    // The unit's system was told to redo it (重办, docs/contracts.md#unit-systems).
    expect(workOrdersAt(h, UNIT_A, ticketId).map((w) => w.type)).toEqual(['assigned', 'reopened']);
    const resolveClocks = (await h.hub.ds.query(`SELECT state FROM ticket_clocks WHERE ticket_id = $1 AND type = 'resolve' ORDER BY id`, [ticketId])) as Body[];
    expect(resolveClocks.map((c) => c.state)).toEqual(['met', 'met']);
  });

  it('story 6: unsatisfied twice with the same answer → the office terminates (存电)', async () => {
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    await a.post(`/work-orders/${ticketId}/contact`);
    await a.post(`/work-orders/${ticketId}/reply`, REPLY);
    await h.office.post(`/office/tickets/${ticketId}/callback`, UNSATISFIED);

    // One unsatisfied callback is not yet "多次答复" (沪府办〔2020〕49号 Art. 4(三)).
    const early = await h.office.post(`/office/tickets/${ticketId}/terminate`, { reason: '已多次答复' });
    expect(early).toMatchObject({ status: 409, body: { error: 'not_allowed', state: 'signed' } });
    expect(early.body.allowed).not.toContain('terminate');

    await a.post(`/work-orders/${ticketId}/reply`, { ...REPLY, maintainsPreviousAnswer: true });
    await h.office.post(`/office/tickets/${ticketId}/callback`, UNSATISFIED);
    const done = await h.office.post(`/office/tickets/${ticketId}/terminate`, { reason: '已依法依规多次答复，诉求人仍不满意，经审核存电' });
    expect(done).toMatchObject({ status: 200, body: { state: 'terminated', allowedActions: [] } });

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'signed', 'contacted', 'replied', 'reopened', 'replied', 'reopened', 'terminated']);
    expect(statuses(h.hotlineFake, 'orders', orderNo)[8]).toMatchObject({ type: 'terminated', reason: '已依法依规多次答复，诉求人仍不满意，经审核存电' });
    const open = (await h.hub.ds.query(`SELECT count(*)::int AS n FROM ticket_clocks WHERE ticket_id = $1 AND state IN ('running','missed')`, [ticketId])) as Body[];
    expect(open[0].n).toBe(0);
  });

  it('story 8: lead and co-handler — the co-handler’s input reaches the lead, the lead replies for both', async () => {
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);
    const b = await h.unit(UNIT_B);
    const set = await h.office.post(`/office/tickets/${ticketId}/units`, { lead: UNIT_A, coUnits: [UNIT_B] });
    expect(set).toMatchObject({ status: 200, body: { unit: UNIT_A, coUnits: [UNIT_B], state: 'dispatched' } });

    // The co-handler's system gets the order as `co` (docs/contracts.md#unit-systems) and B lists it as co-handled.
    const [coOrder] = await eventually(async () => workOrdersAt(h, UNIT_B, ticketId).length > 0 && workOrdersAt(h, UNIT_B, ticketId));
    expect(coOrder).toMatchObject({ type: 'assigned', role: 'co' });
    expect((await b.get<{ items: Body[] }>(`/work-orders`)).body.items).toEqual([expect.objectContaining({ id: ticketId, role: 'co' })]);

    // Only the lead signs and answers (谁承办，谁答复); a co-handler is told so, not "not found".
    expect((await b.post(`/work-orders/${ticketId}/sign`)).body).toMatchObject({ error: 'forbidden' });
    const input = await b.post(`/work-orders/${ticketId}/co-input`, { content: '区政府已协调街道配合执法，门店租赁情况见附件。', attachments: [{ name: '租赁情况.pdf', url: 'https://files.example.gov.cn/lease.pdf' }] });
    expect(input).toMatchObject({ status: 200, body: { state: 'dispatched', recordId: expect.any(String) } });
    expect((await a.post(`/work-orders/${ticketId}/co-input`, { content: 'lead is no co-handler' })).status).toBe(403);

    const leadView = await a.get(`/work-orders/${ticketId}`);
    expect(leadView.body).toMatchObject({ role: 'lead', coUnits: [{ code: UNIT_B }] });
    expect(leadView.body.coInputs).toEqual([expect.objectContaining({ unitCode: UNIT_B, leadUnitCode: UNIT_A, content: '区政府已协调街道配合执法，门店租赁情况见附件。' })]);

    await a.post(`/work-orders/${ticketId}/sign`);
    await a.post(`/work-orders/${ticketId}/contact`);
    expect((await b.post(`/work-orders/${ticketId}/reply`, REPLY)).status).toBe(403);
    await a.post(`/work-orders/${ticketId}/reply`, REPLY);
    await h.office.post(`/office/tickets/${ticketId}/callback`, SATISFIED);

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'signed', 'contacted', 'replied', 'closed']);
    expect(statuses(h.hotlineFake, 'orders', orderNo)[4]).toMatchObject({ type: 'replied', unit: { code: UNIT_A }, replyPoints: REPLY.replyPoints });
  });
});

/** N working days after now by the hub's own calendar (the day of `from` not counted). */
async function deadline(h: LifecycleHub, days: number): Promise<{ dueDate: string; due: string }> {
  const r = await h.office.get<{ dueDate: string; due: string }>(`/calendar/deadline?from=${encodeURIComponent(new Date().toISOString())}&days=${days}`);
  if (r.status !== 200) throw new Error(`calendar answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
