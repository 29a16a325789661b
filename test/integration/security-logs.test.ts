/**
 * No citizen's phone or ID number in clear in the logs (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10;
 * docs/security.md#logs). The whole hub runs in a child process at LOG_LEVEL=debug; a full flow goes through it
 * (intake from every source, refusals, routing, delivery to a unit's system, the units' and the
 * office's API, logins and API keys); then every line it wrote is scanned for the test citizens'
 * numbers (phones 1390000xxxx, the ID numbers used here), passwords, secrets and tokens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { DataSource } from 'typeorm';
import { importDirectory } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { SignedClient } from '../fakes/signed-client';
import { hotlineOrder, testPhone, validIdCard, validUscc, ywtbEvaluation, ywtbSuggestion } from '../factories/tickets.factory';
import { SHANGHAI_DIRECTORY, eventually, flushRedis, resetDatabase } from '../support/harness';
import { TEST_PHONE_RE, request } from '../fuzz/security-kit';

const HOTLINE_KEYS = 'hk1:hotline-secret-for-logs-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk1:ywtb-secret-for-logs-of-at-least-32-bytes:hmac-sm3';
const UNITS_KEYS = 'uk1:units-secret-for-logs-of-at-least-32-bytes:hmac-sha256';
const ADMIN_PASSWORD = 'log-scan-admin-password-9';
const STAFF_PASSWORD = 'log-scan-staff-password-9';
const first = (keys: string): SigningKey => parseKeyRing('X', keys).signingKey!;
/** A wait that does not keep the test process alive once everything else is done. */
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

