/**
 * What comes in is what is kept (docs/security.md "Citizens' later events"): a citizen's later
 * event (补充 / 催办 / 撤诉) is kept and forwarded as the connector validated it — unknown fields
 * dropped — its person objects sealed at rest like the ticket's, and what units' history and
 * systems receive of a person follows the ticket's anonymous and confidential flags. Black-box:
 * signed hotline events and Open311 updates in, the units' fake system and API out. And what a
 * unit's system receives in clear is in pii_access_log, like a read in the API.
 */
import { testPhone } from '../factories/tickets.factory';
import { eventually } from '../support/harness';
import { postForm } from '../support/open311-kit';
import { UNIT_A, intakeOrder, order, resetWorld, startLifecycleHub, waitState, type Body, type LifecycleHub } from './lifecycle-kit';

const FIXED_KEY = 'fixed-open311-key-for-inbound-events';
const PHONE = testPhone(4242);

describe('security: inbound events keep and forward only what was validated', () => {
  let h: LifecycleHub;
  beforeAll(async () => {
    h = await startLifecycleHub(undefined, { env: { HUB_OPEN311_KEYS: FIXED_KEY } });
  });
  beforeEach(async () => resetWorld(h));
  afterAll(async () => h?.close());

  /** The supplement work order UNIT_A's system received for this ticket. */
  const supplementSent = (ticketId: string): Promise<Body> =>
    eventually(async () => {
      const r = h.units
        .received(`/${UNIT_A}/work-orders`)
        .map((x) => x.body as Body)
        .find((b) => b.ticketId === ticketId && b.type === 'supplement');
      return r;
    }, 30_000);

  const stored = async (ticketId: string): Promise<{ inbound: Body; event: Body }> => {
    const [inbound] = (await h.hub.ds.query(`SELECT payload FROM inbound_events WHERE ticket_id = $1`, [ticketId])) as Array<{ payload: Body }>;
    const [event] = (await h.hub.ds.query(`SELECT data FROM ticket_events WHERE ticket_id = $1 AND type = 'supplement'`, [ticketId])) as Array<{ data: Body }>;
    return { inbound: inbound.payload, event: event.data };
  };

  it('a hotline supplement with an unknown field and a person object: neither is kept, logged for units or sent to them', async () => {
    const { ticketId, orderNo } = await intakeOrder(h, order());
    const event = { eventId: `ev-${Date.now()}`, type: 'supplement', occurredAt: '2026-12-07T10:00:00+08:00', content: '补充：餐馆今天仍在营业' };
    const sent = { ...event, internalNote: '内部备注 not for units', citizen: { name: '李四', phone: PHONE } };
    const r = await h.hotline.post(`/connectors/hotline/orders/${orderNo}/events`, sent);
    expect(r.status).toBe(201);

    const wo = await supplementSent(ticketId);
    expect(wo.citizenEvent).toEqual(event);
    const { inbound, event: logged } = await stored(ticketId);
    expect(inbound).toEqual(event);
    expect(logged).toEqual({ inboundEventId: event.eventId, payload: event });

    const a = await h.unit(UNIT_A);
    const view = JSON.stringify((await a.get(`/work-orders/${ticketId}`)).body);
    expect(view).toContain('补充：餐馆今天仍在营业');
    expect(view).not.toContain('internalNote');
    expect(view).not.toContain(PHONE);
    expect(view).not.toContain('李四');
    // the same event again is a redelivery (the hash is of the validated event, as before)
    expect((await h.hotline.post(`/connectors/hotline/orders/${orderNo}/events`, sent)).status).toBe(200);

    // the citizen in clear went to UNIT_A's system twice (assigned, supplement): both in the access log
    const log = (await h.hub.ds.query(
      `SELECT actor_id, actor_role, actor_unit, fields, purpose FROM pii_access_log WHERE ticket_id = $1 AND actor_role = 'unit_system' ORDER BY id`,
      [ticketId],
    )) as Body[];
    expect(log).toEqual([
      { actor_id: `unit_system:${UNIT_A}`, actor_role: 'unit_system', actor_unit: UNIT_A, fields: ['name', 'phone'], purpose: 'unit_system_work_order' },
      { actor_id: `unit_system:${UNIT_A}`, actor_role: 'unit_system', actor_unit: UNIT_A, fields: ['name', 'phone'], purpose: 'unit_system_work_order' },
    ]);
  });

  const report = (extra: Record<string, string>): Record<string, string> => ({
    api_key: FIXED_KEY,
    service_code: '0101',
    'attribute[region]': '310104',
    address_string: '某路1号',
    description: `某餐馆后厨卫生条件差，存在食品安全隐患，请处理。${process.hrtime.bigint()}`,
    ...extra,
  });

  const follow = async (id: string): Promise<void> => {
    const u = await postForm(h.hub.url, 'servicerequestupdates.json', {
      api_key: FIXED_KEY,
      service_request_id: id,
      update_id: `fms-${Date.now()}`,
      updated_datetime: '2026-12-07T10:00:00+08:00',
      description: '今天又看到老鼠了',
      first_name: '明',
      last_name: '王',
      email: 'wang.ming@example.com',
    });
    expect(u.status).toBe(201);
  };

  it('an Open311 update names its sender: sealed at rest, in clear to the lead unit of an ordinary ticket, never in the history', async () => {
    const post = await postForm(h.hub.url, 'requests.json', report({ first_name: '明', last_name: '李', phone: PHONE }));
    expect(post.status).toBe(201);
    const id = (post.json() as Array<{ service_request_id: string }>)[0].service_request_id;
    await waitState(h, id, 'dispatched');
    await follow(id);

    const wo = await supplementSent(id);
    expect(wo.citizenEvent).toMatchObject({ content: '今天又看到老鼠了', citizen: { name: '王明', anonymous: false, confidential: false } });
    const { inbound, event } = await stored(id);
    expect((inbound.citizen as Body).name).toMatch(/^enc:v1:/);
    expect((inbound.citizen as Body).email).toMatch(/^enc:v1:/);
    expect(JSON.stringify(event)).not.toMatch(/王明|wang\.ming|enc:v1/);
    const view = JSON.stringify((await (await h.unit(UNIT_A)).get(`/work-orders/${id}`)).body);
    expect(view).not.toMatch(/王明|wang\.ming|enc:v1/);
  });

  it("an anonymous ticket's update: the sender's identity never reaches the unit's system", async () => {
    const post = await postForm(h.hub.url, 'requests.json', report({}));
    expect(post.status).toBe(201);
    const id = (post.json() as Array<{ service_request_id: string }>)[0].service_request_id;
    await waitState(h, id, 'dispatched');
    await follow(id);

    const wo = await supplementSent(id);
    expect((wo.citizenEvent as Body).citizen).toEqual({ anonymous: true, confidential: false });
    expect(JSON.stringify(wo)).not.toMatch(/王|wang\.ming|enc:v1/);
    // nothing of the citizen went out in clear: nothing in the access log
    expect(await h.hub.ds.query(`SELECT 1 FROM pii_access_log WHERE ticket_id = $1 AND actor_role = 'unit_system'`, [id])).toEqual([]);
  });
});
