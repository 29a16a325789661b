/**
 * The executor's entry points for the router (accept, dispatch, dispute, not_accept, archive,
 * return, merge, citizen events): the router app is not started here, the tests call the
 * functions the router calls, in a transaction, exactly as the router will, and check what
 * reaches the fake upstreams and units' systems, and that units can then act through the API.
 */
import type { DataSource } from 'typeorm';
import { WorkOrderService } from '@hub/workflow';
import { nationalTransfer } from '../factories/tickets.factory';
import { NationalPollerService } from '../../apps/gateway/src/intake/national-poller.service';
import {
  UNIT_A,
  footprint,
  hotlineTypes,
  order,
  resetWorld,
  settled,
  startLifecycleHub,
  statuses,
  workOrdersAt,
  type Body,
  type LifecycleHub,
} from './lifecycle-kit';

jest.setTimeout(180_000);

describe('the executor as the router calls it', () => {
  let h: LifecycleHub;
  let wo: WorkOrderService;
  let ds: DataSource;

  const post = async (o: Body): Promise<{ ticketId: string; orderNo: string }> => {
    const r = await h.hotline.post<{ ticketId: string }>('/connectors/hotline/orders', o);
    expect(r.status).toBe(201);
    return { ticketId: r.body.ticketId, orderNo: String(o.orderNo) };
  };
  const eventTypes = async (ticketId: string): Promise<string[]> =>
    ((await ds.query(`SELECT type FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [ticketId])) as Array<{ type: string }>).map((e) => e.type);

  beforeAll(async () => {
    h = await startLifecycleHub(['gateway', 'notifier']);
    wo = h.hub.apps.gateway!.get(WorkOrderService);
    ds = h.hub.ds;
  });
  beforeEach(() => resetWorld(h));
  afterAll(() => h?.close());

  it('dispatch: accepted and dispatched with the 1/5/15 deadlines, the unit system assigned, the objection window open', async () => {
    const { ticketId, orderNo } = await post(order());
    const r = await ds.transaction((tx) => wo.dispatch(tx, ticketId, { unitCode: UNIT_A }, { rule: 'category_line', directoryVersion: '2026-11-demo', trace: [{ step: 'category_line' }] }));
    expect(r).toMatchObject({ before: 'accepted', state: 'dispatched', unit: UNIT_A, due: { contact: expect.any(String), resolve: expect.any(String) } });
    // Routing twice is a no-op for accept and a refusal for dispatch: the router's retry changes nothing.
    const before = await footprint(h, ticketId);
    await expect(ds.transaction((tx) => wo.dispatch(tx, ticketId, { unitCode: UNIT_A }))).rejects.toMatchObject({ code: 'not_allowed' });
    expect(await footprint(h, ticketId)).toEqual(before);

    expect(await eventTypes(ticketId)).toEqual(['received', 'accepted', 'dispatched', 'clocks_started']);
    const [t] = (await ds.query(`SELECT state, unit_code, directory_version, designated, assigned_at IS NOT NULL AS assigned FROM tickets WHERE id = $1`, [ticketId])) as Body[];
    expect(t).toEqual({ state: 'dispatched', unit_code: UNIT_A, directory_version: '2026-11-demo', designated: false, assigned: true });
    const clocks = (await ds.query(`SELECT type, state FROM ticket_clocks WHERE ticket_id = $1 ORDER BY type`, [ticketId])) as Body[];
    expect(clocks).toEqual([
      { type: 'contact', state: 'running' },
      { type: 'objection', state: 'running' },
      { type: 'resolve', state: 'running' },
    ]);

    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched']);
    expect(statuses(h.hotlineFake, 'orders', orderNo)[1]).toMatchObject({ unit: { code: UNIT_A, name: '徐汇区市场监督管理局' }, due: r.due! });
    expect(workOrdersAt(h, UNIT_A, ticketId)).toEqual([expect.objectContaining({ type: 'assigned', role: 'lead', due: r.due })]);

    const a = await h.unit(UNIT_A);
    expect((await a.post(`/work-orders/${ticketId}/sign`)).body).toMatchObject({ state: 'signed' });
  });

  it('an upstream-designated unit (指定谁、谁办理) gets no objection window and cannot object', async () => {
    const { ticketId } = await post(order({ designatedUnitCode: UNIT_A }));
    await ds.transaction((tx) => wo.dispatch(tx, ticketId, { unitCode: UNIT_A, designated: true }, { rule: 'designated' }));
    const types = ((await ds.query(`SELECT type FROM ticket_clocks WHERE ticket_id = $1 ORDER BY type`, [ticketId])) as Body[]).map((c) => c.type);
    expect(types).toEqual(['contact', 'resolve']);
    const a = await h.unit(UNIT_A);
    const r = await a.post(`/work-orders/${ticketId}/objection`, { reason: 'x', legalBasis: 'y', suggestedUnit: '310104-GOV' });
    expect(r).toMatchObject({ status: 409, body: { error: 'not_allowed', state: 'dispatched' } });
  });

  it('dispute, then the office designates: the source hears accepted, then dispatched', async () => {
    const { ticketId, orderNo } = await post(order({ location: undefined }));
    await ds.transaction((tx) => wo.dispute(tx, ticketId, { reasonCode: 'no_location', reason: '工单未提供地点', directoryVersion: '2026-11-demo' }));
    const queue = await h.office.get<{ items: Body[] }>('/office/disputes');
    expect(queue.body.items).toEqual([expect.objectContaining({ ticketId, queue: 'designate', state: 'disputed' })]);
    const d = await h.office.post(`/office/tickets/${ticketId}/designate`, { unit: UNIT_A });
    expect(d).toMatchObject({ status: 200, body: { state: 'dispatched', unit: UNIT_A } });
    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched']);
    const disputed = (await ds.query(`SELECT data FROM ticket_events WHERE ticket_id = $1 AND type = 'disputed'`, [ticketId])) as Array<{ data: Body }>;
    expect(disputed[0].data).toMatchObject({ reasonCode: 'no_location', directoryVersion: '2026-11-demo', before: { state: 'accepted' }, after: { state: 'disputed' } });
  });

  it('not accepted and archived tell the source, with the reason where the contract has one', async () => {
    const one = await post(order());
    const two = await post(order());
    await ds.transaction((tx) => wo.notAccept(tx, one.ticketId, { reasonCode: 'in_litigation', reason: '已进入诉讼程序' }));
    await ds.transaction((tx) => wo.archive(tx, two.ticketId, { reason: '一般意见建议' }));
    expect(await hotlineTypes(h, one.ticketId, one.orderNo)).toEqual(['not_accepted']);
    expect(statuses(h.hotlineFake, 'orders', one.orderNo)[0]).toMatchObject({ reason: 'in_litigation: 已进入诉讼程序' });
    expect(await hotlineTypes(h, two.ticketId, two.orderNo)).toEqual(['archived']);
  });

  it('a national transfer out of jurisdiction is returned (docs/contracts.md#national-messages return after the receipt)', async () => {
    const transfer = nationalTransfer({ regionCode: '320102' });
    h.national.setTransfers([transfer]);
    await h.hub.apps.gateway!.get(NationalPollerService).pollOnce();
    const [row] = (await ds.query(`SELECT id::text AS id FROM tickets WHERE external_id = $1`, [transfer.transferId])) as Array<{ id: string }>;
    await ds.transaction((tx) => wo.returnNational(tx, row.id, { reason: 'out_of_jurisdiction', detail: '不属本市事权' }));
    await settled(h, row.id);
    expect(h.national.returns().map((r) => r.body)).toEqual([expect.objectContaining({ reason: 'out_of_jurisdiction', detail: '不属本市事权' })]);
    expect(h.national.receipts()).toHaveLength(1);
  });

  it('merge: the repeat is told `merged` with the handling unit, then hears every event of the handled ticket; unmerge gives it back', async () => {
    const main = await post(order());
    const repeat = await post(order());
    await ds.transaction((tx) => wo.dispatch(tx, main.ticketId, { unitCode: UNIT_A }));
    await ds.transaction((tx) => wo.merge(tx, repeat.ticketId, main.ticketId, { reason: '同一市民同一事项' }));
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${main.ticketId}/sign`);
    await settled(h, main.ticketId);
    expect(await hotlineTypes(h, repeat.ticketId, repeat.orderNo)).toEqual(['merged', 'signed']);
    expect(statuses(h.hotlineFake, 'orders', repeat.orderNo)[0]).toMatchObject({ unit: { code: UNIT_A }, reason: '同一市民同一事项' });

    const back = await h.office.post(`/office/tickets/${repeat.ticketId}/unmerge`, { reason: '经核实并非同一事项' });
    expect(back).toMatchObject({ status: 200, body: { previousState: 'merged', state: 'disputed' } });
    await a.post(`/work-orders/${main.ticketId}/contact`);
    await settled(h, main.ticketId);
    // After the unmerge it hears `accepted` (alive again) and nothing more of the other ticket.
    expect(await hotlineTypes(h, repeat.ticketId, repeat.orderNo)).toEqual(['merged', 'signed', 'accepted']);
  });

  it('citizen events: a withdrawal closes the matter and tells the unit system; a supplement after that is refused quietly', async () => {
    const { ticketId, orderNo } = await post(order());
    await ds.transaction((tx) => wo.dispatch(tx, ticketId, { unitCode: UNIT_A }));
    const w = await ds.transaction((tx) => wo.citizenEvent(tx, ticketId, { type: 'withdraw', content: '问题已自行解决' }));
    expect(w).toMatchObject({ state: 'withdrawn' });
    const late = await ds.transaction((tx) => wo.citizenEvent(tx, ticketId, { type: 'supplement', content: '补充材料' }));
    expect(late).toBeNull();
    expect(await hotlineTypes(h, ticketId, orderNo)).toEqual(['accepted', 'dispatched', 'closed']);
    expect(statuses(h.hotlineFake, 'orders', orderNo)[2]).toMatchObject({ reason: 'withdrawn' });
    expect(workOrdersAt(h, UNIT_A, ticketId).map((x) => x.type)).toEqual(['assigned', 'withdrawn']);
    const open = (await ds.query(`SELECT count(*)::int AS n FROM ticket_clocks WHERE ticket_id = $1 AND state IN ('running','missed')`, [ticketId])) as Body[];
    expect(open[0].n).toBe(0);
  });
});
