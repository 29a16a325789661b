/**
 * The office's dead-letter API (apps/gateway/src/office/deliveries.controller.ts): list failed
 * messages per target with their attempts, read one with its delivery log, send one or all of a
 * target again, discard one with a reason. Gateway and notifier in this process, a fake 12345
 * hotline that refuses with 400 until told otherwise.
 */
import { parseKeyRing } from '@hub/connectors/signing';
import { loadOutbox } from '@hub/store';
import { unitWorkOrder } from '@hub/connectors';
import { FakeUpstream } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { authHeader } from '../support/auth';
import { RunningHub, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { activateUnitEndpoints, insertTicket, insertTickets, outboxStates, status, write } from '../factories/outbox.factory';

const HOTLINE_KEYS = 'hk-1:office-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const UNITS_KEYS = 'uk-1:office-units-secret-of-at-least-32-bytes:hmac-sha256';

interface Item {
  id: string;
  eventId: string;
  target: string;
  type: string;
  path: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  discardReason: string | null;
}
interface Page {
  items: Item[];
  nextAfter: string | null;
  retentionDays: number;
}
interface Answer<T> {
  status: number;
  body: T;
}
interface ErrorBody {
  error: string;
  message: string;
  fields?: Array<{ path: string; message: string }>;
  status?: string;
}

describe('office API for dead letters', () => {
  let hub: RunningHub;
  let hotline: FakeUpstream;
  let unit: FakeUpstream;
  let operator: Record<string, string>;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
    unit = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, ['310104-MARKET']), rejectInvalidSignatures: true });
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_UNITS_KEYS: UNITS_KEYS }), ['gateway', 'notifier'], { fresh: true });
    operator = await authHeader(hub, { role: 'operator', id: 'op-7', name: '值班员7' });
  });
  beforeEach(async () => {
    hotline.reset();
    unit.reset();
    await resetDatabase(hub.ds);
    // The hotline refuses everything (a field it does not accept) until a test lets it through.
    hotline.setDefault({ status: 400, body: { error: 'bad_field' } });
  });
  afterAll(async () => {
    await hub?.close();
    await hotline?.close();
    await unit?.close();
  });

  async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = operator): Promise<Answer<T>> {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** `count` hotline messages (one per ticket) that the hotline refused for good. */
  async function deadLetters(count: number): Promise<string[]> {
    const tickets = await insertTickets(hub.ds, count);
    const ids = await write(hub.ds, tickets.map((t) => status(t, 'accepted')));
    await eventually(async () => (await outboxStates(hub.ds)).filter((r) => r.status === 'failed').length >= count);
    return ids;
  }

  it('lists failed messages of a target oldest first, with attempts, last status and last error, page by page', async () => {
    // The first one failed twice (a 503 first), the rest once: attempts and the last answer show.
    hotline.script([{ status: 503 }]);
    const ids = await deadLetters(12);

    const all = await api<Page>('GET', '/office/deliveries?status=failed&target=hotline');
    expect(all.status).toBe(200);
    expect(all.body.items.map((i) => i.id)).toEqual(ids);
    expect(all.body.nextAfter).toBeNull();
    // the page says how long delivered messages stay (HUB_OUTBOX_RETENTION_DAYS, default 30)
    expect(all.body.retentionDays).toBe(30);
    const first = all.body.items.find((i) => i.attempts === 2)!;
    expect(first).toMatchObject({ target: 'hotline', type: 'status', status: 'failed', attempts: 2, lastStatus: 400, lastError: 'http_400: bad_field' });
    expect(first.path).toMatch(/^\/api\/orders\/HL-[^/]+\/status$/);
    expect(all.body.items.filter((i) => i.attempts === 1)).toHaveLength(11);

    // Pages of 5: ids 1–5, 6–10, 11–12 (numeric order, 10 after 9).
    const p1 = await api<Page>('GET', '/office/deliveries?target=hotline&limit=5');
    const p2 = await api<Page>('GET', `/office/deliveries?target=hotline&limit=5&after=${p1.body.nextAfter}`);
    const p3 = await api<Page>('GET', `/office/deliveries?target=hotline&limit=5&after=${p2.body.nextAfter}`);
    expect([...p1.body.items, ...p2.body.items, ...p3.body.items].map((i) => i.id)).toEqual(ids);
    expect(p3.body.nextAfter).toBeNull();

    expect((await api<Page>('GET', '/office/deliveries?status=failed&target=ywtb')).body).toEqual({ items: [], nextAfter: null, retentionDays: 30 });
    expect((await api<Page>('GET', '/office/deliveries?status=delivered')).body.items).toEqual([]);
  });

  it.each([
    ['status=lost', 'status'],
    ['target=fax', 'target'],
    ['target=unit:', 'target'],
    ['after=abc', 'after'],
    ['after=-1', 'after'],
    ['after=99999999999999999999', 'after'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
  ])('?%s → 400 validation_failed naming %s', async (query, path) => {
    const r = await api<ErrorBody>('GET', `/office/deliveries?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('validation_failed');
    expect(r.body.fields?.map((f) => f.path)).toEqual([path]);
  });

  it("one message with its delivery log; citizens' numbers masked", async () => {
    hotline.setDefault({ status: 200, body: { ok: true } });
    await activateUnitEndpoints(hub.ds, { '310104-MARKET': unit.url });
    unit.script([{ status: 502 }, { status: 422, body: { error: 'unknown_category' } }]);
    const t = await insertTicket(hub.ds);
    const ticket = { title: '测试', citizen: { name: '张三', phone: '13900001234', idNumber: '310101199001011237', anonymous: false, confidential: false } };
    const [id] = await write(hub.ds, [unitWorkOrder('310104-MARKET', t.id, 'assigned', 'lead', {}, ticket)]);
    await eventually(async () => (await loadOutbox(hub.ds, id))?.status === 'failed');

    const r = await api<Item & { body: { ticket: typeof ticket }; log: Array<{ attempt: number; outcome: string; statusCode: number; durationMs: number; error: string; at: string }> }>(
      'GET',
      `/office/deliveries/${id}`,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, target: 'unit:310104-MARKET', type: 'work_order', path: '/work-orders', status: 'failed', attempts: 2, lastStatus: 422 });
    expect(r.body.log.map((a) => [a.attempt, a.outcome, a.statusCode, a.error])).toEqual([
      [1, 'retry', 502, 'http_502'],
      [2, 'permanent', 422, 'http_422: unknown_category'],
    ]);
    expect(r.body.log.every((a) => typeof a.durationMs === 'number' && !Number.isNaN(Date.parse(a.at)))).toBe(true);
    expect(r.body.body.ticket.citizen.phone).toBe('139****1234');
    expect(r.body.body.ticket.citizen.idNumber).toBe('3101**********1237');
    expect(JSON.stringify(r.body)).not.toContain('13900001234');

    expect(await api<ErrorBody>('GET', '/office/deliveries/424242')).toMatchObject({ status: 404, body: { error: 'delivery_not_found' } });
    expect(await api<ErrorBody>('GET', '/office/deliveries/12ab')).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
  });

  it('retry one: it goes again with a fresh window and is delivered; retrying it again is 409, an unknown one 404', async () => {
    const [id, other] = await deadLetters(2);
    hotline.setDefault({ status: 200, body: { ok: true } });

    const r = await api<Item>('POST', `/office/deliveries/${id}/retry`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, status: 'pending' });
    await eventually(async () => (await loadOutbox(hub.ds, id))?.status === 'delivered');
    expect(await loadOutbox(hub.ds, id)).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null });
    expect(await loadOutbox(hub.ds, other)).toMatchObject({ status: 'failed' });

    const again = await api<ErrorBody>('POST', `/office/deliveries/${id}/retry`);
    expect(again).toMatchObject({ status: 409, body: { error: 'delivery_not_failed', status: 'delivered' } });
    expect((await api<ErrorBody>('POST', '/office/deliveries/424242/retry')).status).toBe(404);
    expect((await api<ErrorBody>('POST', '/office/deliveries/0/retry')).status).toBe(400);
  });

  it('retry all of a target: every failed message of that target goes again, others stay', async () => {
    const ids = await deadLetters(5);
    await activateUnitEndpoints(hub.ds, { '310104-MARKET': unit.url });
    unit.setDefault({ status: 400, body: { error: 'nope' } });
    const t = await insertTicket(hub.ds);
    const [unitId] = await write(hub.ds, [unitWorkOrder('310104-MARKET', t.id, 'assigned', 'lead', {}, {})]);
    await eventually(async () => (await loadOutbox(hub.ds, unitId))?.status === 'failed');
    hotline.setDefault({ status: 200, body: { ok: true } });

    const r = await api<{ target: string; retried: number }>('POST', '/office/deliveries/retry', { target: 'hotline' });
    expect(r).toEqual({ status: 200, body: { target: 'hotline', retried: 5 } });
    await eventually(async () => {
      const rows = await outboxStates(hub.ds);
      return ids.every((id) => rows.find((x) => x.id === id)?.status === 'delivered');
    });
    expect(await loadOutbox(hub.ds, unitId)).toMatchObject({ status: 'failed' });

    expect(await api<ErrorBody>('POST', '/office/deliveries/retry', {})).toMatchObject({ status: 400, body: { fields: [{ path: 'target' }] } });
    expect(await api<ErrorBody>('POST', '/office/deliveries/retry', { target: 'everything' })).toMatchObject({ status: 400, body: { fields: [{ path: 'target' }] } });
    expect(await api<ErrorBody>('POST', '/office/deliveries/retry', ['hotline'])).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
  });

  it('discard one with a reason: it leaves the dead letters, keeps the reason, and is never sent', async () => {
    const [id, other] = await deadLetters(2);
    const reason = '热线系统已人工补录该状态';

    const r = await api<Item>('POST', `/office/deliveries/${id}/discard`, { reason });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, status: 'discarded', discardReason: reason });
    expect((await api<Page>('GET', '/office/deliveries?target=hotline')).body.items.map((i) => i.id)).toEqual([other]);
    expect((await api<Page>('GET', '/office/deliveries?status=discarded')).body.items.map((i) => [i.id, i.discardReason])).toEqual([[id, reason]]);

    // Retrying the whole target does not bring a discarded message back.
    hotline.setDefault({ status: 200, body: { ok: true } });
    expect((await api<{ retried: number }>('POST', '/office/deliveries/retry', { target: 'hotline' })).body.retried).toBe(1);
    await eventually(async () => (await loadOutbox(hub.ds, other))?.status === 'delivered');
    expect(await loadOutbox(hub.ds, id)).toMatchObject({ status: 'discarded', attempts: 1 });

    expect(await api<ErrorBody>('POST', `/office/deliveries/${id}/discard`, { reason })).toMatchObject({ status: 409, body: { error: 'delivery_not_failed', status: 'discarded' } });
    expect(await api<ErrorBody>('POST', `/office/deliveries/${other}/discard`, { reason })).toMatchObject({ status: 409, body: { status: 'delivered' } });
    expect((await api<ErrorBody>('POST', '/office/deliveries/424242/discard', { reason })).status).toBe(404);
  });

  it.each([
    ['missing', {}],
    ['blank', { reason: '   ' }],
    ['not text', { reason: 42 }],
    ['over 500 characters', { reason: '原'.repeat(501) }],
  ])('discard with the reason %s → 400 naming reason, nothing changes', async (_case, body) => {
    const [id] = await deadLetters(1);
    const r = await api<ErrorBody>('POST', `/office/deliveries/${id}/discard`, body);
    expect(r.status).toBe(400);
    expect(r.body.fields?.map((f) => f.path)).toEqual(['reason']);
    expect(await loadOutbox(hub.ds, id)).toMatchObject({ status: 'failed', discardReason: null });
  });

  it('a reason of exactly 500 characters is accepted', async () => {
    const [id] = await deadLetters(1);
    const r = await api<Item>('POST', `/office/deliveries/${id}/discard`, { reason: '原'.repeat(500) });
    expect(r.status).toBe(200);
    expect(r.body.discardReason).toHaveLength(500);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${hub.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/office/deliveries')).sort()).toEqual([
      '/office/deliveries',
      '/office/deliveries/retry',
      '/office/deliveries/{id}',
      '/office/deliveries/{id}/discard',
      '/office/deliveries/{id}/retry',
    ]);
    expect(doc.paths['/office/deliveries/{id}/discard'].post).toMatchObject({ tags: ['office: deliveries'], summary: expect.stringContaining('reason') });
  });

  it('is for the office: no token 401, a unit 403', async () => {
    expect((await api<ErrorBody>('GET', '/office/deliveries', undefined, {})).status).toBe(401);
    const unitStaff = await authHeader(hub, { role: 'unit_staff', unitCode: '310104-MARKET' });
    expect((await api<ErrorBody>('GET', '/office/deliveries', undefined, unitStaff)).status).toBe(403);
  });
});
