import { readFileSync } from 'node:fs';
import { importDirectory } from '@hub/store';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { expectValid, expectXmlDocument, get, postForm, schemas } from '../support/open311-kit';

const KEY = 'open311-test-key-0123456789abcdef';
const directory = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as Record<string, unknown>;
type Json = Record<string, unknown>;

/** A pothole-like report in 浦东新区 by address, as a FixMyStreet-style client sends it. */
const report = (extra: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
  api_key: KEY,
  jurisdiction_id: '310000',
  service_code: '0603',
  address_string: '上海市浦东新区世纪大道100号门口',
  description: '世纪大道100号门口人行道地砖破损多日，行人容易绊倒，请尽快修复。',
  first_name: '小明',
  last_name: '王',
  phone: '13800138000',
  email: 'wang.xiaoming@example.com',
  ...extra,
});

describe('Open311 GeoReport v2 door', () => {
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startHub(testConfig({ HUB_OPEN311_KEYS: KEY }), undefined, { fresh: true });
  });
  beforeEach(async () => {
    await resetDatabase(hub.ds);
    expect((await importDirectory(hub.ds, directory, 'test', true)).ok).toBe(true);
  });
  afterAll(async () => {
    await hub.close();
  });

  it('lists the directory categories as services, valid against the GeoReport schemas in JSON and XML', async () => {
    const json = await get(hub.url, 'services.json?jurisdiction_id=310000');
    expect(json.status).toBe(200);
    expect(json.type).toBe('application/json; charset=utf-8');
    const services = json.json() as Json[];
    expectValid(schemas.services, services);
    const food = services.find((s) => s.service_code === '0101');
    expect(food).toMatchObject({ service_name: '食品安全', group: '市场监管', metadata: true, type: 'realtime' });
    expect(String(food?.keywords)).toContain('食品安全');
    // parents (2-digit groups) are not services
    expect(services.some((s) => s.service_code === '01')).toBe(false);
    const xml = await get(hub.url, 'services.xml');
    expect(xml.type).toBe('text/xml; charset=utf-8');
    const doc = expectXmlDocument(xml.text, 'services') as { services: { service: Json[] } };
    expect(doc.services.service).toHaveLength(services.length);
  });

  it('defines every service with the region attribute (the directory regions) and the hub attributes', async () => {
    const json = await get(hub.url, 'services/0603.json');
    expect(json.status).toBe(200);
    const def = json.json() as { service_code: string; attributes: Array<Json & { values?: Json[] }> };
    expectValid(schemas.serviceDefinition, def);
    const region = def.attributes.find((a) => a.code === 'region');
    expect(region?.datatype).toBe('singlevaluelist');
    expect(region?.values).toContainEqual({ key: '310115', name: '浦东新区' });
    expect(def.attributes.every((a) => /^[\x21-\x7e]+$/.test(String(a.code)))).toBe(true);
    const xml = await get(hub.url, 'services/0603.xml');
    expectXmlDocument(xml.text, 'service_definition');
    const missing = await get(hub.url, 'services/9999.json');
    expect(missing.status).toBe(404);
    expectValid(schemas.errors, missing.json());
  });

  it('takes a request as a ticket of source open311, routes it by the district in address_string and shows it without the citizen', async () => {
    const post = await postForm(hub.url, 'requests.json', report());
    expect(post.status).toBe(201);
    const [created] = post.json() as Array<{ service_request_id: string; service_notice: string }>;
    expect(typeof created.service_request_id).toBe('string');
    const row = await eventually(async () => {
      const r = (await hub.ds.query(`SELECT source, source_record, region_code, state, unit_code, raw_payload FROM tickets WHERE id = $1`, [created.service_request_id])) as Json[];
      return r[0]?.state === 'dispatched' ? r[0] : undefined;
    });
    expect(row).toMatchObject({ source: 'open311', source_record: 'request', region_code: '310115' });
    // personal data sealed at rest, the api_key never kept
    const raw = JSON.stringify(row.raw_payload);
    expect(raw).not.toContain('wang.xiaoming@example.com');
    expect(raw).not.toContain('13800138000');
    expect(raw).not.toContain(KEY);

    const one = await get(hub.url, `requests/${created.service_request_id}.json`);
    expect(one.status).toBe(200);
    const shown = one.json() as Json[];
    expectValid(schemas.requests, shown);
    expect(shown[0]).toMatchObject({ service_request_id: created.service_request_id, status: 'open', service_code: '0603' });
    expect(shown[0].agency_responsible).toEqual(expect.any(String));
    expect(shown[0].expected_datetime).toMatch(/T23:59:59\+08:00$/);
    for (const text of [one.text, (await get(hub.url, `requests/${created.service_request_id}.xml`)).text]) {
      expect(text).not.toContain('13800138000');
      expect(text).not.toContain('王');
      expect(text).not.toContain('example.com');
    }
    expectXmlDocument((await get(hub.url, `requests/${created.service_request_id}.xml`)).text, 'service_requests');
    const token = await get(hub.url, `tokens/${created.service_request_id}.json`);
    expect(token.json()).toEqual([{ service_request_id: created.service_request_id, token: created.service_request_id }]);
  });

  it('answers errors in the spec format with 400, 403 and 404 and stores nothing', async () => {
    const cases: Array<[Record<string, string | string[]>, number, string]> = [
      [report({ api_key: '' }), 403, 'api_key'],
      [report({ api_key: 'x'.repeat(30) }), 403, 'api_key'],
      [report({ jurisdiction_id: 'sfgov.org' }), 404, 'jurisdiction_id'],
      [{ ...report(), service_code: '' }, 400, 'service_code'],
      [report({ service_code: '9999' }), 404, 'service_code'],
      [report({ 'attribute[urgency]': 'very' }), 400, 'attribute[urgency]'],
      [report({ 'attribute[color]': 'red' }), 400, 'attribute[color]'],
      [report({ lat: '31.2' }), 400, 'lat and long'],
      [{ ...report(), address_string: '' }, 400, 'location'],
    ];
    for (const [form, status, words] of cases) {
      const json = await postForm(hub.url, 'requests.json', form);
      expect([json.status, json.text]).toEqual([status, expect.stringContaining(words)]);
      expectValid(schemas.errors, json.json());
      expect((json.json() as Json[])[0].code).toBe(status);
      const xml = await postForm(hub.url, 'requests.xml', form);
      expect(xml.status).toBe(status);
      expectXmlDocument(xml.text, 'errors');
    }
    expect(await hub.ds.query(`SELECT count(*)::int AS n FROM tickets`)).toEqual([{ n: 0 }]);
    const wrongJurisdiction = await get(hub.url, 'requests.xml?jurisdiction_id=999999');
    expect(wrongJurisdiction.status).toBe(404);
    // a request without jurisdiction_id is served (clients send it only when configured)
    expect((await get(hub.url, 'requests.json')).status).toBe(200);
    // a path the spec does not have is its 404 too, not the hub's own error body
    const unknownJson = await get(hub.url, 'discovery.../x.json');
    expect(unknownJson.status).toBe(404);
    expectValid(schemas.errors, unknownJson.json());
    const unknownXml = await get(hub.url, 'nothing-here');
    expect(unknownXml.status).toBe(404);
    expectXmlDocument(unknownXml.text, 'errors');
  });

  it('gives a retry with the same device_id and body the same id; another body or no device_id a new one', async () => {
    const a = await postForm(hub.url, 'requests.json', report({ device_id: 'phone-1' }));
    const b = await postForm(hub.url, 'requests.json', report({ device_id: 'phone-1' }));
    expect([a.status, b.status]).toEqual([201, 200]);
    const id = (r: { json(): unknown }): string => (r.json() as Array<{ service_request_id: string }>)[0].service_request_id;
    expect(id(b)).toBe(id(a));
    const c = await postForm(hub.url, 'requests.json', report({ device_id: 'phone-1', description: '另一处地砖破损，位于世纪大道102号。' }));
    expect(id(c)).not.toBe(id(a));
    const d = await postForm(hub.url, 'requests.json', report());
    const e = await postForm(hub.url, 'requests.json', report());
    expect(id(d)).not.toBe(id(e));
  });
});
