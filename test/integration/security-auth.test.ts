import { readFileSync } from 'node:fs';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { importDirectory } from '@hub/store';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { SignedClient } from '../fakes/signed-client';
import { hotlineOrder, ywtbSuggestion } from '../factories/tickets.factory';
import { RunningHub, SHANGHAI_DIRECTORY, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';
import { authHeader } from '../support/auth';
import { request, type RawAnswer } from '../fuzz/security-kit';

const ADMIN_PASSWORD = 'bootstrap-admin-password-1';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';
const OLD_JWT = 'old-jwt-secret-that-is-at-least-32-characters';
const NEW_JWT = 'new-jwt-secret-that-is-at-least-32-characters';
const HOTLINE_KEYS = 'hk1:hotline-secret-1-of-at-least-32-bytes:hmac-sha256,hk2:hotline-secret-2-of-at-least-32-bytes:hmac-sm3';
const YWTB_KEYS = 'yk1:ywtb-secret-1-of-at-least-32-bytes:hmac-sha256';
const ring = (keys: string, i = 0): SigningKey => {
  const r = parseKeyRing('X', keys);
  return r.find(r.keyIds()[i])!;
};

type Json = Record<string, unknown>;

describe('security: who is who (users, tokens, API keys, rate limits)', () => {
  let hub: RunningHub;
  const call = <T = Json>(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<RawAnswer<T>> =>
    request<T>(hub.url, { method, path, headers, body });
  const login = (username: string, password: string) => call<{ accessToken: string; expiresIn: number; error?: string }>('POST', '/auth/login', {}, { username, password });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    await flushRedis();
    // A fresh install: no administrator yet (other test files leave theirs behind).
    const ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, extra: { max: 1 } });
    await ds.initialize();
    await resetDatabase(ds);
    await ds.destroy();
    hub = await startHub(
      testConfig({
        HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HUB_JWT_SECRET: NEW_JWT,
        HUB_JWT_PREVIOUS_SECRETS: OLD_JWT,
        HUB_ACCESS_TOKEN_TTL_S: '900',
        HUB_RATE_LIMIT_LOGIN_PER_MIN: '5',
        // the per-address limit has its own test (security-login); this file logs in often from loopback
        HUB_RATE_LIMIT_LOGIN_ADDRESS_PER_MIN: '1000',
        HUB_METRICS_TOKEN: METRICS_TOKEN,
      }),
      ['gateway'],
    );
  });
  afterAll(() => hub.close());

  describe('users and login', () => {
    let adminToken: string;

    beforeAll(async () => {
      const r = await login('admin', ADMIN_PASSWORD);
      expect(r.status).toBe(200);
      adminToken = r.body.accessToken;
    });

    it('a fresh install has the admin from HUB_ADMIN_PASSWORD, with a hashed password and a 15-minute token', async () => {
      const [u] = (await hub.ds.query(`SELECT username, role, password_hash FROM users WHERE username = 'admin'`)) as Array<{ password_hash: string; role: string }>;
      expect(u.role).toBe('admin');
      expect(u.password_hash).toMatch(/^scrypt\$/);
      expect(u.password_hash).not.toContain(ADMIN_PASSWORD);
      const claims = new JwtService({}).decode<{ exp: number; iat: number; role: string; iss: string }>(adminToken);
      expect(claims.exp - claims.iat).toBe(900);
      expect(claims).toMatchObject({ role: 'admin', iss: 'hub' });
      const me = await call('GET', '/auth/me', bearer(adminToken));
      expect(me.body).toMatchObject({ role: 'admin', name: 'admin' });
    });

    it('unknown user, wrong password and a disabled account get one and the same 401', async () => {
      const created = await call<{ id: string }>('POST', '/auth/users', bearer(adminToken), { username: 'op.wang', password: 'operator-password-1', role: 'operator' });
      expect(created.status).toBe(201);
      const ok = await login('OP.WANG', 'operator-password-1');
      expect(ok.status).toBe(200);
      const wrong = await login('op.wang', 'operator-password-2');
      const unknown = await login('nobody.here', 'operator-password-1');
      const off = await call('PATCH', `/auth/users/${created.body.id}`, bearer(adminToken), { active: false });
      expect(off.status).toBe(200);
      const disabled = await login('op.wang', 'operator-password-1');
      for (const r of [wrong, unknown, disabled]) {
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ error: 'invalid_credentials', message: expect.any(String) });
      }
      expect(new Set([wrong.text, unknown.text, disabled.text]).size).toBe(1);
    });

    it('admins create unit staff for one unit; the token carries the unit; the answer never holds the hash', async () => {
      const r = await call<Json>('POST', '/auth/users', bearer(adminToken), { username: 'staff.li', password: 'unit-staff-password', role: 'unit_staff', unitCode: '310104-MARKET' });
      expect(r.status).toBe(201);
      expect(r.text).not.toMatch(/scrypt|unit-staff-password/);
      const t = await login('staff.li', 'unit-staff-password');
      const me = await call('GET', '/auth/me', bearer(t.body.accessToken));
      expect(me.body).toMatchObject({ role: 'unit_staff', unitCode: '310104-MARKET', name: 'staff.li' });
      const list = await call<Json[]>('GET', '/auth/users', bearer(adminToken));
      expect(list.text).not.toMatch(/scrypt|password_hash|passwordHash/);
    });

    it.each([
      ['unit staff without a unit', { username: 'x.one', password: 'long-enough-pass', role: 'unit_staff' }, 'unitCode'],
      ['an operator with a unit', { username: 'x.two', password: 'long-enough-pass', role: 'operator', unitCode: '310104-MARKET' }, 'unitCode'],
      ['a short password', { username: 'x.three', password: 'short', role: 'operator' }, 'password'],
      ['the unit_system role (keys only)', { username: 'x.four', password: 'long-enough-pass', role: 'unit_system', unitCode: 'U' }, 'role'],
      ['a username with a path in it', { username: '../admin', password: 'long-enough-pass', role: 'admin' }, 'username'],
    ])('refuses %s with a precise 400', async (_what, body, path) => {
      const r = await call<{ error: string; fields: Array<{ path: string }> }>('POST', '/auth/users', bearer(adminToken), body);
      expect(r.status).toBe(400);
      expect(r.body.fields.map((f) => f.path)).toContain(path);
    });

    it('a taken username (any case) is 409; the last admin cannot be disabled', async () => {
      const r = await call('POST', '/auth/users', bearer(adminToken), { username: 'ADMIN', password: 'long-enough-pass', role: 'admin' });
      expect(r.status).toBe(409);
      const [admin] = (await hub.ds.query(`SELECT id::text AS id FROM users WHERE username = 'admin'`)) as Array<{ id: string }>;
      const off = await call('PATCH', `/auth/users/${admin.id}`, bearer(adminToken), { active: false });
      expect([off.status, off.body.error]).toEqual([409, 'last_admin']);
    });

    it('only admins manage users and keys', async () => {
      for (const role of ['operator', 'supervisor', 'unit_staff'] as const) {
        const h = await authHeader(hub, { role, unitCode: role === 'unit_staff' ? '310104-MARKET' : undefined });
        expect((await call('GET', '/auth/users', h)).status).toBe(403);
        expect((await call('POST', '/auth/api-keys', h, { unitCode: '310104-MARKET' })).status).toBe(403);
      }
    });

    it('users change their own password with the current one', async () => {
      await call('POST', '/auth/users', bearer(adminToken), { username: 'sup.zhao', password: 'supervisor-pass-1', role: 'supervisor' });
      const t = (await login('sup.zhao', 'supervisor-pass-1')).body.accessToken;
      expect((await call('POST', '/auth/password', bearer(t), { currentPassword: 'wrong-password', newPassword: 'supervisor-pass-2' })).status).toBe(401);
      expect((await call('POST', '/auth/password', bearer(t), { currentPassword: 'supervisor-pass-1', newPassword: 'supervisor-pass-2' })).status).toBe(200);
      expect((await login('sup.zhao', 'supervisor-pass-2')).status).toBe(200);
      const audit = (await hub.ds.query(`SELECT action FROM auth_audit ORDER BY id`)) as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user_created', 'user_updated', 'password_changed']));
    });

    // GCRA at 5 a minute: the burst of 5, then one more every 12 s; on a busy machine (each
    // scrypt can take seconds) the guesses themselves span cells, so the bound counts them
    const allowedWithin = (ms: number): number => 5 + Math.ceil(ms / 12_000);

    it('password guessing is throttled per username: 429 with Retry-After', async () => {
      const answers: number[] = [];
      const t0 = Date.now();
      for (let i = 0; i < 7; i++) answers.push((await login('victim.user', `guess-${i}-password`)).status);
      expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(answers.filter((s) => s === 401).length).toBeLessThanOrEqual(allowedWithin(Date.now() - t0));
      let r = await login('victim.user', 'guess-x-password');
      while (r.status === 401 && answers.length < allowedWithin(Date.now() - t0)) {
        answers.push(r.status);
        r = await login('victim.user', 'guess-x-password');
      }
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ error: 'rate_limited' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });

    it('a guesser cannot escape the throttle by claiming a new address in X-Forwarded-For (HUB_TRUST_PROXY unset)', async () => {
      const answers: number[] = [];
      const t0 = Date.now();
      for (let i = 0; i < 7; i++) {
        const r = await call('POST', '/auth/login', { 'x-forwarded-for': `203.0.113.${i + 1}` }, { username: 'victim.two', password: `guess-${i}-password` });
        answers.push(r.status);
      }
      expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      const elapsed = Date.now() - t0;
      expect(answers.filter((s) => s === 401).length).toBeLessThanOrEqual(allowedWithin(elapsed));
      if (allowedWithin(elapsed) < answers.length) expect(answers.at(-1)).toBe(429);
    });
  });

  describe('metrics', () => {
    it('GET /metrics asks for HUB_METRICS_TOKEN when it is set: 401 without it or with another, Prometheus text with it', async () => {
      const none = await call('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ error: 'unauthenticated' });
      expect((await call('GET', '/metrics', bearer(`${METRICS_TOKEN}x`))).status).toBe(401);
      // a user's access token is not the metrics token
      expect((await call('GET', '/metrics', bearer((await login('admin', ADMIN_PASSWORD)).body.accessToken))).status).toBe(401);
      const ok = await call('GET', '/metrics', bearer(METRICS_TOKEN));
      expect(ok.status).toBe(200);
      expect(ok.text).toMatch(/^# HELP /m);
      // health stays open for the orchestrator
      expect((await call('GET', '/health')).status).toBe(200);
    });
  });

  describe('tokens', () => {
    const forge = (secret: string, claims: Json, opts: { expiresIn?: number; issuer?: string } = {}) =>
      new JwtService({ secret }).sign(claims, { expiresIn: opts.expiresIn ?? 60, issuer: opts.issuer ?? 'hub', algorithm: 'HS256' });

    it('a token signed with the previous secret still works during the rotation; any other secret does not', async () => {
      const claims = { sub: 'u1', role: 'operator', name: 'op' };
      expect((await call('GET', '/auth/me', bearer(forge(OLD_JWT, claims)))).status).toBe(200);
      expect((await call('GET', '/auth/me', bearer(forge(NEW_JWT, claims)))).status).toBe(200);
      expect((await call('GET', '/auth/me', bearer(forge('someone-elses-secret-of-32-characters!!', claims)))).status).toBe(401);
    });

    it('expired, foreign-issuer, alg=none, unknown-role and unit-less unit tokens are refused', async () => {
      const expired = forge(NEW_JWT, { sub: 'u1', role: 'operator', name: 'op' }, { expiresIn: 1 });
      await new Promise((r) => setTimeout(r, 2100));
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', name: 'x', iss: 'hub' })).toString('base64url')}.`;
      const tokens = [
        expired,
        forge(NEW_JWT, { sub: 'u1', role: 'operator', name: 'op' }, { issuer: 'elsewhere' }),
        none,
        forge(NEW_JWT, { sub: 'u1', role: 'root', name: 'op' }),
        forge(NEW_JWT, { sub: 'u1', role: 'unit_staff', name: 'op' }),
      ];
      for (const t of tokens) {
        const r = await call('GET', '/auth/me', bearer(t));
        expect([r.status, r.body.error]).toEqual([401, 'unauthenticated']);
      }
      expect((await call('GET', '/auth/me', { authorization: 'Basic YWRtaW46YWRtaW4=' })).status).toBe(401);
      expect((await call('GET', '/auth/me')).status).toBe(401);
    });
  });

  describe("units' API keys", () => {
    let admin: Record<string, string>;
    beforeAll(async () => {
      admin = await authHeader(hub, { role: 'admin', id: 'admin-keys' });
    });
    const asKey = (apiKey: string) => ({ 'x-api-key': apiKey });

    it('created for a unit, the secret shown once and stored only as a hash; the key acts as unit_system of that unit', async () => {
      const r = await call<{ keyId: string; apiKey: string; unitCode: string; live: boolean }>('POST', '/auth/api-keys', admin, { unitCode: '310101-GOV' });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ unitCode: '310101-GOV', live: true });
      const [secret] = r.body.apiKey.split('.').slice(1);
      const [row] = (await hub.ds.query(`SELECT * FROM api_keys WHERE key_id = $1`, [r.body.keyId])) as Array<Json>;
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      const list = await call('GET', '/auth/api-keys?unitCode=310101-GOV', admin);
      expect(list.text).toContain(r.body.keyId);
      expect(list.text).not.toContain(secret);
      const me = await call('GET', '/auth/me', asKey(r.body.apiKey));
      expect(me.body).toMatchObject({ id: r.body.keyId, role: 'unit_system', unitCode: '310101-GOV' });
      const wrong = await call('GET', '/auth/me', asKey(`${r.body.keyId}.${'A'.repeat(43)}`));
      expect([wrong.status, wrong.body.error]).toEqual([401, 'unauthenticated']);
      expect((await call('GET', '/auth/me', asKey('garbage'))).status).toBe(401);
      // An API key is a unit's system: never an administrator.
      expect((await call('GET', '/auth/users', asKey(r.body.apiKey))).status).toBe(403);
    });

    it('rotation: two live keys per unit, both work during the overlap, the old one stops after it; a third is refused', async () => {
      const first = await call<{ keyId: string; apiKey: string }>('POST', '/auth/api-keys', admin, { unitCode: '310104-MARKET' });
      const rotated = await call<{ keyId: string; apiKey: string; replaces: string }>('POST', `/auth/api-keys/${first.body.keyId}/rotate`, admin, { overlapHours: 1 });
      expect(rotated.status).toBe(201);
      expect(rotated.body.replaces).toBe(first.body.keyId);
      expect((await call('GET', '/auth/me', asKey(first.body.apiKey))).status).toBe(200);
      expect((await call('GET', '/auth/me', asKey(rotated.body.apiKey))).status).toBe(200);
      const third = await call('POST', '/auth/api-keys', admin, { unitCode: '310104-MARKET' });
      expect([third.status, third.body.error]).toEqual([409, 'too_many_keys']);
      // The overlap ends (simulated by moving the old key's expiry into the past).
      await hub.ds.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_id = $1`, [first.body.keyId]);
      const old = await call('GET', '/auth/me', asKey(first.body.apiKey));
      expect([old.status, old.body.message]).toEqual([401, 'API key expired']);
      expect((await call('GET', '/auth/me', asKey(rotated.body.apiKey))).status).toBe(200);
    });

    it('revocation is immediate; unknown key ids answer 404 without hitting the database with junk', async () => {
      const k = await call<{ keyId: string; apiKey: string }>('POST', '/auth/api-keys', admin, { unitCode: '310115-GOV' });
      const rev = await call('POST', `/auth/api-keys/${k.body.keyId}/revoke`, admin);
      expect(rev.status).toBe(200);
      const r = await call('GET', '/auth/me', asKey(k.body.apiKey));
      expect([r.status, r.body.message]).toEqual([401, 'API key revoked']);
      for (const id of ['uk_doesnotexist0000', '..%2f..%2fetc', "x' OR '1'='1"]) {
        expect((await call('POST', `/auth/api-keys/${encodeURIComponent(id)}/revoke`, admin)).status).toBe(404);
      }
      const audit = (await hub.ds.query(`SELECT action FROM auth_audit WHERE subject = $1 ORDER BY id`, [`api_key:${k.body.keyId}`])) as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(['api_key_created', 'api_key_revoked']);
    });

    it('once a directory is active, keys and unit staff are only created for units it knows', async () => {
      expect((await importDirectory(hub.ds, JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')), 'test', true)).ok).toBe(true);
      const typo = await call<{ fields: Array<{ path: string }> }>('POST', '/auth/api-keys', admin, { unitCode: '310105-MARKT' });
      expect([typo.status, typo.body.fields[0].path]).toEqual([400, 'unitCode']);
      const staff = await call<{ fields: Array<{ path: string }> }>('POST', '/auth/users', admin, { username: 'staff.typo', password: 'long-enough-pass', role: 'unit_staff', unitCode: 'NaN' });
      expect([staff.status, staff.body.fields[0].path]).toEqual([400, 'unitCode']);
      expect((await call('POST', '/auth/api-keys', admin, { unitCode: '310105-MARKET' })).status).toBe(201);
    });
  });
});

describe('security: rate limits (429 with Retry-After, per caller)', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    await flushRedis();
    hub = await startHub(
      testConfig({ HUB_RATE_LIMIT_API_PER_MIN: '5', HUB_RATE_LIMIT_INTAKE_PER_MIN: '3', HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_KEYS: YWTB_KEYS }),
      ['gateway'],
    );
  });
  beforeEach(() => resetDatabase(hub.ds));
  afterAll(() => hub.close());

  it('per user on the API: the 6th request in a minute is 429 rate_limited with Retry-After; another user is unaffected', async () => {
    const h = await authHeader(hub, { role: 'operator', id: 'rl-op-1' });
    const statuses: number[] = [];
    let last: RawAnswer | undefined;
    for (let i = 0; i < 6; i++) {
      last = await request(hub.url, { method: 'GET', path: '/auth/me', headers: h });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.body).toMatchObject({ error: 'rate_limited', retryAfter: expect.any(Number) });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
    const other = await authHeader(hub, { role: 'operator', id: 'rl-op-2' });
    expect((await request(hub.url, { method: 'GET', path: '/auth/me', headers: other })).status).toBe(200);
  });

  it('per upstream key on intake: a key that spent its budget gets 429, the other key of the system goes on, nothing stored for the 429', async () => {
    const a = new SignedClient(hub.url, ring(HOTLINE_KEYS, 0));
    const b = new SignedClient(hub.url, ring(HOTLINE_KEYS, 1));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.post('/connectors/hotline/orders', hotlineOrder())).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const [{ n }] = (await hub.ds.query(`SELECT count(*)::int AS n FROM tickets`)) as Array<{ n: number }>;
    expect(n).toBe(3);
    const throttled = await a.post<{ error: string }>('/connectors/hotline/orders', hotlineOrder());
    expect(throttled.body.error).toBe('rate_limited');
    expect(throttled.headers['retry-after']).toBeDefined();
    expect((await b.post('/connectors/hotline/orders', hotlineOrder())).status).toBe(201);
  });

  it('forged requests do not spend a system\'s budget (counted after the signature holds)', async () => {
    const a = new SignedClient(hub.url, ring(YWTB_KEYS, 0));
    for (let i = 0; i < 10; i++) expect((await a.post('/connectors/ywtb/suggestions', ywtbSuggestion(), { corruptSignature: true })).status).toBe(401);
    expect((await a.post('/connectors/ywtb/suggestions', ywtbSuggestion())).status).toBe(201);
  });

  it("separate key rings: a hotline key cannot reach 一网通办's endpoints, nor the reverse", async () => {
    const hotline = new SignedClient(hub.url, ring(HOTLINE_KEYS, 1));
    const ywtb = new SignedClient(hub.url, ring(YWTB_KEYS, 0));
    const r1 = await hotline.post<{ error: string }>('/connectors/ywtb/suggestions', ywtbSuggestion());
    const r2 = await ywtb.post<{ error: string }>('/connectors/hotline/orders', hotlineOrder());
    expect([r1.status, r1.body.error]).toEqual([401, 'unknown_key']);
    expect([r2.status, r2.body.error]).toEqual([401, 'unknown_key']);
    // An upstream's signature is no ticket to the hub's own API either.
    const api = await hotline.get<{ error: string }>('/auth/me');
    expect(api.status).toBe(401);
  });
});

describe('metrics without HUB_METRICS_TOKEN', () => {
  it('are open (keep the port on the internal network), as Prometheus text', async () => {
    const hub = await startHub(testConfig(), ['notifier']);
    try {
      const url = (await hub.apps.notifier!.getUrl()).replace('[::1]', '127.0.0.1');
      const r = await fetch(`${url}/metrics`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await r.text()).toMatch(/^# HELP /m);
    } finally {
      await hub.close();
    }
  });
});
