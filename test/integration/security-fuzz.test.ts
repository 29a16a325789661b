/**
 * Property-based fuzzing of every intake endpoint (signed properly, so the body is what is fuzzed;
 * the signing headers and the path are fuzzed separately) and every endpoint of the hub's own API
 * (authenticated as a role that may call it). Fixed seed, FUZZ_RUNS cases per endpoint
 * (docs/security.md: HUB_FUZZ_SEED, HUB_FUZZ_RUNS).
 *
 * Invariants: never a 5xx; a refusal is a 4xx with `{error, ...}`; a refused request stores
 * nothing (every table's count unchanged); nothing pollutes Object.prototype; valid-but-nasty text
 * is stored exactly as sent.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { importDirectory, loadTicket } from '@hub/store';
import { SignedClient, type HubResponse } from '../fakes/signed-client';
import { hotlineOrder, ywtbEvaluation, ywtbSuggestion } from '../factories/tickets.factory';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';
import { authHeader } from '../support/auth';
import { FUZZ_RUNS, FUZZ_SEED, INJECTIONS, hostile, invalidBody, nastyText, pathTrick, preview, queryTrick, type HostileBody, type Schema } from '../fuzz/arbitraries';
import { request, tableCounts } from '../fuzz/security-kit';

const HOTLINE_KEYS = 'hk1:hotline-secret-1-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk1:ywtb-secret-1-of-at-least-32-bytes:hmac-sm3';
const key = (keys: string): SigningKey => {
  const r = parseKeyRing('X', keys);
  return r.find(r.keyIds()[0])!;
};
// Work is bounded by the number of cases, never by time (an interrupted run would pass with fewer
// cases on a busy machine); each test's timeout scales with its cases (a per-case budget ample
// for a machine many times slower than an idle one).
const params = (n = FUZZ_RUNS): fc.Parameters<unknown> => ({ seed: FUZZ_SEED, numRuns: n, endOnFailure: true });
const timeoutFor = (cases: number, perCaseMs: number): number => Math.max(120_000, cases * perCaseMs);
// the properties of FUZZ_RUNS cases: a request and two table counts each
jest.setTimeout(timeoutFor(FUZZ_RUNS, 1_000));
/** The API sweep: this many cases spread over every endpoint, at least API_MIN_RUNS each. */
const API_SWEEP_CASES = FUZZ_RUNS * 20;
const API_MIN_RUNS = 25;
const API_MAX_ENDPOINTS = 200;

const CITIZEN: Schema = {
  citizen: { kind: 'object', required: true },
  'citizen.anonymous': { kind: 'bool', required: true },
  'citizen.confidential': { kind: 'bool', required: true },
  'citizen.name': { kind: 'text', max: 100, required: false },
  'citizen.phone': { kind: 'format', required: false },
  'citizen.idNumber': { kind: 'format', required: false },
  'citizen.idType': { kind: 'enum', values: ['id_card', 'passport', 'uscc'], required: false },
};
const LOCATION: Schema = {
  location: { kind: 'object', required: false },
  'location.regionCode': { kind: 'format', required: true },
  'location.address': { kind: 'text', max: 500, required: false },
};

const HOTLINE_ORDER: Schema = {
  orderNo: { kind: 'text', max: 64, required: true },
  receivedAt: { kind: 'format', required: true },
  channel: { kind: 'enum', values: ['phone', 'web', 'app', 'wechat', 'letter', 'email'], required: true },
  kind: { kind: 'enum', values: ['complaint', 'suggestion', 'request', 'report', 'consultation'], required: true },
  categoryCode: { kind: 'text', max: 64, required: true },
  title: { kind: 'text', max: 200, required: true },
  content: { kind: 'text', max: 20000, required: true },
  ...CITIZEN,
  ...LOCATION,
  urgency: { kind: 'enum', values: ['normal', 'urgent'], required: false },
  complex: { kind: 'bool', required: false },
  designatedUnitCode: { kind: 'text', max: 64, required: false },
  respondent: { kind: 'object', required: false },
  attachments: { kind: 'array', max: 50, required: false },
};
const ORDER_EVENT: Schema = {
  eventId: { kind: 'text', max: 64, required: true },
  type: { kind: 'enum', values: ['supplement', 'urge', 'withdraw'], required: true },
  occurredAt: { kind: 'format', required: true },
  content: { kind: 'text', max: 20000, required: false },
};
const EVALUATION: Schema = {
  evaluationId: { kind: 'text', max: 64, required: true },
  projectNo: { kind: 'text', max: 64, required: true },
  serviceItemCode: { kind: 'text', max: 64, required: true },
  unitCode: { kind: 'text', max: 64, required: true },
  channel: { kind: 'enum', values: ['pc', 'app', 'window', 'self_service', 'sms', 'hotline'], required: true },
  rating: { kind: 'int', min: 1, max: 5, required: true },
  reasons: { kind: 'array', max: 20, required: false },
  comment: { kind: 'text', max: 20000, required: false },
  evaluatedAt: { kind: 'format', required: true },
  applicant: { kind: 'object', required: true },
  'applicant.phone': { kind: 'format', required: false },
  'applicant.name': { kind: 'text', max: 100, required: false },
};
const SUGGESTION: Schema = {
  suggestionId: { kind: 'text', max: 64, required: true },
  submittedAt: { kind: 'format', required: true },
  channel: { kind: 'enum', values: ['portal', 'app'], required: true },
  title: { kind: 'text', max: 200, required: true },
  content: { kind: 'text', max: 20000, required: true },
  categoryCode: { kind: 'text', max: 64, required: false },
  ...CITIZEN,
  ...LOCATION,
};

