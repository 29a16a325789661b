/**
 * The access matrix (docs/security.md): every endpoint of the hub's own API × every role × the
 * caller's own or another unit's ticket, with the answer expected. One row per endpoint; a new
 * endpoint without a row fails the coverage test at the end, so the matrix cannot fall behind.
 *
 * Expected answers: no credentials → 401; a role the endpoint is not for → 403; a unit asking
 * about another unit's ticket → 404 exactly like a ticket that does not exist (nothing revealed);
 * otherwise the row's `ok` statuses (the request got past authorization: 2xx, or a 400/404/409
 * about the request itself).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseKeyRing } from '@hub/connectors/signing';
import { importDirectory } from '@hub/store';
import { SignedClient } from '../fakes/signed-client';
import { hotlineOrder } from '../factories/tickets.factory';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';
import { OTHER_UNIT, OWN_UNIT, headersOf, request, tableCounts, type MatrixActor } from '../fuzz/security-kit';

const HOTLINE_KEYS = 'hk1:hotline-secret-1-of-at-least-32-bytes:hmac-sha256';
const ACTORS: MatrixActor[] = ['anonymous', 'unit_staff', 'unit_staff_other', 'unit_system', 'unit_system_other', 'operator', 'supervisor', 'admin'];
type Role = 'unit_staff' | 'unit_system' | 'operator' | 'supervisor' | 'admin';
const roleOf = (a: MatrixActor): Role | undefined => (a === 'anonymous' ? undefined : (a.replace(/_other$/, '') as Role));
const isOtherUnit = (a: MatrixActor): boolean => a.endsWith('_other');

const ALL: Role[] = ['unit_staff', 'unit_system', 'operator', 'supervisor', 'admin'];
const PEOPLE: Role[] = ['unit_staff', 'operator', 'supervisor', 'admin'];
const UNITS: Role[] = ['unit_staff', 'unit_system'];
const OFFICE: Role[] = ['operator', 'supervisor'];
const OFFICE_ADMIN: Role[] = ['operator', 'supervisor', 'admin'];
const ADMIN: Role[] = ['admin'];

interface Ctx {
  own: string;
  other: string;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** the route as OpenAPI writes it */
  route: string;
  roles: Role[];
  /** the caller's unit must handle the ticket in the path: another unit's answers 404 */
  ticketScoped?: boolean;
  path: (c: Ctx) => string;
  body?: unknown;
  /** answers that mean "past authorization" for an allowed caller (default 200) */
  ok?: number[];
}

const DOC = { name: 'a.pdf', url: 'https://files.example.gov.cn/a.pdf', sha256: 'a'.repeat(64) };
const NO_TICKET = '00000000-0000-4000-8000-000000000000';

