import { readFileSync } from 'node:fs';
import { importDirectory } from '@hub/store';
import { RunningHub, SHANGHAI_DIRECTORY, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';
import { expectValid, expectXmlDocument, get, postForm, schemas } from '../support/open311-kit';

const KEY_A = 'limits-key-a-0123456789abcdefgh';
const KEY_B = 'limits-key-b-0123456789abcdefgh';
const directory = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as Record<string, unknown>;

const report = (apiKey: string, n: number): Record<string, string> => ({
  api_key: apiKey,
  service_code: '0101',
  'attribute[region]': '310104',
  description: `第${n}次反映：某餐馆后厨卫生条件差。`,
});

describe('Open311 limits: per api_key for POSTs, per address for reads', () => {
  let hub: RunningHub;

  beforeAll(async () => {
    // budgets of earlier files in this Redis database must not count here
    await flushRedis(process.env.REDIS_URL);
    hub = await startHub(
      testConfig({ HUB_OPEN311_KEYS: `${KEY_A},${KEY_B}`, HUB_RATE_LIMIT_OPEN311_PER_MIN: '3', HUB_RATE_LIMIT_OPEN311_READ_PER_MIN: '4' }),
      ['gateway'],
      { fresh: true },
    );
    await resetDatabase(hub.ds);
    expect((await importDirectory(hub.ds, directory, 'test', true)).ok).toBe(true);
  });
  afterAll(async () => {
    await hub.close();
  });

  it('refuses the fourth POST of a key within the minute with 429 in the spec format; another key is not affected', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) statuses.push((await postForm(hub.url, 'requests.json', report(KEY_A, i))).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await postForm(hub.url, 'requests.xml', report(KEY_A, 5));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expectXmlDocument(limited.text, 'errors');
    expect((await postForm(hub.url, 'requests.json', report(KEY_B, 1))).status).toBe(201);
    expect(await hub.ds.query(`SELECT count(*)::int AS n FROM tickets`)).toEqual([{ n: 4 }]);
  });

  it('refuses the fifth read of an address within the minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(hub.url, 'services.json')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await get(hub.url, 'requests.json');
    expect(limited.status).toBe(429);
    expectValid(schemas.errors, limited.json());
  });

  it('refuses a form anywhere but under /open311/ (415, as any non-JSON body)', async () => {
    const res = await fetch(`${hub.url}/connectors/hotline/orders`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(res.status).toBe(415);
  });
});