const isPolluted = (): boolean => (Object.prototype as Record<string, unknown>).polluted !== undefined || ({} as Record<string, unknown>).x !== undefined;

/** The Open311 door refuses in the GeoReport v2 error format (docs/open311.md), not the hub's {error}. */
function expectOpen311Refusal(r: { status: number; body: unknown; text: string }, what: string): void {
  const json = Array.isArray(r.body) && r.body.length > 0 && r.body.every((e: { code?: unknown; description?: unknown }) => Number.isInteger(e.code) && typeof e.description === 'string');
  const xml = r.text.startsWith('<?xml version="1.0" encoding="utf-8"?>') && /<errors><error><code>\d{3}<\/code><description>[^<]*<\/description><\/error>/.test(r.text);
  // A URL that cannot be decoded is refused by the HTTP server before any route (the same 400 for every path).
  const undecodable = r.status === 400 && (r.body as { code?: unknown } | undefined)?.code === 'FST_ERR_BAD_URL';
  if (r.status < 400 || r.status >= 500 || !(json || xml || undecodable)) throw new Error(`${what}: expected a 4xx in the Open311 error format, got ${r.status} ${r.text.slice(0, 300)}`);
}

function expectRefusal(r: { status: number; body: unknown; text: string }, what: string): void {
  if (/^[A-Z]+ \/open311\//.test(what)) return expectOpen311Refusal(r, what);
  const body = r.body as { error?: unknown; fields?: Array<{ path: unknown; message: unknown }> } | undefined;
  if (r.status < 400 || r.status >= 500 || typeof body?.error !== 'string') {
    throw new Error(`${what}: expected a 4xx {error}, got ${r.status} ${r.text.slice(0, 300)}`);
  }
  if (body.error === 'validation_failed' && !(Array.isArray(body.fields) && body.fields.every((f) => typeof f.path === 'string' && typeof f.message === 'string'))) {
    throw new Error(`${what}: validation_failed without precise fields: ${r.text.slice(0, 300)}`);
  }
}

describe('security: fuzzing (fast-check, fixed seed)', () => {
  let hub: RunningHub;
  let hotline: SignedClient;
  let ywtb: SignedClient;
  let knownOrderNo: string;

  beforeAll(async () => {
    await flushRedis();
    // Rate limits off: thousands of cases from one caller are the point here (limits have their own tests).
    hub = await startHub(testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_KEYS: YWTB_KEYS, HUB_RATE_LIMIT_ENABLED: 'false' }), ['gateway']);
    await resetDatabase(hub.ds);
    const dir = await importDirectory(hub.ds, JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')), 'test', true);
    expect(dir.ok).toBe(true);
    hotline = new SignedClient(hub.url, key(HOTLINE_KEYS));
    ywtb = new SignedClient(hub.url, key(YWTB_KEYS));
    const order = hotlineOrder();
    knownOrderNo = order.orderNo as string;
    expect((await hotline.post('/connectors/hotline/orders', order)).status).toBe(201);
  }, 120_000);
  afterAll(() => hub.close());
  afterEach(() => expect(isPolluted()).toBe(false));

  const intake: Array<[string, () => SignedClient, string, () => Record<string, unknown>, Schema]> = [
    ['hotline order', () => hotline, '/connectors/hotline/orders', () => hotlineOrder(), HOTLINE_ORDER],
    [
      'hotline order event',
      () => hotline,
      '/connectors/hotline/orders/{known}/events',
      () => ({ eventId: `EV${Math.random().toString(36).slice(2)}`, type: 'supplement', occurredAt: '2026-11-21T10:00:00+08:00', content: '补充材料' }),
      ORDER_EVENT,
    ],
    ['一网通办 evaluation', () => ywtb, '/connectors/ywtb/evaluations', () => ywtbEvaluation({ rating: 1 }), EVALUATION],
    ['一网通办 suggestion', () => ywtb, '/connectors/ywtb/suggestions', () => ywtbSuggestion(), SUGGESTION],
  ];

  describe.each(intake)('intake: %s', (_name, client, route, template, schema) => {
    const path = (): string => route.replace('{known}', encodeURIComponent(knownOrderNo));

    it(`invalid bodies (${FUZZ_RUNS} cases): 4xx with a precise error, nothing stored`, async () => {
      const before = await tableCounts(hub.ds);
      await fc.assert(
        fc.asyncProperty(invalidBody(template, schema), async (b: HostileBody) => {
          const r = await client().request({ method: 'POST', path: path(), body: b.raw, contentType: 'application/json' });
          expectRefusal(r, b.what);
          expect(await tableCounts(hub.ds)).toEqual(before);
        }),
        params(),
      );
    });

    it(`signing headers fuzzed (${FUZZ_RUNS} cases): 401/4xx, nothing stored`, async () => {
      const before = await tableCounts(hub.ds);
      const headerValue = fc.oneof(
        fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '')),
        fc.constantFrom('', ' ', '0', '-1', '99999999999999999999', '1.5', 'NaN', 'hmac-sha256=', 'hmac-md5=00', 'hmac-sha256=' + 'g'.repeat(64), '../../', "' OR 1=1"),
      );
      const overrides = fc.record(
        {
          'X-Key-Id': headerValue,
          'X-Timestamp': fc.oneof(headerValue, fc.integer().map(String)),
          'X-Nonce': headerValue,
          'X-Signature': headerValue,
          'Content-Type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(overrides, fc.boolean(), async (h, omit) => {
          const signed: Record<string, string> = Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'Content-Type'));
          // At least one signing header differs from the truth (or the content type is not JSON).
          if (Object.keys(signed).length === 0 && (h['Content-Type'] ?? 'application/json') === 'application/json') signed['X-Signature'] = 'hmac-sha256=00';
          const r = await client().request({
            method: 'POST',
            path: path(),
            body: JSON.stringify(template()),
            contentType: h['Content-Type'] || undefined,
            tamper: { headers: signed, omit: omit ? ['X-Nonce'] : [] },
          });
          expectRefusal(r, `headers ${preview(h)}`);
          expect(await tableCounts(hub.ds)).toEqual(before);
        }),
        params(),
      );
    });
  });

  it(`intake: path tricks in the order number (${FUZZ_RUNS} cases): 4xx, nothing stored`, async () => {
    const before = await tableCounts(hub.ds);
    await fc.assert(
      fc.asyncProperty(pathTrick, async (trick) => {
        const r = await hotline.request({
          method: 'POST',
          path: `/connectors/hotline/orders/${trick}/events`,
          body: { eventId: 'EV-path', type: 'urge', occurredAt: '2026-11-21T10:00:00+08:00' },
        });
        if (r.status === 431 || r.status === 414) return; // refused by the HTTP parser itself (URL too long)
        expectRefusal(r, `orderNo ${preview(trick)}`);
        expect(await tableCounts(hub.ds)).toEqual(before);
      }),
      params(),
    );
  });

  it(`intake: valid orders with nasty free text (${FUZZ_RUNS} cases): never 5xx; stored exactly as sent`, async () => {
    const required = nastyText.filter((s) => s.trim() !== '');
    await fc.assert(
      fc.asyncProperty(
        fc.record({ title: required.map((s) => s.slice(0, 200)), content: required, name: fc.option(nastyText.map((s) => s.slice(0, 100)), { nil: undefined }), address: fc.option(nastyText, { nil: undefined }), categoryCode: fc.constantFrom(...INJECTIONS.filter((s) => s.trim() !== '')) }),
        async (f) => {
          const order = hotlineOrder({ title: f.title, content: f.content, categoryCode: f.categoryCode, location: { regionCode: '310104', address: f.address }, citizen: { name: f.name, anonymous: false, confidential: false } });
          const r = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
          if (r.status >= 500) throw new Error(`5xx for ${preview(f)}: ${r.text}`);
          if (r.status !== 201) {
            // Refused: then with a precise reason about one of the nasty fields, and nothing stored.
            expectRefusal(r, preview(f));
            return;
          }
          const t = await loadTicket(hub.ds, r.body.ticketId);
          // PostgreSQL cannot hold U+0000 nor unpaired surrogates: both become U+FFFD (storeTicket).
          const stored = (s: string): string => s.replaceAll('\u0000', '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
          expect(t!.ticket.title).toBe(stored(f.title));
          expect(t!.ticket.content).toBe(stored(f.content));
          if (f.name) expect(t!.ticket.citizen.name).toBe(stored(f.name));
          expect(t!.ticket.categoryCode).toBe(stored(f.categoryCode));
        },
      ),
      params(),
    );
  });

  it(`intake: valid events, ratings and suggestions with nasty text (${FUZZ_RUNS} cases): accepted, never 5xx`, async () => {
    const text = nastyText.filter((s) => s.trim() !== '');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('event', 'rating', 'suggestion'), text, text, async (kind, a, b) => {
        let r: HubResponse;
        if (kind === 'event') {
          r = await hotline.post(`/connectors/hotline/orders/${encodeURIComponent(knownOrderNo)}/events`, { eventId: `EV-${a.slice(0, 40)}-${Math.random()}`, type: 'supplement', occurredAt: '2026-11-21T10:00:00+08:00', content: b });
        } else if (kind === 'rating') {
          r = await ywtb.post('/connectors/ywtb/evaluations', ywtbEvaluation({ rating: 4, comment: a, reasons: [b.slice(0, 200)], applicant: { name: a.slice(0, 100) } }));
        } else {
          r = await ywtb.post('/connectors/ywtb/suggestions', ywtbSuggestion({ title: a.slice(0, 200), content: b, citizen: { name: b.slice(0, 100), anonymous: false, confidential: true } }));
        }
        if (![200, 201, 202].includes(r.status)) throw new Error(`${kind} ${preview([a, b])}: ${r.status} ${r.text.slice(0, 300)}`);
      }),
      params(),
    );
  });

  describe('the API (every endpoint, authenticated)', () => {
    interface Op {
      method: string;
      route: string;
      headers: Record<string, string>;
    }
    let ops: Op[] = [];

    beforeAll(async () => {
      const doc = await request<{ paths: Record<string, Record<string, unknown>> }>(hub.url, { method: 'GET', path: '/docs/json' });
      // The Open311 door is fuzzed too; its refusals are checked in GeoReport v2's error format (expectOpen311Refusal).
      const all = Object.entries(doc.body.paths)
        .flatMap(([route, m]) => Object.keys(m).map((method) => ({ method: method.toUpperCase(), route })));
      const candidates = [
        await authHeader(hub, { role: 'admin', id: 'fuzz-admin' }),
        await authHeader(hub, { role: 'supervisor', id: 'fuzz-supervisor' }),
        await authHeader(hub, { role: 'operator', id: 'fuzz-operator' }),
        await authHeader(hub, { role: 'unit_staff', id: 'fuzz-staff', unitCode: '310104-MARKET' }),
      ];
      ops = [];
      for (const o of all.filter((x) => !x.route.startsWith('/connectors/'))) {
        // The first role the endpoint is for (a probe with a path that cannot exist).
        for (const h of candidates) {
          const probe = await request(hub.url, { method: o.method, path: o.route.replace(/\{[^}]+\}/g, 'probe'), headers: h, body: ['GET', 'DELETE'].includes(o.method) ? undefined : {} });
          if (probe.status !== 403) {
            ops.push({ ...o, headers: h });
            break;
          }
        }
      }
      expect(ops.length).toBeGreaterThan(20);
    }, 120_000);

    const apiBody: fc.Arbitrary<{ what: string; raw: string | undefined }> = fc.oneof(
      fc.constant({ what: 'no body', raw: undefined }),
      invalidBody(() => ({ a: 1 }), { a: { kind: 'object', required: true } }),
      fc.dictionary(nastyText, fc.oneof(nastyText, fc.anything({ maxDepth: 3 })), { maxKeys: 6 }).map((d) => hostile('object', JSON.stringify(d))),
      fc
        .record({ unitCode: nastyText, username: nastyText, password: nastyText, role: nastyText, holidays: fc.anything(), decision: nastyText, target: nastyText, unit: nastyText, reason: nastyText })
        .map((d) => hostile('fields', JSON.stringify(d))),
    );

    it(`every endpoint (${API_SWEEP_CASES} cases over all, at least ${API_MIN_RUNS} each): path tricks, query tricks, hostile bodies → never 5xx; writes refused and nothing stored`, async () => {
      expect(ops.length).toBeLessThanOrEqual(API_MAX_ENDPOINTS);
      const runs = Math.max(API_MIN_RUNS, Math.floor(API_SWEEP_CASES / ops.length));
      const before = await tableCounts(hub.ds);
      for (const op of ops) {
        const write = !['GET', 'HEAD'].includes(op.method);
        await fc.assert(
          fc.asyncProperty(fc.array(pathTrick, { minLength: 3, maxLength: 3 }), queryTrick, write ? apiBody : fc.constant({ what: 'GET', raw: undefined }), async (tricks, query, body) => {
            let i = 0;
            const path = op.route.replace(/\{[^}]+\}/g, () => tricks[i++]) + query;
            const r = await request(hub.url, { method: op.method, path, headers: op.headers, body: body.raw, contentType: 'application/json' });
            const what = `${op.method} ${path.slice(0, 120)} ${body.what}`;
            if (r.status === 431 || r.status === 414) return;
            if (r.status >= 500) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
            if (write || r.status >= 400) expectRefusal(r, what);
          }),
          params(runs),
        );
        // nothing stored by any case of this endpoint (counted once per endpoint: the counts cost
        // more than the requests)
        expect([`${op.method} ${op.route}`, await tableCounts(hub.ds)]).toEqual([`${op.method} ${op.route}`, before]);
      }
    }, timeoutFor(API_SWEEP_CASES + API_MIN_RUNS * API_MAX_ENDPOINTS, 250));
  });

  it('a body over 1 MiB answers 413 too_large, on intake and on the API', async () => {
    const big = JSON.stringify({ ...hotlineOrder(), content: 'x'.repeat(1024 * 1024 + 1) });
    const r1 = await hotline.request({ method: 'POST', path: '/connectors/hotline/orders', body: big });
    expect([r1.status, (r1.body as { error: string }).error]).toEqual([413, 'too_large']);
    const r2 = await request(hub.url, { method: 'POST', path: '/auth/users', headers: await authHeader(hub, { role: 'admin' }), body: big });
    expect([r2.status, r2.body.error]).toEqual([413, 'too_large']);
    const r3 = await request(hub.url, { method: 'POST', path: '/auth/login', body: big });
    expect([r3.status, r3.body.error]).toEqual([413, 'too_large']);
    await eventually(async () => (await hub.ds.query(`SELECT 1`)) as unknown[]);
  });

  it('arrays of objects hold no arrays: [[…]] is not a list of attachments', async () => {
    for (const attachments of [[[]], [[{ name: 'a.pdf', url: 'https://files.example.gov.cn/a.pdf', sha256: 'a'.repeat(64) }]]]) {
      const r = await hotline.post<{ error: string; fields: Array<{ path: string }> }>('/connectors/hotline/orders', hotlineOrder({ attachments }));
      expect([r.status, r.body.error, r.body.fields.map((f) => f.path)]).toEqual([400, 'validation_failed', ['attachments']]);
    }
  });

  it('login answers 4xx to anything that is not a username and password', async () => {
    await fc.assert(
      fc.asyncProperty(invalidBody(() => ({ username: 'someone', password: 'some password' }), { username: { kind: 'text', max: 64, required: true }, password: { kind: 'text', max: 256, required: true } }), async (b) => {
        const r = await request(hub.url, { method: 'POST', path: '/auth/login', body: b.raw });
        expectRefusal(r, b.what);
      }),
      params(Math.min(FUZZ_RUNS, 100)),
    );
  });

  it('X-Api-Key and Authorization headers fuzzed: 401, never 5xx', async () => {
    const value = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, ''));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('x-api-key', 'authorization'), fc.oneof(value, value.map((v) => `Bearer ${v}`), value.map((v) => `uk_${v}.${v}`)), async (name, v) => {
        const r: HubResponse | Awaited<ReturnType<typeof request>> = await request(hub.url, { method: 'GET', path: '/auth/me', headers: { [name]: v } });
        expect([name, r.status]).toEqual([name, 401]);
        expect(typeof (r.body as { error?: unknown }).error).toBe('string');
      }),
      params(),
    );
  });
});