const ROWS: Row[] = [
  // who am I, own password
  { method: 'GET', route: '/auth/me', roles: ALL, path: () => '/auth/me' },
  { method: 'POST', route: '/auth/password', roles: PEOPLE, path: () => '/auth/password', body: {}, ok: [400] },
  // administrators: users and units' API keys
  { method: 'GET', route: '/auth/users', roles: ADMIN, path: () => '/auth/users' },
  { method: 'POST', route: '/auth/users', roles: ADMIN, path: () => '/auth/users', body: {}, ok: [400] },
  { method: 'PATCH', route: '/auth/users/{id}', roles: ADMIN, path: () => `/auth/users/${NO_TICKET}`, body: { active: true }, ok: [404] },
  { method: 'GET', route: '/auth/api-keys', roles: ADMIN, path: () => '/auth/api-keys' },
  { method: 'POST', route: '/auth/api-keys', roles: ADMIN, path: () => '/auth/api-keys', body: {}, ok: [400] },
  { method: 'POST', route: '/auth/api-keys/{keyId}/rotate', roles: ADMIN, path: () => '/auth/api-keys/uk_AAAAAAAAAAAAAAAA/rotate', ok: [404] },
  { method: 'POST', route: '/auth/api-keys/{keyId}/revoke', roles: ADMIN, path: () => '/auth/api-keys/uk_AAAAAAAAAAAAAAAA/revoke', ok: [404] },
  // the working-day calendar: reads for everyone signed in; a year's schedule by supervisors and admins
  { method: 'GET', route: '/calendar/days/{date}', roles: ALL, path: () => '/calendar/days/2026-10-01' },
  { method: 'GET', route: '/calendar/deadline', roles: ALL, path: () => '/calendar/deadline?from=2026-11-20T09:12:33%2B08:00&days=5' },
  { method: 'GET', route: '/calendar/between', roles: ALL, path: () => '/calendar/between?from=2026-11-20T09:12:33%2B08:00&to=2026-11-27T18:00:00%2B08:00' },
  { method: 'GET', route: '/calendar/years', roles: ALL, path: () => '/calendar/years' },
  { method: 'PUT', route: '/office/calendar/{year}', roles: ['supervisor', 'admin'], path: () => '/office/calendar/2031', body: {}, ok: [400] },
  // the directory: import and activation by administrators; the office reads and tries it
  { method: 'POST', route: '/office/directory/versions', roles: ADMIN, path: () => '/office/directory/versions', body: {}, ok: [400] },
  { method: 'GET', route: '/office/directory/versions', roles: OFFICE_ADMIN, path: () => '/office/directory/versions' },
  { method: 'POST', route: '/office/directory/versions/{id}/activate', roles: ADMIN, path: () => '/office/directory/versions/999999/activate', ok: [404] },
  { method: 'POST', route: '/office/routing/try', roles: OFFICE_ADMIN, path: () => '/office/routing/try', body: {}, ok: [400] },
  { method: 'POST', route: '/office/routing/replay', roles: OFFICE_ADMIN, path: () => '/office/routing/replay', ok: [400] },
  { method: 'GET', route: '/office/tickets/{id}/routing', roles: OFFICE_ADMIN, path: (c) => `/office/tickets/${c.own}/routing` },
  // the active directory's units, for whoever picks one (a unit's objection, the office's designation)
  { method: 'GET', route: '/directory/units', roles: ['unit_staff', ...OFFICE_ADMIN], path: () => '/directory/units?q=310104' },
  // what waits for the office, counted per to-do tab
  { method: 'GET', route: '/office/todo', roles: OFFICE, path: () => '/office/todo' },
  // office settings (intake and merge rules): the office's supervisors and administrators change them
  { method: 'GET', route: '/office/settings/{name}', roles: OFFICE_ADMIN, path: () => '/office/settings/intake' },
  { method: 'PUT', route: '/office/settings/{name}', roles: ['admin', 'supervisor'], path: () => '/office/settings/intake', body: [], ok: [400] },
  // reports (docs/reports.md): the office reads every unit's figures; a unit its own only
  { method: 'GET', route: '/office/reports/summary', roles: OFFICE_ADMIN, path: () => '/office/reports/summary?period=2026-11' },
  { method: 'GET', route: '/office/reports/tickets', roles: OFFICE_ADMIN, path: () => '/office/reports/tickets?period=2026-11&figure=dispatched' },
  { method: 'GET', route: '/office/reports/rankings', roles: OFFICE_ADMIN, path: () => '/office/reports/rankings?period=2026-11' },
  { method: 'GET', route: '/office/reports/notices', roles: OFFICE_ADMIN, path: () => '/office/reports/notices?period=2026-11' },
  { method: 'GET', route: '/office/reports/trend', roles: OFFICE_ADMIN, path: () => '/office/reports/trend?period=2026Q4' },
  { method: 'GET', route: '/office/reports/snapshots', roles: OFFICE_ADMIN, path: () => '/office/reports/snapshots' },
  { method: 'GET', route: '/office/reports/snapshots/{id}', roles: OFFICE_ADMIN, path: () => '/office/reports/snapshots/999999', ok: [404] },
  { method: 'GET', route: '/office/settings/assessment', roles: OFFICE_ADMIN, path: () => '/office/settings/assessment' },
  { method: 'PUT', route: '/office/settings/assessment', roles: ['admin', 'supervisor'], path: () => '/office/settings/assessment', body: {}, ok: [400] },
  { method: 'GET', route: '/work-orders/reports/summary', roles: UNITS, path: () => '/work-orders/reports/summary?period=2026-11' },
  { method: 'GET', route: '/work-orders/reports/tickets', roles: UNITS, path: () => '/work-orders/reports/tickets?period=2026-11&figure=dispatched' },
  { method: 'GET', route: '/work-orders/reports/trend', roles: UNITS, path: () => '/work-orders/reports/trend?period=2026Q4' },
  // dead letters (deliveries that failed): the office's operators
  { method: 'GET', route: '/office/deliveries', roles: OFFICE, path: () => '/office/deliveries' },
  { method: 'POST', route: '/office/deliveries/retry', roles: OFFICE, path: () => '/office/deliveries/retry', body: {}, ok: [400] },
  { method: 'GET', route: '/office/deliveries/{id}', roles: OFFICE, path: () => '/office/deliveries/999999', ok: [404] },
  { method: 'POST', route: '/office/deliveries/{id}/retry', roles: OFFICE, path: () => '/office/deliveries/999999/retry', ok: [404] },
  { method: 'POST', route: '/office/deliveries/{id}/discard', roles: OFFICE, path: () => '/office/deliveries/999999/discard', body: { reason: 'x' }, ok: [404] },
  // units' work orders: only the unit that handles the ticket (lead or co) sees or acts on it
  { method: 'GET', route: '/work-orders', roles: UNITS, path: () => '/work-orders' },
  { method: 'GET', route: '/work-orders/{id}', roles: UNITS, ticketScoped: true, path: (c) => `/work-orders/${c.own}` },
  { method: 'POST', route: '/work-orders/{id}/sign', roles: UNITS, ticketScoped: true, path: (c) => `/work-orders/${c.own}/sign`, ok: [200, 409] },
  { method: 'POST', route: '/work-orders/{id}/contact', roles: UNITS, ticketScoped: true, path: (c) => `/work-orders/${c.own}/contact`, body: { note: '电话联系' }, ok: [200, 409] },
  {
    method: 'POST',
    route: '/work-orders/{id}/extension-requests',
    roles: UNITS,
    ticketScoped: true,
    path: (c) => `/work-orders/${c.own}/extension-requests`,
    body: { dueDate: '2026-12-31', reason: '需要现场复核' },
    ok: [201, 409, 422],
  },
  { method: 'POST', route: '/work-orders/{id}/co-input', roles: UNITS, ticketScoped: true, path: (c) => `/work-orders/${c.own}/co-input`, body: { content: '协办意见' }, ok: [403, 409] },
  {
    method: 'POST',
    route: '/work-orders/{id}/appeal',
    roles: UNITS,
    ticketScoped: true,
    path: (c) => `/work-orders/${c.own}/appeal`,
    body: { reason: '差评不属实', evidence: [DOC] },
    ok: [200, 409],
  },
  {
    method: 'POST',
    route: '/work-orders/{id}/objection',
    roles: UNITS,
    ticketScoped: true,
    path: (c) => `/work-orders/${c.own}/objection`,
    body: { reason: '不属本单位职责', legalBasis: '三定方案', suggestedUnit: '310104-HOUSING' },
    ok: [200, 409],
  },
  {
    method: 'POST',
    route: '/work-orders/{id}/reply',
    roles: UNITS,
    ticketScoped: true,
    path: (c) => `/work-orders/${c.own}/reply`,
    body: { report: '已现场核查并处理', replyPoints: '已处理' },
    ok: [200, 409],
  },
  // the office's work-order desk
  { method: 'GET', route: '/office/disputes', roles: OFFICE, path: () => '/office/disputes' },
  { method: 'GET', route: '/office/tickets', roles: OFFICE, path: () => '/office/tickets' },
  { method: 'GET', route: '/office/tickets/{id}', roles: OFFICE, path: (c) => `/office/tickets/${c.other}` },
  { method: 'POST', route: '/office/tickets/{id}/designate', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/designate`, body: { unit: OWN_UNIT }, ok: [404] },
  { method: 'POST', route: '/office/objections/{id}/review', roles: OFFICE, path: () => '/office/objections/999999/review', body: { decision: 'accepted' }, ok: [404] },
  { method: 'POST', route: '/office/extension-requests/{id}/review', roles: OFFICE, path: () => '/office/extension-requests/999999/review', body: { decision: 'approved' }, ok: [404] },
  { method: 'POST', route: '/office/appeals/{id}/review', roles: OFFICE, path: () => '/office/appeals/999999/review', body: { decision: 'upheld' }, ok: [404] },
  { method: 'POST', route: '/office/tickets/{id}/callback', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/callback`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/reopen', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/reopen`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/terminate', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/terminate`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/return', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/return`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/supervise', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/supervise`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/units', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/units`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/merge', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/merge`, body: {}, ok: [400, 404] },
  { method: 'POST', route: '/office/tickets/{id}/unmerge', roles: OFFICE, path: () => `/office/tickets/${NO_TICKET}/unmerge`, body: {}, ok: [400, 404] },
];

