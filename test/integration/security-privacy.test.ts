import { randomBytes, randomUUID } from 'node:crypto';
import { parseKeyRing } from '@hub/connectors/signing';
import { TicketPrivacy, UNREADABLE, configureDataProtection, dataProtection, type HubActor } from '@hub/common';
import { loadTicket, writeOutbox } from '@hub/store';
import { unitWorkOrder } from '@hub/connectors';
import { insertTicket } from '../factories/outbox.factory';
import { SignedClient } from '../fakes/signed-client';
import { hotlineOrder, testPhone, validIdCard, ywtbEvaluation } from '../factories/tickets.factory';
import { RunningHub, resetDatabase, startHub, testConfig } from '../support/harness';

const HOTLINE_KEYS = 'hk1:hotline-secret-1-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk1:ywtb-secret-1-of-at-least-32-bytes:hmac-sha256';
const KEY_A = `ka:${randomBytes(32).toString('base64')}`;
const KEY_B = `kb:${randomBytes(32).toString('base64')}`;
const SEARCH = randomBytes(32).toString('base64');

const config = (env: Record<string, string> = {}) =>
  testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_KEYS: YWTB_KEYS, HUB_DATA_KEYS: KEY_A, HUB_SEARCH_KEY: SEARCH, ...env });
const client = (hub: RunningHub, keys = HOTLINE_KEYS) => {
  const r = parseKeyRing('X', keys);
  return new SignedClient(hub.url, r.find(r.keyIds()[0])!);
};

async function postOrder(hub: RunningHub, over: Record<string, unknown> = {}): Promise<{ ticketId: string; order: Record<string, unknown> }> {
  const order = hotlineOrder(over);
  const r = await client(hub).post<{ ticketId: string }>('/connectors/hotline/orders', order);
  expect(r.status).toBe(201);
  return { ticketId: r.body.ticketId, order };
}

const rowText = async (hub: RunningHub, id: string): Promise<string> =>
  ((await hub.ds.query(`SELECT row_to_json(t)::text AS j FROM tickets t WHERE id = $1`, [id])) as Array<{ j: string }>)[0].j;