describe('security: the log output of a full flow holds no citizen in clear', () => {
  let child: ChildProcess;
  let out = '';
  let url = '';
  let ds: DataSource;
  let hotlineFake: FakeUpstream;
  let unitFake: FakeUpstream;
  const secrets: string[] = [ADMIN_PASSWORD, STAFF_PASSWORD, 'hotline-secret-for-logs', 'ywtb-secret-for-logs', 'units-secret-for-logs'];
  const idNumbers = [validIdCard('19800101', '111'), validIdCard('19911111', '222'), validUscc('91310000MA1FL9999'), validIdCard('20000229', '333')];

  beforeAll(async () => {
    await flushRedis();
    ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, extra: { max: 2 } });
    await ds.initialize();
    await resetDatabase(ds);
    hotlineFake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS) });
    unitFake = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, ['310104-MARKET']) });
    const doc = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as { units: Array<{ code: string; endpoint?: string }> };
    for (const u of doc.units) if (u.code === '310104-MARKET') u.endpoint = `${unitFake.url}/310104-MARKET`;
    expect((await importDirectory(ds, doc, 'test', true)).ok).toBe(true);

    const urlFile = path.join(mkdtempSync(path.join(tmpdir(), 'hub-logs-')), 'url');
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.resolve(__dirname, '../fuzz/log-scan-hub.runner.ts')], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        TS_NODE_PROJECT: 'tsconfig.json',
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: process.env.REDIS_URL,
        LOG_LEVEL: 'debug',
        HUB_URL_FILE: urlFile,
        HUB_HOTLINE_KEYS: HOTLINE_KEYS,
        HUB_HOTLINE_URL: hotlineFake.url,
        HUB_YWTB_KEYS: YWTB_KEYS,
        HUB_UNITS_KEYS: UNITS_KEYS,
        HUB_UNIT_ENDPOINTS_ALLOW: 'http,127.0.0.1',
        HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HUB_JWT_SECRET: 'log-scan-jwt-secret-of-at-least-32-chars',
        // the run's keys (test/global-setup.ts): the secrets have no default (docs/security.md#secrets)
        HUB_DATA_KEYS: process.env.HUB_DATA_KEYS,
        HUB_SEARCH_KEY: process.env.HUB_SEARCH_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    url = await eventually(async () => (existsSync(urlFile) ? readFileSync(urlFile, 'utf8') : undefined), 150_000, 200);
  }, 200_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, pause(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    await Promise.all([hotlineFake?.close(), unitFake?.close()]);
    await ds?.destroy();
  });

  it('drives every path that touches a citizen, then finds no phone, ID number, password, secret or token in clear', async () => {
    const hotline = new SignedClient(url, first(HOTLINE_KEYS));
    const ywtb = new SignedClient(url, first(YWTB_KEYS));
    const citizen = (n: number, id: string, confidential = false) => ({ name: '测试市民', phone: testPhone(n), idType: 'id_card', idNumber: id, anonymous: false, confidential });

    // Intake from every source, plus refusals whose messages could echo what was sent.
    const order = hotlineOrder({ categoryCode: '0101', location: { regionCode: '310104', address: `某路1号 电话${testPhone(9001)}` }, citizen: citizen(9002, idNumbers[0]), content: `请回电${testPhone(9003)}，身份证${idNumbers[0]}` });
    const created = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', order);
    expect(created.status).toBe(201);
    const confidential = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', hotlineOrder({ citizen: citizen(9004, idNumbers[1], true) }));
    expect(confidential.status).toBe(201);
    expect((await hotline.post('/connectors/hotline/orders', { ...order, title: '改过的标题' })).status).toBe(409);
    expect((await hotline.post('/connectors/hotline/orders', hotlineOrder({ citizen: { phone: `tel:${testPhone(9005)}x`, idType: 'id_card', idNumber: `${idNumbers[3]}0`, anonymous: false, confidential: false } }))).status).toBe(400);
    expect((await hotline.post('/connectors/hotline/orders', hotlineOrder({ citizen: citizen(9006, idNumbers[0]) }), { corruptSignature: true })).status).toBe(401);
    expect((await hotline.post(`/connectors/hotline/orders/${encodeURIComponent(order.orderNo as string)}/events`, { eventId: 'EV-log-1', type: 'supplement', occurredAt: '2026-11-21T10:00:00+08:00', content: `新号码${testPhone(9007)}` })).status).toBe(201);
    expect((await ywtb.post('/connectors/ywtb/evaluations', ywtbEvaluation({ rating: 1, applicant: { name: '评价人', phone: testPhone(9008), idType: 'uscc', idNumber: idNumbers[2] } }))).status).toBe(201);
    expect((await ywtb.post('/connectors/ywtb/evaluations', ywtbEvaluation({ rating: 4, applicant: { phone: testPhone(9009) } }))).status).toBe(202);
    expect((await ywtb.post('/connectors/ywtb/suggestions', ywtbSuggestion({ citizen: citizen(9010, idNumbers[3]) }))).status).toBe(201);

    // Routing and delivery to the unit's own system (the work order carries the citizen).
    await unitFake.waitFor((rs) => rs.some((r) => JSON.stringify(r.body).includes(created.body.ticketId)), 60_000);

    // People and keys.
    const login = async (username: string, password: string) => (await request<{ accessToken: string }>(url, { method: 'POST', path: '/auth/login', body: { username, password } })).body.accessToken;
    const admin = { authorization: `Bearer ${await login('admin', ADMIN_PASSWORD)}` };
    expect((await request(url, { method: 'POST', path: '/auth/login', body: { username: 'admin', password: `${testPhone(9011)}` } })).status).toBe(401);
    expect((await request(url, { method: 'POST', path: '/auth/users', headers: admin, body: { username: 'staff.log', password: STAFF_PASSWORD, role: 'unit_staff', unitCode: '310104-MARKET' } })).status).toBe(201);
    const key = await request<{ apiKey: string }>(url, { method: 'POST', path: '/auth/api-keys', headers: admin, body: { unitCode: '310104-MARKET' } });
    secrets.push(key.body.apiKey.split('.')[1]);
    const staff = { authorization: `Bearer ${await login('staff.log', STAFF_PASSWORD)}` };
    secrets.push(admin.authorization.slice(7), staff.authorization.slice(7));

    // The units' and the office's API: reads show the citizen; actions carry free text.
    const id = created.body.ticketId;
    const wo = await request(url, { method: 'GET', path: `/work-orders/${id}`, headers: staff });
    expect(wo.status).toBe(200);
    expect(JSON.stringify(wo.body)).toContain(testPhone(9002));
    expect((await request(url, { method: 'POST', path: `/work-orders/${id}/sign`, headers: { 'x-api-key': key.body.apiKey } })).status).toBe(200);
    expect((await request(url, { method: 'POST', path: `/work-orders/${id}/contact`, headers: staff, body: { note: `已致电${testPhone(9002)}` } })).status).toBe(200);
    expect((await request(url, { method: 'POST', path: `/work-orders/${id}/reply`, headers: staff, body: { report: `已联系市民（${testPhone(9002)}，${idNumbers[0]}）并处理`, replyPoints: '已处理' } })).status).toBe(200);
    await request(url, { method: 'GET', path: `/work-orders/${confidential.body.ticketId}`, headers: staff });
    const op = await request(url, { method: 'POST', path: '/auth/users', headers: admin, body: { username: 'op.log', password: STAFF_PASSWORD, role: 'operator' } });
    expect(op.status).toBe(201);
    const operator = { authorization: `Bearer ${await login('op.log', STAFF_PASSWORD)}` };
    expect((await request(url, { method: 'GET', path: `/office/tickets/${id}`, headers: operator })).status).toBe(200);
    await request(url, { method: 'GET', path: `/office/tickets?limit=5`, headers: operator });
    await request(url, { method: 'GET', path: `/work-orders/${testPhone(9012)}`, headers: staff });

    // Let the last lines (delivery, router) be written, then stop the hub so everything is flushed:
    // its log is read once it has exited, however long a loaded machine takes to get there.
    await new Promise((r) => setTimeout(r, 2000));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, pause(150_000)]);
    expect(child.exitCode ?? child.signalCode).not.toBeNull();

    const lines = out.split('\n').filter((l) => l.trim() !== '');
    // The scan saw real output: debug request lines of the API and intake calls above.
    expect(lines.length).toBeGreaterThan(20);
    expect(out).toContain('"level":"debug"');
    expect(out).toContain(`/work-orders/${id}/reply`);
    expect(out).toContain('/connectors/hotline/orders');
    const leaks = lines.filter((l) => TEST_PHONE_RE.test(l) || idNumbers.some((n) => l.includes(n)) || secrets.some((s) => l.includes(s)));
    expect(leaks.map((l) => l.slice(0, 400))).toEqual([]);
  }, 300_000);
});
