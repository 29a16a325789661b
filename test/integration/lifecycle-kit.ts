/**
 * What the lifecycle stories share: the whole hub (gateway, router, notifier) wired to fake
 * upstreams on loopback — the 12345 hotline, 一网通办, the national platform and one fake "units'
 * systems" server that three units of the directory point at — plus a small client for the hub's
 * own API and helpers that read what arrived where.
 */
import { readFileSync } from 'node:fs';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import type { HubActor } from '@hub/common';
import type { DirectoryDocument } from '@hub/rules/directory';
import { importDirectory } from '@hub/store';
import { FakeUpstream, type RecordedRequest } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { FakeNational } from '../fakes/fake-national';
import { SignedClient } from '../fakes/signed-client';
import { authHeader } from '../support/auth';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, flushRedis, resetDatabase, startHub, testConfig, type AppName } from '../support/harness';
import { hotlineOrder, testPhone } from '../factories/tickets.factory';

const HOTLINE_KEYS = 'hk1:lifecycle-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk1:lifecycle-ywtb-secret-of-at-least-32-bytes:hmac-sm3';
const NATIONAL_KEYS = 'nk1:lifecycle-national-secret-of-at-least-32-bytes:hmac-sha256';
const UNITS_KEYS = 'uk1:lifecycle-units-secret-of-at-least-32-bytes:hmac-sha256';
const first = (keys: string): SigningKey => parseKeyRing('X', keys).signingKey!;

/** 徐汇区市场监管局: where a food-safety complaint in 徐汇 goes (category 0101, region 310104). */
export const UNIT_A = '310104-MARKET';
/** 徐汇区人民政府 */
export const UNIT_B = '310104-GOV';
/** 长宁区市场监管局 */
export const UNIT_C = '310105-MARKET';
/** Units whose own systems (docs/contracts.md#unit-systems) are the fake units server. */
export const UNITS_WITH_SYSTEMS = [UNIT_A, UNIT_B, UNIT_C];

export type Body = Record<string, unknown>;

export interface Answer<T = Body> {
  status: number;
  body: T;
}

/** The hub's own REST API as one actor sees it. */
export class HubApi {
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
  ) {}

  get<T = Body>(path: string): Promise<Answer<T>> {
    return this.call<T>('GET', path);
  }

  post<T = Body>(path: string, body?: unknown): Promise<Answer<T>> {
    return this.call<T>('POST', path, body);
  }

  put<T = Body>(path: string, body: unknown): Promise<Answer<T>> {
    return this.call<T>('PUT', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

export interface LifecycleHub {
  hub: RunningHub;
  hotlineFake: FakeUpstream;
  ywtbFake: FakeUpstream;
  national: FakeNational;
  units: FakeUpstream;
  hotline: SignedClient;
  ywtb: SignedClient;
  /** the office (an operator) */
  office: HubApi;
  /** staff of a unit */
  unit(code: string): Promise<HubApi>;
  close(): Promise<void>;
}

/** `apps`: without the router, tests route by calling the executor's routing helpers themselves. */
export async function startLifecycleHub(apps: AppName[] = ['gateway', 'router', 'notifier'], opts: { console?: boolean; env?: Record<string, string> } = {}): Promise<LifecycleHub> {
  await flushRedis(process.env.REDIS_URL);
  const hotlineFake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
  const ywtbFake = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_YWTB_KEYS', YWTB_KEYS), rejectInvalidSignatures: true });
  const units = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, UNITS_WITH_SYSTEMS), rejectInvalidSignatures: true });
  const national = await FakeNational.start({ keyRing: parseKeyRing('HUB_NATIONAL_KEYS', NATIONAL_KEYS) });
  const hub = await startHub(
    testConfig({
      HUB_HOTLINE_KEYS: HOTLINE_KEYS,
      HUB_HOTLINE_URL: hotlineFake.url,
      HUB_YWTB_KEYS: YWTB_KEYS,
      HUB_YWTB_URL: ywtbFake.url,
      HUB_NATIONAL_KEYS: NATIONAL_KEYS,
      HUB_NATIONAL_URL: national.url,
      HUB_UNITS_KEYS: UNITS_KEYS,
      ...opts.env,
    }),
    apps,
    { fresh: true, console: opts.console },
  );
  const office = new HubApi(hub.url, await authHeader(hub, { role: 'operator', id: 'op-1', name: '王接线' }));
  const unitApis = new Map<string, HubApi>();
  return {
    hub,
    hotlineFake,
    ywtbFake,
    national,
    units,
    hotline: new SignedClient(hub.url, first(HOTLINE_KEYS)),
    ywtb: new SignedClient(hub.url, first(YWTB_KEYS)),
    office,
    async unit(code: string) {
      let api = unitApis.get(code);
      if (!api) {
        const actor: Partial<HubActor> & Pick<HubActor, 'role'> = { role: 'unit_staff', unitCode: code, id: `staff-${code}`, name: `${code} 经办人` };
        api = new HubApi(hub.url, await authHeader(hub, actor));
        unitApis.set(code, api);
      }
      return api;
    },
    async close() {
      await hub.close();
      await Promise.all([hotlineFake.close(), ywtbFake.close(), units.close(), national.close()]);
    },
  };
}

