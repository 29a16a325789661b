/**
 * Every outbound message type of the contracts reaches its system at the agreed path, signed with
 * that system's first key and algorithm (docs/contracts.md#signed-requests), with the agreed body: status events to the 12345
 * hotline (docs/contracts.md#hotline-status-events) and 一网通办 (docs/contracts.md#ywtb-status-events), receipt/return/result to the national platform (docs/contracts.md#national-messages), work orders
 * to a unit's own system (docs/contracts.md#unit-systems).
 */
import { parseKeyRing } from '@hub/connectors/signing';
import { loadOutbox, type OutboxMessage } from '@hub/store';
import { nationalReceipt, nationalResult, nationalReturn, statusMessage, unitWorkOrder } from '@hub/connectors';
import { FakeNational } from '../fakes/fake-national';
import { FakeUpstream, type RecordedRequest } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { RunningHub, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { activateUnitEndpoints, insertTicket, write } from '../factories/outbox.factory';

// Each system signs with the first of its keys; the algorithms differ on purpose.
const HOTLINE_KEYS = 'hk-new:hotline-secret-new-of-at-least-32-bytes:hmac-sha256,hk-old:hotline-secret-old-of-at-least-32-bytes:hmac-sm3';
const YWTB_KEYS = 'yk-1:ywtb-secret-of-at-least-32-bytes:hmac-sm3';
const NATIONAL_KEYS = 'gb-1:national-secret-of-at-least-32-bytes:hmac-sha256,gb-2:national-secret-2-of-at-least-32-bytes:hmac-sm3';
const UNITS_KEYS = 'uk-1:units-secret-of-at-least-32-bytes:hmac-sm3';
const UNIT = '310104-MARKET';
const AT = '2026-11-20T09:12:33+08:00';

describe('outbound messages: paths, signatures and bodies of docs/contracts.md', () => {
  let hub: RunningHub;
  let hotline: FakeUpstream;
  let ywtb: FakeUpstream;
  let national: FakeNational;
  let unit: FakeUpstream;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
    ywtb = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_YWTB_KEYS', YWTB_KEYS), rejectInvalidSignatures: true });
    national = await FakeNational.start({ keyRing: parseKeyRing('HUB_NATIONAL_KEYS', NATIONAL_KEYS) });
    unit = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, [UNIT]), rejectInvalidSignatures: true });
    hub = await startHub(
      testConfig({
        HUB_HOTLINE_URL: hotline.url,
        HUB_HOTLINE_KEYS: HOTLINE_KEYS,
        // a base URL with a path prefix: the prefix is kept and signed
        HUB_YWTB_URL: `${ywtb.url}/ywtb-gw`,
        HUB_YWTB_KEYS: YWTB_KEYS,
        HUB_NATIONAL_URL: national.url,
        HUB_NATIONAL_KEYS: NATIONAL_KEYS,
        HUB_UNITS_KEYS: UNITS_KEYS,
      }),
      ['notifier'],
      { fresh: true },
    );
  });
  beforeEach(async () => {
    for (const f of [hotline, ywtb, unit]) f.reset();
    national.reset();
    await resetDatabase(hub.ds);
  });
  afterAll(async () => {
    await hub?.close();
    await Promise.all([hotline?.close(), ywtb?.close(), national?.close(), unit?.close()]);
  });

  async function deliver(msgs: OutboxMessage[]): Promise<void> {
    const ids = await write(hub.ds, msgs);
    await eventually(async () => {
      for (const id of ids) if ((await loadOutbox(hub.ds, id))?.status !== 'delivered') return false;
      return true;
    });
  }

  function signedBy(r: RecordedRequest, keyId: string, algorithm: string): void {
    expect(r.signature).toEqual({ ok: true, keyId });
    expect(r.headers['x-key-id']).toBe(keyId);
    expect(String(r.headers['x-signature'])).toMatch(new RegExp(`^${algorithm}=[0-9a-f]{64}$`));
    expect(String(r.headers['x-nonce'])).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(Math.abs(Number(r.headers['x-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
  }

  it('12345 hotline status event (docs/contracts.md#hotline-status-events): POST /api/orders/{orderNo}/status, hmac-sha256 with the first key', async () => {
    // An order number with characters that must stay inside one path segment.
    const t = await insertTicket(hub.ds, { source: 'hotline', externalId: 'HL/2026 #7' });
    const msg = statusMessage(t, 'dispatched', {
      occurredAt: AT,
      unit: { code: UNIT, name: '徐汇区市场监管局' },
      due: { contact: '2026-11-20T23:59:59+08:00', resolve: '2026-11-27T23:59:59+08:00' },
    })!;
    await deliver([msg]);

    const [r] = hotline.received();
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/api/orders/HL%2F2026%20%237/status');
    signedBy(r, 'hk-new', 'hmac-sha256');
    expect(r.body).toEqual({
      eventId: msg.eventId,
      orderNo: 'HL/2026 #7',
      ticketId: t.id,
      type: 'dispatched',
      occurredAt: AT,
      unit: { code: UNIT, name: '徐汇区市场监管局' },
      due: { contact: '2026-11-20T23:59:59+08:00', resolve: '2026-11-27T23:59:59+08:00' },
      reason: null,
      replyPoints: null,
    });
  });

  it('一网通办 status events (docs/contracts.md#ywtb-status-events): evaluations and suggestions under their own ids, hmac-sm3, base URL prefix kept', async () => {
    const evaluation = await insertTicket(hub.ds, { source: 'ywtb', sourceRecord: 'evaluation', externalId: 'EV-2026-1' });
    const suggestion = await insertTicket(hub.ds, { source: 'ywtb', sourceRecord: 'suggestion', externalId: 'SG-2026-1' });
    const unfounded = statusMessage(evaluation, 'unfounded', { occurredAt: AT, reason: '经核实，差评反映情况不属实' })!;
    const replied = statusMessage(suggestion, 'replied', { occurredAt: AT, unit: { code: UNIT, name: '徐汇区市场监管局' }, replyPoints: '已加强检查频次' })!;
    await deliver([unfounded, replied]);

    const byPath = new Map(ywtb.received().map((r) => [r.path, r]));
    const ev = byPath.get('/ywtb-gw/api/evaluations/EV-2026-1/status')!;
    const sg = byPath.get('/ywtb-gw/api/suggestions/SG-2026-1/status')!;
    signedBy(ev, 'yk-1', 'hmac-sm3');
    signedBy(sg, 'yk-1', 'hmac-sm3');
    expect(ev.body).toEqual({ eventId: unfounded.eventId, evaluationId: 'EV-2026-1', ticketId: evaluation.id, type: 'unfounded', occurredAt: AT, unit: null, reason: '经核实，差评反映情况不属实', replyPoints: null });
    expect(sg.body).toEqual({
      eventId: replied.eventId,
      suggestionId: 'SG-2026-1',
      ticketId: suggestion.id,
      type: 'replied',
      occurredAt: AT,
      unit: { code: UNIT, name: '徐汇区市场监管局' },
      reason: null,
      replyPoints: '已加强检查频次',
    });
    // 不属实 exists for 差评 only: a suggestion has no such event.
    expect(statusMessage(suggestion, 'unfounded', { occurredAt: AT })).toBeNull();
  });

  it('national platform (docs/contracts.md#national-messages): receipt, return and result under /api/v1/transfers/{transferId}/…, hmac-sha256', async () => {
    const t = await insertTicket(hub.ds, { source: 'national', externalId: 'NT-2026-0042' });
    const receipt = nationalReceipt(t.id, 'NT-2026-0042', AT);
    const ret = nationalReturn(t.id, 'NT-2026-0042', 'out_of_jurisdiction', '不属于本市管辖', AT);
    const result = nationalResult(t.id, 'NT-2026-0042', {
      report: '经调查，企业已补发拖欠工资。',
      replyPoints: '已督促企业补发工资',
      approvedBy: '王审核',
      sealedDocument: { name: '办结报告.pdf', sha256: 'a'.repeat(64), url: 'https://files.example.cn/r.pdf' },
      visit: { satisfied: true, result: 5, efficiency: 4, attitude: 5, note: '群众表示满意' },
      concludedAt: AT,
    });
    // One ticket, one target: they go in the order written.
    await deliver([receipt, ret, result]);

    const posts = national.upstream.received('/api/v1/transfers/');
    expect(posts.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/transfers/NT-2026-0042/receipt',
      'POST /api/v1/transfers/NT-2026-0042/return',
      'POST /api/v1/transfers/NT-2026-0042/result',
    ]);
    for (const r of posts) signedBy(r, 'gb-1', 'hmac-sha256');
    expect(posts[0].body).toEqual({ eventId: receipt.eventId, receivedAt: AT, ticketId: t.id });
    expect(posts[1].body).toEqual({ eventId: ret.eventId, reason: 'out_of_jurisdiction', detail: '不属于本市管辖', returnedAt: AT });
    expect(posts[2].body).toEqual({
      eventId: result.eventId,
      report: '经调查，企业已补发拖欠工资。',
      replyPoints: '已督促企业补发工资',
      approvedBy: '王审核',
      sealedDocument: { name: '办结报告.pdf', sha256: 'a'.repeat(64), url: 'https://files.example.cn/r.pdf' },
      visit: { satisfied: true, result: 5, efficiency: 4, attitude: 5, note: '群众表示满意' },
      concludedAt: AT,
    });
  });

  it("a unit's own system (docs/contracts.md#unit-systems): POST {endpoint}/work-orders, signed with the unit's own key derived from HUB_UNITS_KEYS (hmac-sm3)", async () => {
    await activateUnitEndpoints(hub.ds, { [UNIT]: `${unit.url}/biz/` });
    const t = await insertTicket(hub.ds);
    const ticket = { title: '餐馆后厨卫生问题', categoryCode: '0101', citizen: { name: '张*', phone: '139****0001', anonymous: false, confidential: true } };
    const msg = unitWorkOrder(UNIT, t.id, 'assigned', 'lead', { contact: '2026-11-20T23:59:59+08:00', resolve: '2026-11-27T23:59:59+08:00' }, ticket);
    await deliver([msg]);

    const [r] = unit.received();
    expect(`${r.method} ${r.path}`).toBe('POST /biz/work-orders');
    signedBy(r, 'uk-1', 'hmac-sm3');
    expect(r.body).toEqual({
      eventId: msg.eventId,
      ticketId: t.id,
      type: 'assigned',
      role: 'lead',
      due: { contact: '2026-11-20T23:59:59+08:00', resolve: '2026-11-27T23:59:59+08:00' },
      ticket,
    });
  });

  it('events of one ticket to different systems do not wait for each other; each system gets its own in order', async () => {
    await activateUnitEndpoints(hub.ds, { [UNIT]: unit.url });
    const t = await insertTicket(hub.ds);
    unit.script([{ status: 503 }, { status: 503 }]);
    const work = unitWorkOrder(UNIT, t.id, 'assigned', 'lead', {}, {});
    const accepted = statusMessage(t, 'accepted', { occurredAt: AT })!;
    const dispatched = statusMessage(t, 'dispatched', { occurredAt: AT })!;
    const [workId] = await write(hub.ds, [work, accepted, dispatched]);

    await eventually(async () => hotline.received().length === 2);
    expect(hotline.received().map((r) => (r.body as { type: string }).type)).toEqual(['accepted', 'dispatched']);
    await eventually(async () => (await loadOutbox(hub.ds, workId))?.status === 'delivered');
    expect(unit.received().map((r) => r.responseStatus)).toEqual([503, 503, 200]);
  });
});
