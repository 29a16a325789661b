import { DataSource } from 'typeorm';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { SignedClient } from '../fakes/signed-client';
import { RunningHub, resetDatabase, startHub, testConfig } from '../support/harness';
import { hotlineOrder, validIdCard, validUscc, ywtbEvaluation, ywtbSuggestion } from '../factories/tickets.factory';

const HOTLINE_KEYS = 'hk-old:hotline-secret-old-of-at-least-32-bytes:hmac-sha256,hk-new:hotline-secret-new-of-at-least-32-bytes:hmac-sm3';
const YWTB_KEYS = 'yk1:ywtb-secret-of-at-least-32-bytes:hmac-sm3';
const key = (keys: string, i = 0): SigningKey => {
  const ring = parseKeyRing('X', keys);
  return ring.find(ring.keyIds()[i])!;
};

async function counts(ds: DataSource): Promise<{ tickets: number; events: number; outbox: number; records: number; inbound: number }> {
  const [r] = (await ds.query(`SELECT
    (SELECT count(*)::int FROM tickets) AS tickets, (SELECT count(*)::int FROM ticket_events) AS events,
    (SELECT count(*)::int FROM outbox) AS outbox, (SELECT count(*)::int FROM evaluation_records) AS records,
    (SELECT count(*)::int FROM inbound_events) AS inbound`)) as Array<{ tickets: number; events: number; outbox: number; records: number; inbound: number }>;
  return r;
}