/** Empty tables, the Shanghai directory with three units' systems at the fake, fakes forgotten. */
export async function resetWorld(h: LifecycleHub, settings: Record<string, unknown> = {}): Promise<void> {
  await resetDatabase(h.hub.ds); // retries a deadlock with the previous test's deliveries
  const doc = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as DirectoryDocument;
  for (const u of doc.units) if (UNITS_WITH_SYSTEMS.includes(u.code)) u.endpoint = `${h.units.url}/${u.code}`;
  const r = await importDirectory(h.hub.ds, doc, 'test', true);
  if (!r.ok) throw new Error(`directory rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
  if (Object.keys(settings).length > 0) {
    await h.hub.ds.query(`INSERT INTO office_settings (name, value, updated_by) VALUES ('work_order', $1::jsonb, 'test')`, [JSON.stringify(settings)]);
  }
  h.hotlineFake.reset();
  h.ywtbFake.reset();
  h.units.reset();
  h.national.reset();
}

let seq = 0;

/**
 * A hotline complaint routed to UNIT_A (food safety in 徐汇). Each has its own citizen and text so
 * the router's merge of repeated matters (Yunnan Measures Art. 13) never joins two tickets of one test.
 */
export function order(over: Record<string, unknown> = {}): Body {
  seq += 1;
  return hotlineOrder({
    title: `第${seq}号 餐馆问题 ${Date.now()}`,
    content: `案例${seq}-${process.hrtime.bigint()}：${'市民反映某餐馆后厨卫生条件差，存在食品安全隐患。'.repeat(1 + (seq % 3))}`,
    citizen: { name: '张三', phone: testPhone(1000 + seq), anonymous: false, confidential: false },
    categoryCode: '0101',
    location: { regionCode: '310104', address: '徐汇区某路1号' },
    ...over,
  });
}

/** Posts a hotline order through the signed intake and waits until the router has dispatched or disputed it. */
export async function intakeOrder(h: LifecycleHub, o: Body, until: string = 'dispatched'): Promise<{ ticketId: string; orderNo: string }> {
  const r = await h.hotline.post<{ ticketId: string }>('/connectors/hotline/orders', o);
  if (r.status !== 201) throw new Error(`intake answered ${r.status}: ${JSON.stringify(r.body)}`);
  await waitState(h, r.body.ticketId, until);
  return { ticketId: r.body.ticketId, orderNo: String(o.orderNo) };
}

export async function waitState(h: LifecycleHub, ticketId: string, state: string): Promise<void> {
  await eventually(async () => {
    const rows = (await h.hub.ds.query(`SELECT state FROM tickets WHERE id = $1`, [ticketId])) as Array<{ state: string }>;
    return rows[0]?.state === state;
  }, 30_000);
}

/** Waits until every outside message of the ticket was delivered (the fakes have seen all there is). */
export async function settled(h: LifecycleHub, ticketId: string): Promise<void> {
  await eventually(async () => {
    const rows = (await h.hub.ds.query(
      `SELECT count(*) FILTER (WHERE status <> 'delivered')::int AS open, count(*)::int AS all FROM outbox WHERE ticket_id = $1 AND target <> 'router'`,
      [ticketId],
    )) as Array<{ open: number; all: number }>;
    return rows[0].all > 0 && rows[0].open === 0;
  }, 30_000);
}

/** Status bodies that reached the fake for one upstream record, in arrival order. */
export function statuses(fake: FakeUpstream, segment: string, externalId: string): Body[] {
  return fake
    .received(`/api/${segment}/${encodeURIComponent(externalId)}/status`)
    .filter((r) => r.responseStatus !== undefined && r.responseStatus < 300)
    .map((r) => r.body as Body);
}

/** The ordered event types a hotline order's status feed received, once everything was delivered. */
export async function hotlineTypes(h: LifecycleHub, ticketId: string, orderNo: string): Promise<string[]> {
  await settled(h, ticketId);
  return statuses(h.hotlineFake, 'orders', orderNo).map((b) => String(b.type));
}

/** Work orders a unit's system received for a ticket (docs/contracts.md#unit-systems), in arrival order. */
export function workOrdersAt(h: LifecycleHub, unitCode: string, ticketId: string): Body[] {
  return h.units
    .received(`/${unitCode}/work-orders`)
    .filter((r: RecordedRequest) => r.responseStatus === 200 && (r.body as Body).ticketId === ticketId)
    .map((r) => r.body as Body);
}

/** Counts that must not move when an action is refused. */
export async function footprint(h: LifecycleHub, ticketId: string): Promise<Body> {
  const [row] = (await h.hub.ds.query(
    `SELECT t.state, t.unit_code, t.row_version, t.work_order,
        (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id) AS events,
        (SELECT count(*)::int FROM outbox o WHERE o.ticket_id = t.id) AS outbox,
        (SELECT count(*)::int FROM ticket_clocks c WHERE c.ticket_id = t.id) AS clocks,
        (SELECT count(*)::int FROM ticket_clocks c WHERE c.ticket_id = t.id AND c.state IN ('running','missed')) AS open_clocks,
        (SELECT count(*)::int FROM ticket_units u WHERE u.ticket_id = t.id) AS units,
        (SELECT count(*)::int FROM work_order_replies r WHERE r.ticket_id = t.id) AS replies,
        (SELECT count(*)::int FROM work_order_objections r WHERE r.ticket_id = t.id) AS objections,
        (SELECT count(*)::int FROM work_order_appeals r WHERE r.ticket_id = t.id) AS appeals,
        (SELECT count(*)::int FROM work_order_callbacks r WHERE r.ticket_id = t.id) AS callbacks,
        (SELECT count(*)::int FROM work_order_co_inputs r WHERE r.ticket_id = t.id) AS co_inputs,
        (SELECT count(*)::int FROM extension_requests r WHERE r.ticket_id = t.id) AS extensions
       FROM tickets t WHERE t.id = $1`,
    [ticketId],
  )) as Body[];
  return row;
}

export const REPLY = {
  report: '经现场检查，该餐馆后厨存在卫生问题，已责令限期整改并立案调查。',
  replyPoints: '已责令整改，立案调查，整改完成后复查。',
};

export const SATISFIED = { satisfied: true, result: 5, efficiency: 4, attitude: 5, note: '市民表示满意' };
export const UNSATISFIED = { satisfied: false, result: 2, efficiency: 3, attitude: 4, note: '市民认为问题未解决' };