describe("security: citizens' data encrypted at rest (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10)", () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(config(), ['gateway']);
  });
  beforeEach(() => resetDatabase(hub.ds));
  afterAll(async () => {
    await hub.close();
    configureDataProtection(testConfig().security);
  });

  it('name, phone and ID number are ciphertext in the ticket row and in the kept raw payload; the store reads them back', async () => {
    const idNumber = validIdCard('19851111', '321');
    const { ticketId, order } = await postOrder(hub, {
      citizen: { name: '张三丰', phone: testPhone(4321), idType: 'id_card', idNumber, anonymous: false, confidential: true },
      unknownExtraField: { kept: true },
    });
    const text = await rowText(hub, ticketId);
    expect(text).not.toContain(testPhone(4321));
    expect(text).not.toContain(idNumber);
    expect(text).not.toContain('张三丰');
    const [row] = (await hub.ds.query(`SELECT citizen, raw_payload FROM tickets WHERE id = $1`, [ticketId])) as Array<{ citizen: Record<string, string>; raw_payload: Record<string, Record<string, string>> }>;
    for (const f of ['name', 'phone', 'idNumber']) {
      expect(row.citizen[f]).toMatch(/^enc:v1:a256gcm:ka:/);
      expect(row.raw_payload.citizen[f]).toMatch(/^enc:v1:a256gcm:ka:/);
    }
    expect(row.citizen).toMatchObject({ idType: 'id_card', anonymous: false, confidential: true });
    expect(row.raw_payload.unknownExtraField).toEqual({ kept: true });
    const t = await loadTicket(hub.ds, ticketId);
    expect(t!.ticket.citizen).toEqual(order.citizen);
    expect(dataProtection().openPayload(row.raw_payload, `tickets.raw_payload:${ticketId}`)).toEqual(order);
  });

  it("a unit's work order keeps the citizen sealed in the outbox, at any depth; it opens only under its own event id", async () => {
    const t = await insertTicket(hub.ds);
    const idNumber = validIdCard('19700101', '123');
    const citizen = { name: '李四光', phone: testPhone(777), idType: 'id_card', idNumber, anonymous: false, confidential: false };
    const work = unitWorkOrder('310104-MARKET', t.id, 'assigned', 'lead', { contact: '2026-12-07T23:59:59+08:00' }, { title: '噪声扰民', citizen });
    // a supplement the citizen sent, carried in a later work order (nested one level deeper)
    const msg = { ...work, payload: { ...work.payload, body: { ...work.payload.body, citizenEvent: { type: 'supplement', submitter: { name: '李四光', phone: testPhone(777) } } } } };
    await writeOutbox(hub.ds, [msg]);
    const [row] = (await hub.ds.query(`SELECT payload::text AS text, payload FROM outbox WHERE event_id = $1`, [msg.eventId])) as Array<{ text: string; payload: Record<string, unknown> }>;
    for (const clear of ['李四光', testPhone(777), idNumber]) expect(row.text).not.toContain(clear);
    const body = row.payload.body as { ticket: { citizen: Record<string, unknown> }; citizenEvent: { submitter: Record<string, unknown> } };
    expect(body.ticket.citizen).toMatchObject({ name: expect.stringMatching(/^enc:v1:a256gcm:ka:/), idType: 'id_card', anonymous: false, confidential: false });
    expect(body.citizenEvent.submitter.phone).toMatch(/^enc:v1:a256gcm:ka:/);
    expect(dataProtection().openDeep(row.payload, `outbox.payload:${msg.eventId}`)).toEqual(msg.payload);
    // bound to its row: under another row's context nothing decrypts; it reads masked
    const elsewhere = JSON.stringify(dataProtection().openDeep(row.payload, `outbox.payload:${randomUUID()}`));
    for (const clear of ['李四光', testPhone(777), idNumber]) expect(elsewhere).not.toContain(clear);
    expect(elsewhere).toContain(`"name":"${UNREADABLE}"`);
  });

  it('search by phone or ID number works through keyed hashes, whatever the spelling', async () => {
    const idNumber = validIdCard('19700202', '555');
    const { ticketId } = await postOrder(hub, { citizen: { phone: testPhone(777), idType: 'id_card', idNumber, anonymous: false, confidential: false } });
    await postOrder(hub);
    const h = dataProtection().hashes({ phone: `+86 ${testPhone(777).slice(0, 3)}-${testPhone(777).slice(3)}`, idNumber: idNumber.toLowerCase() });
    const byPhone = (await hub.ds.query(`SELECT id::text AS id FROM tickets WHERE citizen_phone_hash = $1`, [h.phoneHash])) as Array<{ id: string }>;
    const byId = (await hub.ds.query(`SELECT id::text AS id FROM tickets WHERE citizen_id_hash = $1`, [h.idHash])) as Array<{ id: string }>;
    expect(byPhone).toEqual([{ id: ticketId }]);
    expect(byId).toEqual([{ id: ticketId }]);
    // A plain SHA-256 of the number (what an attacker with the table could try) finds nothing.
    const plain = (await hub.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE citizen_phone_hash = encode(sha256($1::bytea), 'hex')`, [testPhone(777)])) as Array<{ n: number }>;
    expect(plain[0].n).toBe(0);
  });

  it('一网通办: the applicant of a 差评 ticket and of a 3–5 rating record is encrypted too', async () => {
    const yw = client(hub, YWTB_KEYS);
    const bad = ywtbEvaluation({ rating: 1 });
    const good = ywtbEvaluation({ rating: 5 });
    expect((await yw.post('/connectors/ywtb/evaluations', bad)).status).toBe(201);
    expect((await yw.post('/connectors/ywtb/evaluations', good)).status).toBe(202);
    const dump = (await hub.ds.query(`SELECT (SELECT json_agg(t)::text FROM tickets t) AS a, (SELECT json_agg(e)::text FROM evaluation_records e) AS b`)) as Array<{ a: string; b: string }>;
    for (const ev of [bad, good]) {
      const phone = (ev.applicant as { phone: string }).phone;
      expect(dump[0].a + dump[0].b).not.toContain(phone);
    }
    expect(dump[0].a + dump[0].b).not.toContain('李四');
  });

  it('a ciphertext moved to another ticket does not decrypt (bound to its row): it reads masked', async () => {
    const a = await postOrder(hub);
    const b = await postOrder(hub);
    await hub.ds.query(`UPDATE tickets SET citizen = (SELECT citizen FROM tickets WHERE id = $1) WHERE id = $2`, [a.ticketId, b.ticketId]);
    // read masked (with an alert), never the other ticket's citizen, and never an exception
    const moved = (await loadTicket(hub.ds, b.ticketId))!.ticket.citizen;
    expect(moved).toMatchObject({ name: UNREADABLE, phone: UNREADABLE });
    await expect(loadTicket(hub.ds, a.ticketId)).resolves.toBeDefined();
  });
});

describe('security: data key rotation and the 国密 cipher', () => {
  afterAll(() => configureDataProtection(testConfig().security));

  it('data written with key A stays readable once B is added first; new data uses B; dropping A too early makes its data unreadable (masked, with an alert)', async () => {
    const hubA = await startHub(config({ HUB_DATA_KEYS: KEY_A }), ['gateway']);
    let first: string;
    try {
      await resetDatabase(hubA.ds);
      first = (await postOrder(hubA)).ticketId;
    } finally {
      await hubA.close();
    }
    const hubBA = await startHub(config({ HUB_DATA_KEYS: `${KEY_B},${KEY_A}` }), ['gateway']);
    try {
      const old = await loadTicket(hubBA.ds, first);
      expect(old!.ticket.citizen.phone).toMatch(/^1390000\d{4}$/);
      const { ticketId: second, order } = await postOrder(hubBA);
      const [row] = (await hubBA.ds.query(`SELECT citizen->>'phone' AS p FROM tickets WHERE id = $1`, [second])) as Array<{ p: string }>;
      expect(row.p).toMatch(/^enc:v1:a256gcm:kb:/);
      expect((await loadTicket(hubBA.ds, second))!.ticket.citizen).toEqual(order.citizen);
      // Both keys work during the overlap; with only B, A's data is unreadable (the key really matters).
      configureDataProtection({ ...config().security, dataKeys: KEY_B });
      expect((await loadTicket(hubBA.ds, first))!.ticket.citizen.phone).toBe(UNREADABLE);
      await expect(loadTicket(hubBA.ds, second)).resolves.toBeDefined();
    } finally {
      await hubBA.close();
    }
  });

  it('HUB_DATA_CIPHER=sm4-ctr-hmac-sm3 writes SM4 tokens that read back', async () => {
    const hub = await startHub(config({ HUB_DATA_CIPHER: 'sm4-ctr-hmac-sm3' }), ['gateway']);
    try {
      await resetDatabase(hub.ds);
      const { ticketId, order } = await postOrder(hub);
      const [row] = (await hub.ds.query(`SELECT citizen->>'idNumber' AS i FROM tickets WHERE id = $1`, [ticketId])) as Array<{ i: string }>;
      expect(row.i).toMatch(/^enc:v1:sm4ctr:ka:/);
      expect((await loadTicket(hub.ds, ticketId))!.ticket.citizen).toEqual(order.citizen);
    } finally {
      await hub.close();
    }
  });
});

describe('security: append-only logs in the database itself', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(config(), ['gateway']);
    await resetDatabase(hub.ds);
  });
  afterAll(() => hub.close());

  it('ticket_events refuses UPDATE, DELETE and TRUNCATE, whoever connects', async () => {
    const { ticketId } = await postOrder(hub);
    await expect(hub.ds.query(`UPDATE ticket_events SET actor = 'forged' WHERE ticket_id = $1`, [ticketId])).rejects.toThrow(/append-only/);
    await expect(hub.ds.query(`DELETE FROM ticket_events WHERE ticket_id = $1`, [ticketId])).rejects.toThrow(/append-only/);
    await expect(hub.ds.query(`TRUNCATE ticket_events CASCADE`)).rejects.toThrow(/append-only/);
    const [{ n }] = (await hub.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND actor <> 'forged'`, [ticketId])) as Array<{ n: number }>;
    expect(n).toBe(1);
  });

  it('the unmasked-read log and the credentials audit refuse UPDATE and DELETE', async () => {
    const { ticketId } = await postOrder(hub);
    await hub.ds.query(`INSERT INTO pii_access_log (actor_id, actor_role, ticket_id, fields, purpose) VALUES ('x', 'operator', $1, '{phone}', 'test')`, [ticketId]);
    await hub.ds.query(`INSERT INTO auth_audit (actor, action, subject) VALUES ('x', 'test', 'y')`);
    for (const sql of [`UPDATE pii_access_log SET actor_id = 'y'`, `DELETE FROM pii_access_log`, `UPDATE auth_audit SET actor = 'y'`, `DELETE FROM auth_audit`]) {
      await expect(hub.ds.query(sql)).rejects.toThrow(/append-only/);
    }
  });
});

