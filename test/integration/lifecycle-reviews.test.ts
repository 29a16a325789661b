/**
 * The office's reviews through the HTTP API, checked at the fake upstreams: a 差评 appeal from
 * 一网通办 (沪府办〔2020〕49号 Art. 6), objections and designation (沪府办〔2020〕49号 Art. 7), and a national transfer from
 * receipt to result (docs/contracts.md#national-messages). Stories 3, 4 and 7 of issue 6.
 */
import { NationalPollerService } from '../../apps/gateway/src/intake/national-poller.service';
import { nationalTransfer, ywtbEvaluation } from '../factories/tickets.factory';
import { eventually } from '../support/harness';
import {
  REPLY,
  SATISFIED,
  UNIT_A,
  UNIT_B,
  UNIT_C,
  footprint,
  hotlineTypes,
  intakeOrder,
  order,
  resetWorld,
  settled,
  startLifecycleHub,
  statuses,
  waitState,
  workOrdersAt,
  type Body,
  type LifecycleHub,
} from './lifecycle-kit';

jest.setTimeout(180_000);

const OBJECTION = { reason: '该餐馆位于长宁区，不属本局管辖', legalBasis: '《食品安全法》第六条：属地管理', suggestedUnit: UNIT_B };

describe('reviews by the office: appeals, objections, designation, national results', () => {
  let h: LifecycleHub;

  beforeAll(async () => {
    h = await startLifecycleHub();
  });
  afterAll(() => h?.close());

  it('story 3: a 差评 from 一网通办, the unit appeals with evidence, upheld → `unfounded`', async () => {
    await resetWorld(h);
    const ev = ywtbEvaluation({ unitCode: UNIT_A, rating: 1, applicant: { name: '李四', phone: '13900009901' } });
    const posted = await h.ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ev);
    expect(posted.status).toBe(201);
    const ticketId = posted.body.ticketId;
    await waitState(h, ticketId, 'dispatched');
    const a = await h.unit(UNIT_A);

    expect((await a.post(`/work-orders/${ticketId}/sign`)).body).toMatchObject({ state: 'signed', allowedActions: expect.arrayContaining(['appeal']) });
    // An appeal without evidence is no appeal (沪府办〔2020〕49号 Art. 6(一)).
    const bare = await a.post(`/work-orders/${ticketId}/appeal`, { reason: '评价不属实', evidence: [] });
    expect(bare).toMatchObject({ status: 400, body: { error: 'validation_failed', fields: [expect.objectContaining({ path: 'evidence' })] } });
    const appeal = await a.post(`/work-orders/${ticketId}/appeal`, {
      reason: '办件记录显示申请材料一次性告知，办理时间在承诺时限内，差评与事实不符。',
      evidence: [{ name: '办件记录.pdf', url: 'https://files.example.gov.cn/case.pdf', sha256: 'a'.repeat(64) }],
    });
    expect(appeal).toMatchObject({ status: 200, body: { previousState: 'signed', state: 'appealed', recordId: expect.any(String) } });
    // The 15-day window counts from when the unit received the order (沪府办〔2020〕49号 Art. 6(二)).
    const [appealClock] = (await h.hub.ds.query(`SELECT state FROM ticket_clocks WHERE ticket_id = $1 AND type = 'appeal'`, [ticketId])) as Body[];
    expect(appealClock).toEqual({ state: 'running' });

    const upheld = await h.office.post(`/office/appeals/${String(appeal.body.recordId)}/review`, { decision: 'upheld', reason: '经核查办件记录，差评不属实' });
    expect(upheld).toMatchObject({ status: 200, body: { state: 'unfounded', allowedActions: [] } });

    await settled(h, ticketId);
    const got = statuses(h.ywtbFake, 'evaluations', String(ev.evaluationId));
    expect(got.map((b) => b.type)).toEqual(['accepted', 'dispatched', 'signed', 'unfounded']);
    expect(got[3]).toMatchObject({ evaluationId: ev.evaluationId, ticketId, unit: { code: UNIT_A } });
    const view = await h.office.get(`/office/tickets/${ticketId}`);
    expect(view.body.appeals).toEqual([expect.objectContaining({ status: 'upheld', unitCode: UNIT_A })]);
    // Not counted against the unit: its duties were stopped, not missed (沪府办〔2020〕49号 Art. 6(二)).
    const duties = (view.body.clocks as Body[]).filter((c) => c.type === 'contact' || c.type === 'resolve');
    expect(duties.map((c) => c.state)).toEqual(['stopped', 'stopped']);
  });

  it('story 4: objection accepted → redispatched; the suggested unit objects too → the office designates; the designated unit cannot object', async () => {
    // Two moves to units new to the matter are one too many here: the ticket gets flagged.
    await resetWorld(h, { maxBounces: 1 });
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);
    const b = await h.unit(UNIT_B);

    // An unknown suggested unit is a precise 400 and changes nothing.
    const before = await footprint(h, ticketId);
    const wrong = await a.post(`/work-orders/${ticketId}/objection`, { ...OBJECTION, suggestedUnit: 'NO-SUCH-UNIT' });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_input', fields: [{ path: 'suggestedUnit', message: expect.any(String) }] } });
    expect(await footprint(h, ticketId)).toEqual(before);

    const objected = await a.post(`/work-orders/${ticketId}/objection`, OBJECTION);
    expect(objected).toMatchObject({ status: 200, body: { state: 'objected', recordId: expect.any(String) } });
    const queue = await h.office.get<{ items: Body[] }>(`/office/disputes`);
    expect(queue.body.items).toEqual([
      expect.objectContaining({ ticketId, queue: 'review_objection', objection: expect.objectContaining({ id: objected.body.recordId, suggestedUnit: expect.objectContaining({ code: UNIT_B }) }) }),
    ]);

    const accepted = await h.office.post(`/office/objections/${String(objected.body.recordId)}/review`, { decision: 'accepted' });
    expect(accepted).toMatchObject({ status: 200, body: { state: 'dispatched', unit: UNIT_B } });
    // The old unit no longer sees it.
    expect((await a.get(`/work-orders/${ticketId}`)).status).toBe(404);

    const second = await b.post(`/work-orders/${ticketId}/objection`, { ...OBJECTION, reason: '应由区市场监管局处理', suggestedUnit: UNIT_C });
    expect(second).toMatchObject({ status: 200, body: { state: 'objected' } });
    expect((await h.office.get<{ items: Body[] }>(`/office/disputes`)).body.items).toEqual([expect.objectContaining({ ticketId, queue: 'designate_after_second_objection' })]);
    // A second objection is not reviewed but settled by designation (沪府办〔2020〕49号 Art. 7(二)).
    const review = await h.office.post(`/office/objections/${String(second.body.recordId)}/review`, { decision: 'accepted' });
    expect(review).toMatchObject({ status: 409, body: { error: 'not_allowed', state: 'objected', allowed: expect.arrayContaining(['designate']) } });

    const designated = await h.office.post(`/office/tickets/${ticketId}/designate`, { unit: UNIT_A });
    expect(designated).toMatchObject({ status: 200, body: { state: 'dispatched', unit: UNIT_A } });
    const again = await a.post(`/work-orders/${ticketId}/objection`, OBJECTION);
    expect(again).toMatchObject({ status: 409, body: { error: 'not_allowed', state: 'dispatched' } });
    expect(again.body.allowed).not.toContain('object');
    expect(again.body.allowed).toContain('sign');

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'objected', 'redispatched', 'objected', 'redispatched']);
    const got = statuses(h.hotlineFake, 'orders', orderNo);
    expect(got[2]).toMatchObject({ type: 'objected', unit: { code: UNIT_A }, reason: OBJECTION.reason });
    expect(got[3]).toMatchObject({ type: 'redispatched', unit: { code: UNIT_B }, due: { contact: expect.any(String), resolve: expect.any(String) } });
    expect(got[5]).toMatchObject({ type: 'redispatched', unit: { code: UNIT_A }, due: { contact: expect.any(String), resolve: expect.any(String) } });

    // The units' systems: taken away, masked; given back (docs/contracts.md#unit-systems).
    const atA = workOrdersAt(h, UNIT_A, ticketId);
    expect(atA.map((w) => w.type)).toEqual(['assigned', 'redispatched_away', 'assigned']);
    expect((atA[1].ticket as Body).citizen).toMatchObject({ name: '张*' });
    expect(workOrdersAt(h, UNIT_B, ticketId).map((w) => w.type)).toEqual(['assigned', 'redispatched_away']);

    // 推诿扯皮: flagged, and findable by the office.
    const flagged = await h.office.get<{ items: Body[] }>(`/office/tickets?flagged=true`);
    expect(flagged.body.items.map((i) => i.id)).toEqual([ticketId]);
    const view = await h.office.get(`/office/tickets/${ticketId}`);
    expect(view.body).toMatchObject({ bounces: 2, designated: true, bounceFlaggedAt: expect.any(String) });
    expect((view.body.objections as Body[]).map((o) => [o.status, o.redispatchedTo])).toEqual([
      ['accepted', UNIT_B],
      ['settled', UNIT_A],
    ]);
    expect((view.body.history as Body[]).some((e) => e.type === 'bounce_flagged')).toBe(true);
  });

  it('an objection refused: the unit carries on where it was, and its system is told the order is still its own', async () => {
    await resetWorld(h);
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    const objected = await a.post(`/work-orders/${ticketId}/objection`, OBJECTION);
    const refused = await h.office.post(`/office/objections/${String(objected.body.recordId)}/review`, { decision: 'refused' });
    expect(refused).toMatchObject({ status: 400, body: { fields: [expect.objectContaining({ path: 'reason' })] } });
    const ok = await h.office.post(`/office/objections/${String(objected.body.recordId)}/review`, { decision: 'refused', reason: '经核实属本局职责' });
    expect(ok).toMatchObject({ status: 200, body: { previousState: 'objected', state: 'signed', unit: UNIT_A } });
    // Once per assignment (沪府办〔2020〕49号 Art. 7).
    expect((await a.post(`/work-orders/${ticketId}/objection`, OBJECTION)).body).toMatchObject({ error: 'not_allowed' });
    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'signed', 'objected']);
    expect(workOrdersAt(h, UNIT_A, ticketId).map((w) => [w.type, w.reason ?? null])).toEqual([
      ['assigned', null],
      ['assigned', 'objection refused: 经核实属本局职责'],
    ]);
  });

  it('story 7: a national 一般 transfer from receipt to `result`, with the reply, approver, sealed document and callback', async () => {
    await resetWorld(h);
    const transfer = nationalTransfer({ regionCode: '310104', categoryCode: '0101', title: '国办转办：某餐馆食品安全问题', content: '群众反映徐汇区某餐馆后厨卫生条件差，请依法处理。' });
    const transferId = String(transfer.transferId);
    h.national.setTransfers([transfer]);
    await h.hub.apps.gateway!.get(NationalPollerService).pollOnce();
    const [row] = (await h.hub.ds.query(`SELECT id::text AS id FROM tickets WHERE external_id = $1`, [transferId])) as Array<{ id: string }>;
    const ticketId = row.id;
    await waitState(h, ticketId, 'dispatched');
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    await a.post(`/work-orders/${ticketId}/contact`);

    // The national platform wants who approved the answer and the sealed document (docs/contracts.md#national-messages).
    const before = await footprint(h, ticketId);
    const bare = await a.post(`/work-orders/${ticketId}/reply`, REPLY);
    expect(bare.status).toBe(400);
    expect((bare.body.fields as Body[]).map((f) => f.path).sort()).toEqual(['approvedBy', 'sealedDocument']);
    expect(await footprint(h, ticketId)).toEqual(before);

    const sealed = { name: '办结报告（盖章）.pdf', url: 'https://files.example.gov.cn/sealed.pdf', sha256: 'b'.repeat(64) };
    expect((await a.post(`/work-orders/${ticketId}/reply`, { ...REPLY, approvedBy: '李局长', sealedDocument: sealed })).body).toMatchObject({ state: 'replied' });
    // Nothing goes to the national platform before the callback.
    await settled(h, ticketId);
    expect(h.national.results()).toHaveLength(0);

    expect((await h.office.post(`/office/tickets/${ticketId}/callback`, SATISFIED)).body).toMatchObject({ state: 'closed' });
    await settled(h, ticketId);
    const calls = h.national.upstream
      .received(`/api/v1/transfers/${encodeURIComponent(transferId)}/`)
      .filter((r) => r.method === 'POST' && r.responseStatus === 200)
      .map((r) => r.pathname.split('/').pop());
    expect(calls).toEqual(['receipt', 'result']);
    expect(h.national.results()[0].body).toEqual({
      eventId: expect.any(String),
      report: REPLY.report,
      replyPoints: REPLY.replyPoints,
      approvedBy: '李局长',
      sealedDocument: sealed,
      visit: { satisfied: true, result: 5, efficiency: 4, attitude: 5, note: SATISFIED.note },
      concludedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
    });
    expect(h.national.results()[0].signatureValid).toBe(true);
    // The national platform has no status feed: nothing went anywhere else but the unit's system.
    const targets = (await h.hub.ds.query(`SELECT DISTINCT target FROM outbox WHERE ticket_id = $1 ORDER BY target`, [ticketId])) as Array<{ target: string }>;
    expect(targets.map((t) => t.target)).toEqual(['national', 'router', `unit:${UNIT_A}`]);
    await eventually(async () => workOrdersAt(h, UNIT_A, ticketId).length === 1);
  });
});