describe('security: the access matrix (role × endpoint × own/other unit)', () => {
  let hub: RunningHub;
  const ctx: Ctx = { own: '', other: '' };
  const headers = new Map<MatrixActor, Record<string, string>>();

  beforeAll(async () => {
    await flushRedis();
    hub = await startHub(testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS }));
    await resetDatabase(hub.ds);
    const dir = await importDirectory(hub.ds, JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')), 'test', true);
    expect(dir.ok).toBe(true);
    const r = parseKeyRing('X', HOTLINE_KEYS);
    const hotline = new SignedClient(hub.url, r.find(r.keyIds()[0])!);
    const dispatchTo = async (region: string, unit: string): Promise<string> => {
      const res = await hotline.post<{ ticketId: string }>('/connectors/hotline/orders', hotlineOrder({ categoryCode: '0101', location: { regionCode: region } }));
      expect(res.status).toBe(201);
      const id = res.body.ticketId;
      await eventually(async () => {
        const rows = (await hub.ds.query(`SELECT 1 FROM tickets WHERE id = $1 AND unit_code = $2 AND state = 'dispatched'`, [id, unit])) as unknown[];
        return rows.length > 0;
      }, 30_000);
      return id;
    };
    ctx.own = await dispatchTo('310104', OWN_UNIT);
    ctx.other = await dispatchTo('310115', OTHER_UNIT);
    for (const a of ACTORS) headers.set(a, await headersOf(hub, a));
    // Units' systems authenticate with real API keys, as they would in production.
    for (const [a, unit] of [
      ['unit_system', OWN_UNIT],
      ['unit_system_other', OTHER_UNIT],
    ] as const) {
      const k = await request<{ apiKey: string }>(hub.url, { method: 'POST', path: '/auth/api-keys', headers: headers.get('admin'), body: { unitCode: unit } });
      expect(k.status).toBe(201);
      headers.set(a, { 'x-api-key': k.body.apiKey });
    }
  }, 120_000);
  afterAll(() => hub.close());

  const expected = (row: Row, a: MatrixActor): number | number[] => {
    const role = roleOf(a);
    if (!role) return 401;
    if (!row.roles.includes(role)) return 403;
    if (row.ticketScoped && isOtherUnit(a)) return 404;
    return row.ok ?? [200];
  };

  it.each(ROWS.map((r) => [`${r.method} ${r.route}`, r] as const))('%s', async (_name, row) => {
    const got: Record<string, number> = {};
    const want: Record<string, number | string> = {};
    for (const a of ACTORS) {
      const answer = await request(hub.url, { method: row.method, path: row.path(ctx), headers: headers.get(a), body: row.body });
      const e = expected(row, a);
      got[a] = answer.status;
      want[a] = Array.isArray(e) ? (e.includes(answer.status) ? answer.status : `one of ${e.join('/')}`) : e;
      expect(typeof answer.body?.error === 'string' || answer.status < 400).toBe(true);
    }
    expect(got).toEqual(want);
  });

  it("another unit's ticket answers exactly like a ticket that does not exist", async () => {
    const h = headers.get('unit_staff')!;
    const other = await request(hub.url, { method: 'GET', path: `/work-orders/${ctx.other}`, headers: h });
    const none = await request(hub.url, { method: 'GET', path: `/work-orders/${NO_TICKET}`, headers: h });
    const bogus = await request(hub.url, { method: 'GET', path: `/work-orders/${randomUUID()}`, headers: h });
    const shape = (b: Record<string, unknown>, id: string) => JSON.stringify(b).split(id).join('<id>');
    expect(other.status).toBe(404);
    expect(shape(other.body, ctx.other)).toBe(shape(none.body, NO_TICKET));
    expect(shape(bogus.body, (bogus.body.message as string).match(/[0-9a-f-]{36}/)?.[0] ?? '')).toBe(shape(none.body, NO_TICKET));
  });

  it("units' calls on another unit's ticket changed nothing", async () => {
    const before = await tableCounts(hub.ds);
    const events = (await hub.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [ctx.other])) as Array<{ n: number }>;
    for (const row of ROWS.filter((r) => r.ticketScoped && r.method === 'POST')) {
      for (const a of ['unit_staff', 'unit_system'] as const) {
        const r = await request(hub.url, { method: row.method, path: row.path({ own: ctx.other, other: ctx.other }), headers: headers.get(a), body: row.body });
        expect([row.route, r.status]).toEqual([row.route, 404]);
      }
    }
    const after = (await hub.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [ctx.other])) as Array<{ n: number }>;
    expect(after[0].n).toBe(events[0].n);
    const counts = await tableCounts(hub.ds);
    expect({ ...counts, pii_access_log: 0 }).toEqual({ ...before, pii_access_log: 0 });
  });

  it('answers: the handling unit and the office see the citizen in clear, each such read is recorded; nobody else gets the ticket', async () => {
    const log = async () =>
      (await hub.ds.query(`SELECT actor_id, actor_role, actor_unit, ticket_id::text AS ticket_id, fields FROM pii_access_log ORDER BY id`)) as Array<Record<string, unknown>>;
    const before = (await log()).length;
    const [{ phone }] = (await hub.ds.query(`SELECT raw_payload->'citizen'->>'phone' AS phone FROM tickets WHERE id = $1`, [ctx.own])) as Array<{ phone: string }>;
    expect(phone).toMatch(/^enc:v1:/);
    const unit = await request<{ citizen: { phone?: string } }>(hub.url, { method: 'GET', path: `/work-orders/${ctx.own}`, headers: headers.get('unit_staff') });
    expect(unit.body.citizen.phone).toMatch(/^1390000\d{4}$/);
    const office = await request<{ citizen: { phone?: string } }>(hub.url, { method: 'GET', path: `/office/tickets/${ctx.other}`, headers: headers.get('operator') });
    expect(office.body.citizen.phone).toMatch(/^1390000\d{4}$/);
    const reads = (await log()).slice(before);
    expect(reads).toEqual([
      { actor_id: 'staff-own', actor_role: 'unit_staff', actor_unit: OWN_UNIT, ticket_id: ctx.own, fields: expect.arrayContaining(['phone']) },
      { actor_id: 'operator-1', actor_role: 'operator', actor_unit: null, ticket_id: ctx.other, fields: expect.arrayContaining(['phone']) },
    ]);
    const stranger = await request(hub.url, { method: 'GET', path: `/work-orders/${ctx.own}`, headers: headers.get('unit_staff_other') });
    expect(stranger.status).toBe(404);
    expect(stranger.text).not.toMatch(/1390000\d{4}/);
    expect((await log()).length).toBe(before + 2);
  });

  it('every endpoint of the API has a row (public ones: signed intake, login and the Open311 door)', async () => {
    const doc = await request<{ paths: Record<string, Record<string, unknown>> }>(hub.url, { method: 'GET', path: '/docs/json' });
    const routes = Object.entries(doc.body.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const publicRoutes = routes.filter((r) => / \/connectors\//.test(r) || / \/open311\/v2\//.test(r) || r === 'POST /auth/login');
    const inMatrix = new Set(ROWS.map((r) => `${r.method} ${r.route}`));
    expect(routes.filter((r) => !publicRoutes.includes(r) && !inMatrix.has(r))).toEqual([]);
    expect([...inMatrix].filter((r) => !routes.includes(r))).toEqual([]);
    // Public routes really are public only where they should be: intake answers 401 to an unsigned call.
    for (const r of publicRoutes.filter((x) => x.startsWith('POST /connectors/'))) {
      const res = await request(hub.url, { method: 'POST', path: r.slice(5).replace(/\{[^}]+\}/g, 'X1'), body: {} });
      expect([r, res.status]).toEqual([r, 401]);
    }
    // Open311 reads are public by the spec; its POSTs answer 403 without an api_key (docs/open311.md).
    const open311Posts = publicRoutes.filter((x) => x.startsWith('POST /open311/'));
    expect(open311Posts.length).toBe(2);
    for (const r of open311Posts) {
      const res = await fetch(`${hub.url}${r.slice(5).replace(/\{format\}/g, 'json')}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'service_code=0101' });
      expect([r, res.status]).toEqual([r, 403]);
    }
  });
});