describe('security: what a reader sees of a citizen, and the record of unmasked reads', () => {
  let hub: RunningHub;
  let privacy: TicketPrivacy;
  const PERSON = { name: '王小明', phone: '13900001111', idType: 'id_card', idNumber: '310101199001011234' };
  const unitStaff: HubActor = { id: 'staff-1', role: 'unit_staff', unitCode: '310104-MARKET', name: 'staff' };
  const operator: HubActor = { id: 'op-1', role: 'operator', name: 'op' };
  const admin: HubActor = { id: 'admin-1', role: 'admin', name: 'admin' };

  beforeAll(async () => {
    hub = await startHub(config(), ['gateway']);
    privacy = hub.apps.gateway!.get(TicketPrivacy);
  });
  beforeEach(() => resetDatabase(hub.ds));
  afterAll(() => hub.close());

  const accessLog = async () =>
    (await hub.ds.query(`SELECT actor_id, actor_role, actor_unit, ticket_id::text AS ticket_id, fields, purpose FROM pii_access_log ORDER BY id`)) as Array<Record<string, unknown>>;

  it('the lead unit and the office see the citizen in clear, and the read is recorded (who, which ticket, which fields)', async () => {
    const { ticketId } = await postOrder(hub);
    const ticket = { id: ticketId, title: 't', content: 'c', citizen: { ...PERSON, anonymous: false, confidential: false } };
    const lead = await privacy.present(unitStaff, ticket, 'lead', { purpose: 'work_order_detail' });
    expect(lead.citizen).toMatchObject(PERSON);
    await privacy.present(operator, ticket, 'none');
    expect(await accessLog()).toEqual([
      { actor_id: 'staff-1', actor_role: 'unit_staff', actor_unit: '310104-MARKET', ticket_id: ticketId, fields: ['name', 'phone', 'idNumber'], purpose: 'work_order_detail' },
      { actor_id: 'op-1', actor_role: 'operator', actor_unit: null, ticket_id: ticketId, fields: ['name', 'phone', 'idNumber'], purpose: 'api_read' },
    ]);
  });

  it('outside the chain (another unit, an admin): masked, confidential text withheld, nothing recorded', async () => {
    const { ticketId } = await postOrder(hub);
    const ticket = { id: ticketId, title: '举报内容', content: '详细内容', citizen: { ...PERSON, anonymous: false, confidential: true } };
    for (const [actor, chain] of [
      [unitStaff, 'none'],
      [admin, 'lead'],
    ] as const) {
      const v = await privacy.present(actor, ticket, chain);
      expect(v.citizen).toMatchObject({ name: '王**', phone: '139****1111', idNumber: '3101**********1234' });
      expect(v).toMatchObject({ title: '[保密 confidential]', content: '[保密 confidential]', contentHidden: true });
    }
    expect(await accessLog()).toEqual([]);
  });

  it('an anonymous citizen is never revealed to a unit, even the lead', async () => {
    const { ticketId } = await postOrder(hub);
    const v = await privacy.present(unitStaff, { id: ticketId, title: 't', content: 'c', citizen: { ...PERSON, anonymous: true, confidential: false } }, 'lead');
    expect(v.citizen).toEqual({ anonymous: true, confidential: false });
    expect(await accessLog()).toEqual([]);
  });
});
