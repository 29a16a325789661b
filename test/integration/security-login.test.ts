/**
 * Password spraying (docs/security.md "Login"): one address trying one password over many
 * usernames is stopped before any lookup or hash, and a real user signs in during the attack.
 * Black box: HTTP only; the addresses come through X-Forwarded-For from a trusted proxy (loopback).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { RunningHub, flushRedis, startHub, testConfig } from '../support/harness';
import { request } from '../fuzz/security-kit';

const ADMIN_PASSWORD = 'spray-test-admin-password';
const USER_PASSWORD = 'real-user-password-1';
/** HUB_RATE_LIMIT_LOGIN_ADDRESS_PER_MIN's default (docs/security.md) */
const PER_ADDRESS = 20;
const ATTACKER = '203.0.113.50';
const USER_ADDRESS = '198.51.100.9';

jest.setTimeout(240_000);

describe('login throttling per address', () => {
  let hub: RunningHub;
  let adminToken: string;
  // The attack's 20 admitted logins each cost a full scrypt, queued behind the hash bound: on a
  // loaded machine they outlast the kit's 30 s default, so the answer may take as long as the test.
  const login = (from: string, username: string, password: string) =>
    request<{ accessToken?: string; error?: string }>(hub.url, { method: 'POST', path: '/auth/login', headers: { 'x-forwarded-for': from }, body: { username, password }, timeoutMs: 200_000 });

  beforeAll(async () => {
    await flushRedis();
    hub = await startHub(testConfig({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD, HUB_ADMIN_USERNAME: `admin${process.pid}`, HUB_TRUST_PROXY: 'loopback' }), ['gateway'], { fresh: true });
    const admin = await login('192.0.2.1', `admin${process.pid}`, ADMIN_PASSWORD);
    expect(admin.status).toBe(200);
    adminToken = admin.body.accessToken!;
    const created = await request(hub.url, {
      method: 'POST',
      path: '/auth/users',
      headers: { authorization: `Bearer ${admin.body.accessToken}` },
      body: { username: 'real.user', password: USER_PASSWORD, role: 'operator' },
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => hub.close());

  it(`50 logins with random usernames from one address: 429 after ${PER_ADDRESS}; the real user still signs in`, async () => {
    expect((await login(USER_ADDRESS, 'real.user', USER_PASSWORD)).status).toBe(200);

    const started = Date.now();
    // answers in the order they came back: the real user's place among the attack's hashed ones
    const order: string[] = [];
    const attack = Array.from({ length: 50 }, () => login(ATTACKER, `u${randomBytes(6).toString('hex')}`, 'Summer2026!spray').then((a) => (order.push(`attack ${a.status}`), a)));
    // from another address, in the middle of the attack: its hash is served round-robin with the
    // attack's (LoginGuard), not behind all of them
    const real = await login(USER_ADDRESS, 'real.user', USER_PASSWORD).then((r) => (order.push('real'), r));
    const answers = await Promise.all(attack);
    const arrivalSpan = Date.now() - started;

    expect(real.status).toBe(200);
    const hashedBefore = order.slice(0, order.indexOf('real')).filter((o) => o === 'attack 401').length;
    // at most the hashes running when it came, and one round of the queue, went before it
    expect(hashedBefore).toBeLessThanOrEqual(2 * Math.max(2, availableParallelism()) + 1);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const passed = statuses.filter((s) => s === 401).length;
    // GCRA: a minute's allowance at once, then one more every 60/PER_ADDRESS s
    expect(passed).toBeGreaterThanOrEqual(PER_ADDRESS);
    expect(passed).toBeLessThanOrEqual(PER_ADDRESS + Math.ceil(arrivalSpan / (60_000 / PER_ADDRESS)));
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // the real user's successful logins are audited
    const audit = (await hub.ds.query(`SELECT detail FROM auth_audit WHERE action = 'login' AND actor = (SELECT 'user:' || id FROM users WHERE username = 'real.user')`)) as Array<{ detail: { ip: string } }>;
    expect(audit.map((a) => a.detail.ip)).toEqual([USER_ADDRESS, USER_ADDRESS]);
  });

  it("a username's failures slow its next attempts down but never lock the real user out", async () => {
    for (let i = 0; i < 8; i++) expect((await login(`192.0.2.${20 + i}`, 'real.user', `wrong-password-${i}`)).status).toBe(401);
    const ok = await login(USER_ADDRESS, 'real.user', USER_PASSWORD);
    expect(ok.status).toBe(200);
  });

  it('failed X-Api-Key attempts are limited per address (HUB_RATE_LIMIT_API_KEY_FAILURES_PER_MIN, 20)', async () => {
    const created = await request<{ apiKey: string; keyId: string }>(hub.url, {
      method: 'POST',
      path: '/auth/api-keys',
      headers: { authorization: `Bearer ${adminToken}` },
      body: { unitCode: '310104-MARKET' },
    });
    expect(created.status).toBe(201);
    const me = (from: string, key: string) => request(hub.url, { method: 'GET', path: '/auth/me', headers: { 'x-forwarded-for': from, 'x-api-key': key } });
    const guesses: number[] = [];
    for (let i = 0; i < 22; i++) guesses.push((await me('203.0.113.77', `${created.body.keyId}.${randomBytes(32).toString('base64url')}`)).status);
    expect(guesses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(guesses.slice(20)).toEqual([429, 429]);
    // the guessing address is stopped even with the right key; the unit's system elsewhere is not
    expect((await me('203.0.113.77', created.body.apiKey)).status).toBe(429);
    expect((await me('198.51.100.20', created.body.apiKey)).status).toBe(200);
  });
});
