import { authHeader } from '../support/auth';
import { expectValid, expectXmlDocument, get, postForm, schemas } from '../support/open311-kit';
import { HubApi, REPLY, SATISFIED, UNIT_A, resetWorld, startLifecycleHub, waitState, type LifecycleHub } from './lifecycle-kit';

const FIXED_KEY = 'fixed-open311-key-for-lifecycle-tests';
type Json = Record<string, unknown>;

/** A food-safety report in 徐汇 (region attribute), routed to UNIT_A like the lifecycle stories. */
const report = (apiKey: string, extra: Record<string, string> = {}): Record<string, string> => ({
  api_key: apiKey,
  service_code: '0101',
  'attribute[region]': '310104',
  address_string: '某路1号',
  description: `某餐馆后厨卫生条件差，存在食品安全隐患，请处理。${process.hrtime.bigint()}`,
  first_name: '明',
  last_name: '李',
  phone: '13900001111',
  ...extra,
});
const idOf = (a: { json(): unknown }): string => (a.json() as Array<{ service_request_id: string }>)[0].service_request_id;

describe('Open311: keys, the lifecycle as GET requests and FixMyStreet updates show it', () => {
  let h: LifecycleHub;
  let admin: HubApi;

  beforeAll(async () => {
    h = await startLifecycleHub(undefined, { env: { HUB_OPEN311_KEYS: FIXED_KEY } });
    admin = new HubApi(h.hub.url, await authHeader(h.hub, { role: 'admin', id: 'admin-1' }));
  });
  beforeEach(async () => {
    await resetWorld(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('follows a request through dispatch, reply and callback: status, agency, notes and the updates feed', async () => {
    const post = await postForm(h.hub.url, 'requests.xml', report(FIXED_KEY));
    expect(post.status).toBe(201);
    const doc = expectXmlDocument(post.text, 'service_requests') as { service_requests: { request: Json } };
    const id = String(doc.service_requests.request.service_request_id);
    await waitState(h, id, 'dispatched');
    const a = await h.unit(UNIT_A);
    expect((await a.post(`/work-orders/${id}/sign`)).status).toBe(200);
    expect((await a.post(`/work-orders/${id}/contact`, { note: '电话联系市民' })).status).toBe(200);
    expect((await a.post(`/work-orders/${id}/reply`, REPLY)).status).toBe(200);

    const replied = (await get(h.hub.url, `requests/${id}.json`)).json() as Json[];
    expectValid(schemas.requests, replied);
    expect(replied[0]).toMatchObject({ status: 'open', status_notes: REPLY.replyPoints, agency_responsible: expect.stringContaining('徐汇') });
    expect((await h.office.post(`/office/tickets/${id}/callback`, SATISFIED)).status).toBe(200);
    const closed = (await get(h.hub.url, `requests/${id}.json`)).json() as Json[];
    expect(closed[0]).toMatchObject({ status: 'closed', service_request_id: id });
    // Open311 clients pull: the hub writes no status message for them (only the router's jobs and the unit's work orders)
    const targets = (await h.hub.ds.query(`SELECT DISTINCT target FROM outbox WHERE ticket_id = $1 ORDER BY target`, [id])) as Array<{ target: string }>;
    expect(targets.map((t) => t.target)).toEqual(['router', `unit:${UNIT_A}`]);

    const feed = await get(h.hub.url, `servicerequestupdates.json?start_date=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`);
    expect(feed.status).toBe(200);
    const updates = feed.json() as Json[];
    expectValid(schemas.updates, updates);
    const mine = updates.filter((u) => u.service_request_id === id);
    expect(mine.map((u) => u.status)).toEqual(['OPEN', 'INVESTIGATING', 'INVESTIGATING', 'ACTION_SCHEDULED', 'FIXED', 'CLOSED']);
    expect(new Set(mine.map((u) => u.update_id)).size).toBe(mine.length);
    expect(String(mine[4].description)).toContain(REPLY.replyPoints);
    expect(feed.text).not.toContain('13900001111');
    expectXmlDocument((await get(h.hub.url, 'servicerequestupdates.xml')).text, 'service_request_updates');

    // filters: status, service_code, a window that excludes it
    const list = async (q: string): Promise<string[]> => ((await get(h.hub.url, `requests.json?${q}`)).json() as Json[]).map((r) => String(r.service_request_id));
    expect(await list('status=closed')).toEqual([id]);
    expect(await list('status=open')).toEqual([]);
    expect(await list('service_code=0102')).toEqual([]);
    expect(await list(`service_request_id=${id},00000000-0000-4000-8000-000000000000`)).toEqual([id]);
    expect(await list(`end_date=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`)).toEqual([]);
    expect((await get(h.hub.url, 'requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-31T00:00:00Z')).status).toBe(400);
  });

  it('pages GET requests newest first and takes a citizen follow-up (补充) idempotently', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(idOf(await postForm(h.hub.url, 'requests.json', report(FIXED_KEY))));
    const page = async (n: number): Promise<string[]> => ((await get(h.hub.url, `requests.json?page_size=2&page=${n}`)).json() as Json[]).map((r) => String(r.service_request_id));
    expect([...(await page(1)), ...(await page(2))]).toEqual([...ids].reverse());

    await waitState(h, ids[0], 'dispatched');
    const follow = { api_key: FIXED_KEY, service_request_id: ids[0], update_id: 'fms-1', updated_datetime: '2026-12-06T10:00:00+08:00', description: '今天又看到老鼠了', status: 'OPEN', email: 'li@example.com' };
    const first = await postForm(h.hub.url, 'servicerequestupdates.json', follow);
    const again = await postForm(h.hub.url, 'servicerequestupdates.json', follow);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json()).toEqual(first.json());
    expect((await postForm(h.hub.url, 'servicerequestupdates.json', { ...follow, description: '别的内容' })).status).toBe(400);
    expect((await postForm(h.hub.url, 'servicerequestupdates.json', { ...follow, service_request_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    const rows = (await h.hub.ds.query(`SELECT type, payload FROM inbound_events WHERE ticket_id = $1`, [ids[0]])) as Array<{ type: string; payload: Json }>;
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('supplement');
    expect(JSON.stringify(rows[0].payload)).not.toContain('li@example.com');
    // relayed to the handling unit like a hotline supplement
    const { eventually } = await import('../support/harness');
    await eventually(async () => {
      const ev = (await h.hub.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND type = 'supplement_relayed'`, [ids[0]])) as Array<{ n: number }>;
      return ev[0].n === 1;
    });
  });

  it('gives admins Open311 keys to create, rotate and revoke; a revoked key answers 403', async () => {
    const created = await admin.post<Json>('/auth/api-keys', { kind: 'open311', name: '随申办 App' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'open311', name: '随申办 App', live: true, apiKey: expect.stringMatching(/^ok_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/) });
    const key = String(created.body.apiKey);
    expect((await postForm(h.hub.url, 'requests.json', report(key))).status).toBe(201);
    expect((await admin.post('/auth/api-keys', { kind: 'open311', name: '' })).status).toBe(400);

    const rotated = await admin.post<Json>(`/auth/api-keys/${String(created.body.keyId)}/rotate`, { overlapHours: 0 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ replaces: created.body.keyId, name: '随申办 App' });
    expect((await postForm(h.hub.url, 'requests.json', report(key))).status).toBe(403);
    const next = String(rotated.body.apiKey);
    expect((await postForm(h.hub.url, 'requests.json', report(next))).status).toBe(201);
    expect((await admin.post(`/auth/api-keys/${String(rotated.body.keyId)}/revoke`)).status).toBe(200);
    const refused = await postForm(h.hub.url, 'requests.json', report(next));
    expect(refused.status).toBe(403);
    expectValid(schemas.errors, refused.json());
    const list = await admin.get<Json[]>('/auth/api-keys?kind=open311');
    expect(list.body.map((k) => [k.name, k.live])).toEqual([['随申办 App', false], ['随申办 App', false]]);
    expect(JSON.stringify(list.body)).not.toContain(next.split('.')[1]);
    const audit = (await h.hub.ds.query(`SELECT action FROM auth_audit WHERE action LIKE 'open311_key_%' ORDER BY id`)) as Array<{ action: string }>;
    expect(audit.map((r) => r.action)).toEqual(['open311_key_created', 'open311_key_rotated', 'open311_key_revoked']);
  });
});