describe('intake: the answers of docs/contracts.md#inbound-answers over real PostgreSQL and Redis', () => {
  let hub: RunningHub;
  let hotline: SignedClient;
  let ywtb: SignedClient;

  beforeAll(async () => {
    hub = await startHub(testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_KEYS: YWTB_KEYS }), ['gateway']);
    hotline = new SignedClient(hub.url, key(HOTLINE_KEYS));
    ywtb = new SignedClient(hub.url, key(YWTB_KEYS));
  });
  beforeEach(() => resetDatabase(hub.ds));
  afterAll(() => hub.close());

  describe('hotline orders', () => {
    it('201 stores the ticket, its first event, the raw payload and the routing job in one go', async () => {
      const order = hotlineOrder({ unknownExtraField: { anything: 1 } });
      const r = await hotline.post<{ ticketId: string; status: string }>('/connectors/hotline/orders', order);
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ ticketId: expect.any(String), status: 'received' });
      const [t] = (await hub.ds.query(`SELECT source, external_id, state, raw_payload, title FROM tickets WHERE id = $1`, [r.body.ticketId])) as Array<Record<string, unknown>>;
      expect(t).toMatchObject({ source: 'hotline', external_id: order.orderNo, state: 'received', title: order.title });
      expect((t.raw_payload as Record<string, unknown>).unknownExtraField).toEqual({ anything: 1 });
      const ev = (await hub.ds.query(`SELECT type FROM ticket_events WHERE ticket_id = $1`, [r.body.ticketId])) as unknown[];
      expect(ev).toEqual([{ type: 'received' }]);
      const ob = (await hub.ds.query(`SELECT target, type, status FROM outbox WHERE ticket_id = $1`, [r.body.ticketId])) as unknown[];
      expect(ob).toEqual([{ target: 'router', type: 'route', status: 'pending' }]);
    });

    it('a retry with the same content answers 200 redelivered with the same ticket; other content 409', async () => {
      const order = hotlineOrder();
      const first = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
      const again = await hotline.post<{ ticketId: string; redelivered: boolean }>('/connectors/hotline/orders', { ...order, extra: 'ignored' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ticketId: first.body.ticketId, status: 'received', redelivered: true });
      const changed = await hotline.post('/connectors/hotline/orders', { ...order, title: '另一个标题' });
      expect(changed.status).toBe(409);
      expect(changed.body).toMatchObject({ error: 'conflict', ticketId: first.body.ticketId });
      expect(await counts(hub.ds)).toMatchObject({ tickets: 1, events: 1, outbox: 1 });
    });

    it('the same order posted 10 times concurrently gives exactly one ticket', async () => {
      const order = hotlineOrder();
      const answers = await Promise.all(Array.from({ length: 10 }, () => hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.ticketId)).size).toBe(1);
      expect(await counts(hub.ds)).toMatchObject({ tickets: 1, events: 1, outbox: 1 });
    });

    it.each(['orderNo', 'receivedAt', 'channel', 'kind', 'categoryCode', 'title', 'content', 'citizen'])('missing %s → 400 naming the field, nothing stored', async (field) => {
      const order = hotlineOrder();
      delete order[field];
      const r = await hotline.post<{ error: string; fields: Array<{ path: string; message: string }> }>('/connectors/hotline/orders', order);
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('validation_failed');
      expect(r.body.fields.map((f) => f.path)).toContain(field);
      expect(await counts(hub.ds)).toMatchObject({ tickets: 0, events: 0, outbox: 0 });
    });

    it.each([
      ['citizen.anonymous', { citizen: { confidential: false } }],
      ['citizen.idNumber', { citizen: { idType: 'id_card', idNumber: validIdCard().slice(0, 17) + (validIdCard().endsWith('1') ? '2' : '1'), anonymous: false, confidential: false } }],
      ['citizen.idNumber', { citizen: { idType: 'uscc', idNumber: validUscc().slice(0, 17) + (validUscc().endsWith('0') ? '1' : '0'), anonymous: false, confidential: false } }],
      ['citizen.phone', { citizen: { phone: 'call me maybe', anonymous: false, confidential: false } }],
      ['receivedAt', { receivedAt: '2026-11-20T09:12:33' }],
      ['channel', { channel: 'fax' }],
      ['location.regionCode', { location: { regionCode: '3101' } }],
      ['title', { title: 'x'.repeat(201) }],
      ['attachments[0].sha256', { attachments: [{ name: 'a.pdf', url: 'https://example.org/a.pdf', sha256: 'nope' }] }],
    ])('invalid %s → 400 with that path', async (path, over) => {
      const r = await hotline.post<{ fields: Array<{ path: string }> }>('/connectors/hotline/orders', hotlineOrder(over));
      expect(r.status).toBe(400);
      expect(r.body.fields.map((f) => f.path)).toContain(path);
      expect((await counts(hub.ds)).tickets).toBe(0);
    });

    it('accepts valid ID card and 统一社会信用代码 check characters', async () => {
      const a = await hotline.post('/connectors/hotline/orders', hotlineOrder({ citizen: { idType: 'id_card', idNumber: validIdCard('19491231', '002'), anonymous: false, confidential: false } }));
      const b = await hotline.post('/connectors/hotline/orders', hotlineOrder({ citizen: { idType: 'uscc', idNumber: validUscc(), anonymous: false, confidential: true } }));
      expect([a.status, b.status]).toEqual([201, 201]);
    });

    it('a body that is not a JSON object is refused with its own code', async () => {
      const notJson = await hotline.request({ method: 'POST', path: '/connectors/hotline/orders', body: '{"orderNo": ', contentType: 'application/json' });
      expect(notJson.status).toBe(400);
      expect(notJson.body).toMatchObject({ error: 'not_json' });
      const wrongType = await hotline.request({ method: 'POST', path: '/connectors/hotline/orders', body: 'orderNo=1', contentType: 'text/plain' });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body).toMatchObject({ error: 'not_json' });
      const array = await hotline.post<{ error: string; fields: Array<{ path: string }> }>('/connectors/hotline/orders', [1, 2]);
      expect(array.status).toBe(400);
      expect(array.body.error).toBe('validation_failed');
      expect((await counts(hub.ds)).tickets).toBe(0);
    });

    it('a body over 1 MiB answers 413 too_large', async () => {
      const r = await hotline.post('/connectors/hotline/orders', hotlineOrder({ content: 'x'.repeat(1024 * 1024 + 10) }));
      expect(r.status).toBe(413);
      expect(r.body).toEqual(expect.objectContaining({ error: 'too_large' }));
    });
  });

  describe('signatures (docs/contracts.md#signed-requests)', () => {
    const post = (tamper: Parameters<SignedClient['post']>[2]) => hotline.post<{ error: string }>('/connectors/hotline/orders', hotlineOrder(), tamper);

    it('every key of the system is accepted, whatever its algorithm (rotation)', async () => {
      const withNew = new SignedClient(hub.url, key(HOTLINE_KEYS, 1));
      expect(key(HOTLINE_KEYS, 1).algorithm).toBe('hmac-sm3');
      expect((await withNew.post('/connectors/hotline/orders', hotlineOrder())).status).toBe(201);
      expect((await hotline.post('/connectors/hotline/orders', hotlineOrder())).status).toBe(201);
    });

    it('unknown key → 401 unknown_key', async () => {
      const r = await post({ key: { keyId: 'nobody', secret: Buffer.from('x'), algorithm: 'hmac-sha256' } as unknown as SigningKey });
      expect([r.status, r.body.error]).toEqual([401, 'unknown_key']);
    });

    it('wrong signature → 401 bad_signature', async () => {
      const r = await post({ corruptSignature: true });
      expect([r.status, r.body.error]).toEqual([401, 'bad_signature']);
    });

    it('signature over another body → 401 bad_signature', async () => {
      const r = await post({ signedBody: '{}' });
      expect([r.status, r.body.error]).toEqual([401, 'bad_signature']);
    });

    it('timestamp 10 minutes old → 401 stale_timestamp', async () => {
      const r = await post({ now: new Date(Date.now() - 600_000) });
      expect([r.status, r.body.error]).toEqual([401, 'stale_timestamp']);
    });

    it('a nonce seen in the last 10 minutes → 401 replayed_nonce', async () => {
      const nonce = `nonce-${Date.now()}-abcdefgh`;
      expect((await post({ nonce })).status).toBe(201);
      const r = await post({ nonce });
      expect([r.status, r.body.error]).toEqual([401, 'replayed_nonce']);
    });

    it('missing headers → 401', async () => {
      const r = await post({ omit: ['X-Signature'] });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('missing_headers');
    });

    it('another system\'s key does not open this system\'s door', async () => {
      const r = await ywtb.post<{ error: string }>('/connectors/hotline/orders', hotlineOrder());
      expect([r.status, r.body.error]).toEqual([401, 'unknown_key']);
      expect((await counts(hub.ds)).tickets).toBe(0);
    });
  });

  describe('hotline order events (补充 / 催办 / 撤诉)', () => {
    it('201 once, 200 on retry, 409 on other content, 404 for an unknown order', async () => {
      const order = hotlineOrder();
      const t = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
      const ev = { eventId: `e-${Date.now()}`, type: 'supplement', occurredAt: '2026-11-21T10:00:00+08:00', content: '补充：晚上也有噪声' };
      const path = `/connectors/hotline/orders/${order.orderNo}/events`;
      const a = await hotline.post<Record<string, unknown>>(path, ev);
      expect(a.status).toBe(201);
      expect(a.body).toMatchObject({ ticketId: t.body.ticketId, eventId: ev.eventId });
      expect((await hotline.post<Record<string, unknown>>(path, ev)).body).toMatchObject({ redelivered: true });
      expect((await hotline.post(path, { ...ev, content: '别的' })).status).toBe(409);
      expect((await hotline.post('/connectors/hotline/orders/NOPE/events', ev)).status).toBe(404);
      const bad = await hotline.post<{ fields: Array<{ path: string }> }>(path, { ...ev, type: 'cancel' });
      expect(bad.status).toBe(400);
      expect(bad.body.fields[0].path).toBe('type');
      const c = await counts(hub.ds);
      expect(c.inbound).toBe(1);
      const types = ((await hub.ds.query(`SELECT type FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [t.body.ticketId])) as Array<{ type: string }>).map((r) => r.type);
      expect(types).toEqual(['received', 'supplement']);
    });
  });

  describe('一网通办', () => {
    it('a 差评 (rating 1–2) becomes a ticket; ratings 3–5 without a comment are recorded and answered 202', async () => {
      const bad = await ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ywtbEvaluation({ rating: 2 }));
      expect(bad.status).toBe(201);
      const [t] = (await hub.ds.query(`SELECT kind, source_record FROM tickets WHERE id = $1`, [bad.body.ticketId])) as unknown[];
      expect(t).toEqual({ kind: 'evaluation', source_record: 'evaluation' });
      // with a comment it would be a suggestion-type evaluation (a ticket, rules-exact item 6); the changed one below is
      const fine = ywtbEvaluation({ rating: 4, comment: undefined });
      const good = await ywtb.post('/connectors/ywtb/evaluations', fine);
      expect(good.status).toBe(202);
      expect(good.body).toEqual({ recorded: true, ticketId: null });
      expect((await ywtb.post('/connectors/ywtb/evaluations', fine)).status).toBe(202);
      expect((await ywtb.post('/connectors/ywtb/evaluations', { ...fine, comment: 'changed' })).status).toBe(409);
      expect(await counts(hub.ds)).toMatchObject({ tickets: 1, records: 1 });
    });

    it('rating outside 1..5 and a missing evaluationId are precise 400s', async () => {
      const r = await ywtb.post<{ fields: Array<{ path: string }> }>('/connectors/ywtb/evaluations', ywtbEvaluation({ rating: 6, evaluationId: undefined }));
      expect(r.status).toBe(400);
      expect(r.body.fields.map((f) => f.path).sort()).toEqual(['evaluationId', 'rating']);
    });

    it('suggestions: 201, retry 200', async () => {
      const s = ywtbSuggestion();
      const a = await ywtb.post<{ ticketId: string }>('/connectors/ywtb/suggestions', s);
      const b = await ywtb.post<{ ticketId: string }>('/connectors/ywtb/suggestions', s);
      expect([a.status, b.status]).toEqual([201, 200]);
      expect(b.body.ticketId).toBe(a.body.ticketId);
    });
  });
});
