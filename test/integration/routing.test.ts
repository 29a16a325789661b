import { readFileSync } from 'node:fs';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { importDirectory } from '@hub/store';
import { FakeUpstream, type RecordedRequest } from '../fakes/fake-upstream';
import { FakeNational } from '../fakes/fake-national';
import { SignedClient } from '../fakes/signed-client';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { authHeader } from '../support/auth';
import { hotlineOrder, nationalTransfer, ywtbSuggestion } from '../factories/tickets.factory';

const HOTLINE_KEYS = 'hk1:hotline-secret-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk1:ywtb-secret-of-at-least-32-bytes:hmac-sm3';
const NATIONAL_KEYS = 'nk1:national-secret-of-at-least-32-bytes:hmac-sha256';
const UNITS_KEYS = 'uk1:units-secret-of-at-least-32-bytes:hmac-sha256';
const first = (keys: string): SigningKey => parseKeyRing('X', keys).signingKey!;
const directory = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as Record<string, unknown>;

type Body = Record<string, unknown>;
const bodies = (reqs: RecordedRequest[]): Body[] => reqs.map((r) => r.body as Body);

describe('intake checks and dispatch, end to end through the fake upstreams', () => {
  let hub: RunningHub;
  let hotlineFake: FakeUpstream;
  let ywtbFake: FakeUpstream;
  let national: FakeNational;
  let hotline: SignedClient;
  let ywtb: SignedClient;

  beforeAll(async () => {
    hotlineFake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS) });
    ywtbFake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_YWTB_KEYS', YWTB_KEYS) });
    national = await FakeNational.start({ keyRing: parseKeyRing('HUB_NATIONAL_KEYS', NATIONAL_KEYS) });
    hub = await startHub(
      testConfig({
        HUB_HOTLINE_KEYS: HOTLINE_KEYS,
        HUB_HOTLINE_URL: hotlineFake.url,
        HUB_YWTB_KEYS: YWTB_KEYS,
        HUB_YWTB_URL: ywtbFake.url,
        HUB_NATIONAL_KEYS: NATIONAL_KEYS,
        HUB_NATIONAL_URL: national.url,
        HUB_UNITS_KEYS: UNITS_KEYS,
      }),
      undefined,
      { fresh: true },
    );
    hotline = new SignedClient(hub.url, first(HOTLINE_KEYS));
    ywtb = new SignedClient(hub.url, first(YWTB_KEYS));
  });
  beforeEach(async () => {
    await resetDatabase(hub.ds);
    const r = await importDirectory(hub.ds, directory, 'test', true);
    expect(r.ok).toBe(true);
    hotlineFake.reset();
    ywtbFake.reset();
    national.reset();
  });
  afterAll(async () => {
    await hub.close();
    await Promise.all([hotlineFake.close(), ywtbFake.close(), national.close()]);
  });

  const statusesOf = async (fake: FakeUpstream, externalId: string, n: number): Promise<Body[]> => {
    await fake.waitFor((rs) => rs.filter((r) => r.path.includes(`/${encodeURIComponent(externalId)}/status`)).length >= n, 15_000);
    return bodies(fake.received().filter((r) => r.path.includes(`/${encodeURIComponent(externalId)}/status`)));
  };

  it('a hotline order: accepted then dispatched to the district branch of the competent line, with its deadlines', async () => {
    const order = hotlineOrder({ categoryCode: '0101', location: { regionCode: '310104' } });
    const r = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
    expect(r.status).toBe(201);
    const got = await statusesOf(hotlineFake, order.orderNo as string, 2);
    expect(got.map((b) => b.type)).toEqual(['accepted', 'dispatched']);
    const dispatched = got[1];
    expect(dispatched).toMatchObject({ orderNo: order.orderNo, ticketId: r.body.ticketId, unit: { code: '310104-MARKET' } });
    // received Friday 2026-11-20 09:12: contact 1 working day → Monday 23 Nov, resolve 5 → Friday 27 Nov
    const due = dispatched.due as Record<string, string>;
    expect(Object.keys(due).sort()).toEqual(['contact', 'resolve']);
    expect(hotlineFake.received().every((q) => q.signatureValid)).toBe(true);
    const [t] = (await hub.ds.query(`SELECT state, unit_code, directory_version FROM tickets WHERE id = $1`, [r.body.ticketId])) as Body[];
    expect(t).toEqual({ state: 'dispatched', unit_code: '310104-MARKET', directory_version: '2026-11-demo' });
  });

  it('the office can read why: the trace names each rule and the directory version', async () => {
    const order = hotlineOrder({ categoryCode: '0703', content: '浦东机场航班起降噪声严重影响休息', location: { regionCode: '310115' } });
    const r = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
    await statusesOf(hotlineFake, order.orderNo as string, 2);
    const res = await fetch(`${hub.url}/office/tickets/${r.body.ticketId}/routing`, { headers: await authHeader(hub, { role: 'operator' }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { decisions: Array<{ type: string; unitCode: string; rule: string; directoryVersion: string; trace: Array<{ step: string; result: string }> }> };
    expect(body.decisions[0]).toMatchObject({ type: 'dispatched', unitCode: 'SH-ECOLOGY', rule: 'override', directoryVersion: '2026-11-demo' });
    expect(body.decisions[0].trace.find((s) => s.step === 'override')?.result).toBe('matched');
  });

  it('a location outside the city: the hotline hears not_accepted with the reason', async () => {
    const order = hotlineOrder({ location: { regionCode: '320102' } });
    await hotline.post('/connectors/hotline/orders', order);
    const got = await statusesOf(hotlineFake, order.orderNo as string, 1);
    expect(got[0]).toMatchObject({ type: 'not_accepted' });
    expect(String(got[0].reason)).toContain('out_of_jurisdiction');
  });

  it('a national transfer outside the city is returned (docs/contracts.md#national-messages return, out_of_jurisdiction) after its receipt', async () => {
    national.setTransfers([nationalTransfer({ transferId: 'NT-OUT-1', regionCode: '320102' })]);
    const poller = hub.apps.gateway!.get((await import('../../apps/gateway/src/intake/national-poller.service')).NationalPollerService);
    await poller.pollOnce();
    await eventually(async () => national.returns().length === 1 && national.receipts().length === 1);
    expect(national.returns()[0].path).toBe('/api/v1/transfers/NT-OUT-1/return');
    expect(national.returns()[0].body).toMatchObject({ reason: 'out_of_jurisdiction' });
  });

  it('a national transfer missing its title is returned as incomplete_elements', async () => {
    national.setTransfers([nationalTransfer({ transferId: 'NT-INC-1', title: undefined })]);
    const poller = hub.apps.gateway!.get((await import('../../apps/gateway/src/intake/national-poller.service')).NationalPollerService);
    await poller.pollOnce();
    await eventually(async () => national.returns().length === 1);
    expect(national.returns()[0].body).toMatchObject({ reason: 'incomplete_elements' });
    expect(String((national.returns()[0].body as Body).detail)).toContain('title');
  });

  it('nothing fits (no location, no line): the dispute queue, and the source hears only accepted', async () => {
    const order = hotlineOrder({ categoryCode: '9901', location: undefined, content: '其他问题，需要有关部门协调处理。' });
    const r = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
    await statusesOf(hotlineFake, order.orderNo as string, 1);
    const [t] = (await eventually(async () => {
      const rows = (await hub.ds.query(`SELECT state FROM tickets WHERE id = $1 AND state <> 'received'`, [r.body.ticketId])) as Body[];
      return rows.length ? rows : undefined;
    })) as Body[];
    expect(t.state).toBe('disputed');
  });

  it('a suggestion with nothing to dispatch on is archived as a general suggestion', async () => {
    const s = ywtbSuggestion({ categoryCode: undefined, location: undefined });
    await ywtb.post('/connectors/ywtb/suggestions', s);
    const got = await statusesOf(ywtbFake, s.suggestionId as string, 1);
    expect(got[0]).toMatchObject({ type: 'archived', suggestionId: s.suggestionId });
  });

  it('the same matter through the hotline and 一网通办 is merged: the second source hears merged, then the handled ticket\'s events', async () => {
    const phone = '13900009999';
    const order = hotlineOrder({ citizen: { name: '钱七', phone, anonymous: false, confidential: false }, categoryCode: '0101', location: { regionCode: '310104' } });
    await hotline.post('/connectors/hotline/orders', order);
    await statusesOf(hotlineFake, order.orderNo as string, 2);
    const s = ywtbSuggestion({
      citizen: { name: '钱七', phone, anonymous: false, confidential: false },
      categoryCode: '0101',
      location: { regionCode: '310104' },
      content: order.content,
      title: order.title,
    });
    await ywtb.post('/connectors/ywtb/suggestions', s);
    const got = await statusesOf(ywtbFake, s.suggestionId as string, 1);
    expect(got[0]).toMatchObject({ type: 'merged', unit: { code: '310104-MARKET' } });
    const [row] = (await hub.ds.query(`SELECT state, merged_into IS NOT NULL AS merged FROM tickets WHERE external_id = $1`, [s.suggestionId])) as Body[];
    expect(row).toEqual({ state: 'merged', merged: true });
  });

  it('a different matter from the same citizen is not merged', async () => {
    const phone = '13900008888';
    const order = hotlineOrder({ citizen: { phone, anonymous: false, confidential: false }, categoryCode: '0101' });
    await hotline.post('/connectors/hotline/orders', order);
    await statusesOf(hotlineFake, order.orderNo as string, 2);
    const other = hotlineOrder({ citizen: { phone, anonymous: false, confidential: false }, categoryCode: '0101', title: '小区垃圾清运不及时', content: '小区门口垃圾堆积多日无人清运，气味很大。' });
    await hotline.post('/connectors/hotline/orders', other);
    const got = await statusesOf(hotlineFake, other.orderNo as string, 2);
    expect(got.map((b) => b.type)).toEqual(['accepted', 'dispatched']);
  });

  describe('the directory API', () => {
    it('a broken document is refused whole with errors naming each entry; nothing changes', async () => {
      const h = { ...(await authHeader(hub, { role: 'admin' })), 'content-type': 'application/json' };
      const broken = JSON.parse(JSON.stringify(directory)) as { units: Array<Record<string, unknown>>; version: string };
      broken.version = 'broken';
      broken.units[5].line = 'markt';
      const res = await fetch(`${hub.url}/office/directory/versions?activate=true`, { method: 'POST', headers: h, body: JSON.stringify(broken) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; errors: Array<{ path: string; message: string }> };
      expect(body.error).toBe('invalid_directory');
      expect(body.errors.map((e) => e.path)).toContain('units[5].line');
      const versions = (await hub.ds.query(`SELECT version, active FROM directory_versions`)) as Body[];
      expect(versions).toEqual([{ version: '2026-11-demo', active: true }]);
    });

    it('only administrators import; operators try and replay a candidate version', async () => {
      const op = { ...(await authHeader(hub, { role: 'operator' })), 'content-type': 'application/json' };
      const admin = { ...(await authHeader(hub, { role: 'admin' })), 'content-type': 'application/json' };
      const candidate = JSON.parse(JSON.stringify(directory)) as { version: string; overrides: Array<Record<string, unknown>> };
      candidate.version = 'candidate';
      candidate.overrides.push({ id: 'ov-food-xuhui', when: { categoryCode: '0101', regionCode: '310104' }, unit: '310104-GOV' });
      expect((await fetch(`${hub.url}/office/directory/versions`, { method: 'POST', headers: op, body: JSON.stringify(candidate) })).status).toBe(403);
      const imp = await fetch(`${hub.url}/office/directory/versions`, { method: 'POST', headers: admin, body: JSON.stringify(candidate) });
      expect(imp.status).toBe(201);
      const { id } = (await imp.json()) as { id: number; active: boolean };

      const order = hotlineOrder({ categoryCode: '0101', location: { regionCode: '310104' } });
      await hotline.post('/connectors/hotline/orders', order);
      await statusesOf(hotlineFake, order.orderNo as string, 2);

      const tryRes = await fetch(`${hub.url}/office/routing/try?version=${id}`, {
        method: 'POST',
        headers: op,
        body: JSON.stringify({ source: 'hotline', title: 't', content: '食品问题', categoryCode: '0101', location: { regionCode: '310104' } }),
      });
      expect(tryRes.status).toBe(200);
      expect(await tryRes.json()).toMatchObject({ outcome: 'unit', unitCode: '310104-GOV', rule: 'override', versionId: id });

      const replay = await fetch(`${hub.url}/office/routing/replay?version=${id}&limit=50`, { method: 'POST', headers: op });
      const rb = (await replay.json()) as { changed: Array<{ externalId: string; currentUnit: string; candidate: { unitCode: string } }> };
      expect(rb.changed).toEqual([expect.objectContaining({ externalId: order.orderNo, currentUnit: '310104-MARKET', candidate: expect.objectContaining({ unitCode: '310104-GOV' }) })]);

      const bad = await fetch(`${hub.url}/office/routing/try`, { method: 'POST', headers: op, body: JSON.stringify({ source: 'fax', title: 1 }) });
      expect(bad.status).toBe(400);
      const badBody = (await bad.json()) as { fields: Array<{ path: string }> };
      expect(badBody.fields.map((f) => f.path).sort()).toEqual(['content', 'source', 'title']);
    });
  });
});

describe('office settings drive intake', () => {
  let hub: RunningHub;
  let hotlineFake: FakeUpstream;
  beforeAll(async () => {
    hotlineFake = await FakeUpstream.start({});
    hub = await startHub(testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_HOTLINE_URL: hotlineFake.url }), undefined, { fresh: true });
    await resetDatabase(hub.ds);
    expect((await importDirectory(hub.ds, directory, 'test', true)).ok).toBe(true);
  });
  afterAll(async () => {
    await hub.close();
    await hotlineFake.close();
  });

  it('a matter the office flags as in litigation is not accepted; bad settings are refused precisely', async () => {
    const sup = { ...(await authHeader(hub, { role: 'supervisor' })), 'content-type': 'application/json' };
    const bad = await fetch(`${hub.url}/office/settings/intake`, {
      method: 'PUT',
      headers: sup,
      body: JSON.stringify({ minContentChars: -1, excludedMatters: [{ id: 'm1', status: 'court', match: {} }], archive: null }),
    });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { fields: Array<{ path: string }> };
    expect(badBody.fields.map((f) => f.path).sort()).toEqual(['excludedMatters[0].status', 'minContentChars']);
    const op = { ...(await authHeader(hub, { role: 'operator' })), 'content-type': 'application/json' };
    const settings = { minContentChars: 5, excludedMatters: [{ id: 'm-court', status: 'litigation', match: { keywords: ['拆迁补偿'] } }], archive: null };
    expect((await fetch(`${hub.url}/office/settings/intake`, { method: 'PUT', headers: op, body: JSON.stringify(settings) })).status).toBe(403);
    expect((await fetch(`${hub.url}/office/settings/intake`, { method: 'PUT', headers: sup, body: JSON.stringify(settings) })).status).toBe(200);

    const order = hotlineOrder({ content: '关于拆迁补偿标准的投诉，要求重新评估。' });
    await new SignedClient(hub.url, first(HOTLINE_KEYS)).post('/connectors/hotline/orders', order);
    await hotlineFake.waitFor((rs) => rs.some((r) => (r.body as Body)?.orderNo === order.orderNo), 15_000);
    const got = hotlineFake.received().map((r) => r.body as Body).filter((b) => b.orderNo === order.orderNo);
    expect(got[0]).toMatchObject({ type: 'not_accepted' });
    expect(String(got[0].reason)).toContain('in_other_proceedings');
  });
});
