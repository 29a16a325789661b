/**
 * The outbound clients against fake upstreams on loopback: what arrives (path, body, signature) and
 * how every kind of answer is classified (docs/contracts.md#delivery-and-retries).
 */
import { KeyRing, NationalClient, type NationalResultBody, parseKeyRing, SignedHttpTransport, type UnitWorkOrderBody } from '@hub/connectors';
import { type HotlineStatusEvent, HotlineStatusClient, UnitSystemsClient, type YwtbEvaluationStatusEvent, YwtbStatusClient } from '../support/status-clients';
import { FakeNational } from '../fakes/fake-national';
import { FakeUpstream } from '../fakes/fake-upstream';

const HOTLINE_KEYS = parseKeyRing('HUB_HOTLINE_KEYS', 'hl-2026:hotline-secret-new-of-at-least-32-bytes:hmac-sha256,hl-2025:hotline-secret-old-of-at-least-32-bytes:hmac-sha256');
const YWTB_KEYS = parseKeyRing('HUB_YWTB_KEYS', 'yw-1:ywtb-secret-of-at-least-32-bytes:hmac-sm3');
const NATIONAL_KEYS = parseKeyRing('HUB_NATIONAL_KEYS', 'gb-1:national-secret-of-at-least-32-bytes:hmac-sm3');
const UNITS_KEYS = parseKeyRing('HUB_UNITS_KEYS', 'unit-1:units-secret-of-at-least-32-bytes:hmac-sha256');

function statusEvent(orderNo: string, eventId = `ev-${orderNo}`): HotlineStatusEvent {
  return {
    eventId,
    orderNo,
    ticketId: 'T-1',
    type: 'dispatched',
    occurredAt: '2026-11-20T09:30:00+08:00',
    unit: { code: 'U-XH', name: '徐汇区' },
    due: { contact: '2026-11-21T09:30:00+08:00', resolve: '2026-11-27T17:30:00+08:00' },
    reason: null,
    replyPoints: null,
  };
}

describe('outbound clients', () => {
  let transport: SignedHttpTransport;
  let hotline: FakeUpstream;
  let client: HotlineStatusClient;

  beforeAll(async () => {
    transport = new SignedHttpTransport();
    hotline = await FakeUpstream.start({ keyRing: HOTLINE_KEYS });
    client = new HotlineStatusClient({ baseUrl: hotline.url, keyRing: HOTLINE_KEYS, transport, timeoutMs: 300 });
  });
  afterEach(() => hotline.reset());
  afterAll(async () => {
    transport.destroy();
    await hotline.close();
  });

  describe('hotline status', () => {
    it('sends the exact body, signed with the first key, to /api/orders/{orderNo}/status', async () => {
      const event = statusEvent('HL-1');
      const result = await client.sendStatus(event);
      expect(result).toMatchObject({ outcome: 'delivered', status: 200 });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      const [req] = hotline.received();
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/api/orders/HL-1/status');
      expect(req.body).toEqual(event);
      expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(req.signature).toEqual({ ok: true, keyId: 'hl-2026' });
      expect(req.headers['x-signature']).toMatch(/^hmac-sha256=[0-9a-f]{64}$/);
    });

    it('encodes an orderNo that needs it and signs the encoded path', async () => {
      await client.sendStatus(statusEvent('A/B 工单'));
      const [req] = hotline.received();
      expect(req.pathname).toBe('/api/orders/A%2FB%20%E5%B7%A5%E5%8D%95/status');
      expect(req.signatureValid).toBe(true);
    });

    it('delivered on 201 and on 409 (already has this eventId)', async () => {
      hotline.script([{ status: 201 }, { status: 409, body: { error: 'conflict' } }]);
      await expect(client.sendStatus(statusEvent('HL-2'))).resolves.toMatchObject({ outcome: 'delivered', status: 201 });
      await expect(client.sendStatus(statusEvent('HL-2'))).resolves.toMatchObject({ outcome: 'delivered', status: 409 });
    });

    it('permanent on 400 and 401, with the target\'s error code', async () => {
      hotline.script([
        { status: 400, body: { error: 'validation_failed', fields: [] } },
        { status: 401, body: { error: 'bad_signature' } },
      ]);
      await expect(client.sendStatus(statusEvent('HL-3'))).resolves.toMatchObject({
        outcome: 'permanent',
        status: 400,
        error: 'http_400: validation_failed',
      });
      await expect(client.sendStatus(statusEvent('HL-3'))).resolves.toMatchObject({ outcome: 'permanent', status: 401 });
    });

    it('retry on 500, 503 and 408', async () => {
      hotline.script([{ status: 500 }, { status: 503, body: 'maintenance' }, { status: 408 }]);
      for (const status of [500, 503, 408]) {
        await expect(client.sendStatus(statusEvent('HL-4'))).resolves.toMatchObject({ outcome: 'retry', status, error: `http_${status}` });
      }
    });

    it('retry on 429 honouring Retry-After in seconds and as an HTTP-date', async () => {
      const at = new Date(Date.now() + 30_000).toUTCString();
      hotline.script([
        { status: 429, headers: { 'Retry-After': '7' } },
        { status: 429, headers: { 'Retry-After': at } },
        { status: 429 },
      ]);
      await expect(client.sendStatus(statusEvent('HL-5'))).resolves.toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 7000 });
      const dated = await client.sendStatus(statusEvent('HL-5'));
      expect(dated.outcome === 'retry' && dated.retryAfterMs).toBeGreaterThan(25_000);
      const bare = await client.sendStatus(statusEvent('HL-5'));
      expect(bare).toMatchObject({ outcome: 'retry', status: 429 });
      expect(bare).not.toHaveProperty('retryAfterMs');
    });

    it('retry on a timeout (300 ms here, 10 s by default)', async () => {
      hotline.script([{ status: 200, delayMs: 2000 }]);
      const started = Date.now();
      const result = await client.sendStatus(statusEvent('HL-6'));
      expect(result).toMatchObject({ outcome: 'retry', error: 'timeout' });
      expect(result).not.toHaveProperty('status');
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('retry when the connection is dropped without an answer', async () => {
      hotline.script([{ status: 200, destroy: true }]);
      await expect(client.sendStatus(statusEvent('HL-7'))).resolves.toMatchObject({
        outcome: 'retry',
        error: expect.stringMatching(/^connection_error: /),
      });
    });

    it('retry on connection refused, delivered again once the target is back on the same port', async () => {
      await hotline.down('refuse');
      await expect(client.sendStatus(statusEvent('HL-8'))).resolves.toMatchObject({
        outcome: 'retry',
        error: 'connection_error: ECONNREFUSED',
      });
      await hotline.up();
      await expect(client.sendStatus(statusEvent('HL-8'))).resolves.toMatchObject({ outcome: 'delivered' });
    });

    it('retry while the target resets every connection', async () => {
      await hotline.down('reset');
      await expect(client.sendStatus(statusEvent('HL-9'))).resolves.toMatchObject({ outcome: 'retry' });
      await hotline.up();
      await expect(client.sendStatus(statusEvent('HL-9'))).resolves.toMatchObject({ outcome: 'delivered' });
    });

    it('keeps connections alive under load: 200 concurrent events all arrive signed', async () => {
      // The default 10 s timeout: 300 ms would also count the wait for a free socket in the pool.
      const loaded = new HotlineStatusClient({ baseUrl: hotline.url, keyRing: HOTLINE_KEYS, transport });
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => loaded.sendStatus(statusEvent(`LOAD-${i}`))));
      expect(results.filter((r) => r.outcome !== "delivered")).toEqual([]);
      const received = hotline.received('/api/orders/LOAD-');
      expect(received).toHaveLength(200);
      expect(received.every((r) => r.signatureValid)).toBe(true);
      expect(new Set(received.map((r) => r.headers['x-nonce'])).size).toBe(200);
    });

    it('signs the full path under a base URL with a path prefix', async () => {
      const prefixed = new HotlineStatusClient({ baseUrl: `${hotline.url}/gateway/12345/`, keyRing: HOTLINE_KEYS, transport });
      await expect(prefixed.sendStatus(statusEvent('HL-10'))).resolves.toMatchObject({ outcome: 'delivered' });
      const [req] = hotline.received();
      expect(req.path).toBe('/gateway/12345/api/orders/HL-10/status');
      expect(req.signatureValid).toBe(true);
    });

    it('is refused by a target that holds only the old key', async () => {
      const strict = await FakeUpstream.start({ keyRing: new KeyRing([HOTLINE_KEYS.find('hl-2025')!], 'old-only'), rejectInvalidSignatures: true });
      try {
        const c = new HotlineStatusClient({ baseUrl: strict.url, keyRing: HOTLINE_KEYS, transport });
        await expect(c.sendStatus(statusEvent('HL-11'))).resolves.toMatchObject({
          outcome: 'permanent',
          status: 401,
          error: 'http_401: unknown_key',
        });
      } finally {
        await strict.close();
      }
    });

    it('refuses to be built without a key or with a bad base URL', () => {
      expect(() => new HotlineStatusClient({ baseUrl: hotline.url, keyRing: parseKeyRing('HUB_HOTLINE_KEYS', '') })).toThrow(
        /HUB_HOTLINE_KEYS has no key/,
      );
      expect(() => new HotlineStatusClient({ baseUrl: 'hotline:8080', keyRing: HOTLINE_KEYS })).toThrow(/must be http or https/);
    });
  });

  describe('一网通办 status', () => {
    it('posts evaluation and suggestion events, signed with SM3', async () => {
      const ywtb = await FakeUpstream.start({ keyRing: YWTB_KEYS });
      try {
        const c = new YwtbStatusClient({ baseUrl: ywtb.url, keyRing: YWTB_KEYS, transport });
        const { orderNo: _o, ...common } = statusEvent('x');
        const evaluationEvent: YwtbEvaluationStatusEvent = { ...common, evaluationId: 'EV-1', type: 'unfounded', reason: '经核实不属实' };
        await expect(c.sendEvaluationStatus(evaluationEvent)).resolves.toMatchObject({ outcome: 'delivered' });
        await expect(c.sendSuggestionStatus({ ...common, suggestionId: 'SG-1', type: 'replied', replyPoints: '已增设夜间窗口' })).resolves.toMatchObject({
          outcome: 'delivered',
        });
        const [first, second] = ywtb.received();
        expect(first.path).toBe('/api/evaluations/EV-1/status');
        expect(first.body).toEqual(evaluationEvent);
        expect(second.path).toBe('/api/suggestions/SG-1/status');
        expect(first.headers['x-signature']).toMatch(/^hmac-sm3=/);
        expect(first.signatureValid && second.signatureValid).toBe(true);
      } finally {
        await ywtb.close();
      }
    });
  });

  describe('units\' own systems', () => {
    it('posts work orders to each unit\'s base URL', async () => {
      const unit = await FakeUpstream.start({ keyRing: UNITS_KEYS });
      try {
        const c = new UnitSystemsClient({ keyRing: UNITS_KEYS, transport, timeoutMs: 300 });
        const body: UnitWorkOrderBody = {
          eventId: 'wo-1',
          ticketId: 'T-1',
          type: 'assigned',
          role: 'lead',
          due: { resolve: '2026-11-27T17:30:00+08:00' },
          ticket: {
            ticketId: 'T-1',
            source: 'hotline',
            sourceRecord: 'order',
            externalId: 'HL-1',
            kind: 'complaint',
            channel: 'phone',
            title: '路灯不亮',
            content: '内容',
            citizen: { anonymous: false, confidential: false, name: '张三' },
            urgency: 'normal',
            complex: false,
            attachments: [],
            receivedAt: '2026-11-20T09:12:33+08:00',
          },
        };
        await expect(c.sendWorkOrder(`${unit.url}/erp/api`, body)).resolves.toMatchObject({ outcome: 'delivered' });
        const [req] = unit.received();
        expect(req.path).toBe('/erp/api/work-orders');
        expect(req.body).toEqual(body);
        expect(req.signatureValid).toBe(true);
        await expect(c.sendWorkOrder('not a url', body)).resolves.toMatchObject({ outcome: 'permanent', error: expect.stringMatching(/^invalid_url/) });
      } finally {
        await unit.close();
      }
    });
  });

  describe('national', () => {
    const transfer = (n: number): Record<string, unknown> => ({
      transferId: `GB-${n}`,
      transferredAt: '2026-11-20T10:00:00+08:00',
      level: 'general',
      regionCode: '310104',
      title: `转办件 ${n}`,
      content: '内容',
      submitter: { name: '赵六' },
    });
    let national: FakeNational;
    let c: NationalClient;

    beforeAll(async () => {
      national = await FakeNational.start({ keyRing: NATIONAL_KEYS, transfers: [1, 2, 3, 4, 5].map(transfer) });
      c = new NationalClient({ baseUrl: national.url, keyRing: NATIONAL_KEYS, transport, timeoutMs: 300 });
    });
    afterEach(() => national.reset());
    afterAll(() => national.close());

    it('pages through transfers with the opaque cursor, no cursor on the first call', async () => {
      const first = await c.pullTransfers({ limit: 2 });
      if (first.outcome !== 'fetched') throw new Error(JSON.stringify(first));
      expect(first.items.map((i) => i.ok && i.value.transferId)).toEqual(['GB-1', 'GB-2']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await c.pullTransfers({ cursor: first.nextCursor, limit: 2 });
      const third = second.outcome === 'fetched' ? await c.pullTransfers({ cursor: second.nextCursor, limit: 2 }) : second;
      expect(third).toMatchObject({ outcome: 'fetched', nextCursor: null });
      expect(third.outcome === 'fetched' && third.items.map((i) => i.ok && i.value.transferId)).toEqual(['GB-5']);

      const pulls = national.pulls();
      expect(pulls[0].path).toBe('/api/v1/transfers?limit=2');
      expect(pulls[1].query.get('cursor')).toBe(first.nextCursor);
      expect(pulls.every((p) => p.signatureValid && p.rawBody.length === 0)).toBe(true);
    });

    it('reports invalid transfers one by one', async () => {
      national.setTransfers([transfer(1), { ...transfer(2), regionCode: 'x' }]);
      const page = await c.pullTransfers({ limit: 10 });
      expect(page).toMatchObject({
        outcome: 'fetched',
        items: [{ ok: true }, { ok: false, transferId: 'GB-2', fields: [{ path: 'regionCode' }] }],
      });
    });

    it('retry on 429 with Retry-After and on 500; then fetched', async () => {
      national.failPulls({ status: 429, headers: { 'Retry-After': '2' } }, { status: 500 });
      await expect(c.pullTransfers({ limit: 10 })).resolves.toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 2000 });
      await expect(c.pullTransfers({ limit: 10 })).resolves.toMatchObject({ outcome: 'retry', status: 500 });
      await expect(c.pullTransfers({ limit: 10 })).resolves.toMatchObject({ outcome: 'fetched' });
    });

    it('permanent when the page is not a page', async () => {
      national.failPulls({ status: 200, body: '<html>gateway</html>' }, { status: 200, body: { data: [] } });
      await expect(c.pullTransfers({ limit: 10 })).resolves.toMatchObject({ outcome: 'permanent', error: 'invalid_page: body is not JSON' });
      await expect(c.pullTransfers({ limit: 10 })).resolves.toMatchObject({ outcome: 'permanent', error: expect.stringMatching(/^invalid_page: items/) });
    });

    it('is refused (401) when signed with a key the platform does not have', async () => {
      const wrong = new NationalClient({ baseUrl: national.url, keyRing: parseKeyRing('X', 'gb-1:guess-of-at-least-32-bytes-xxxxx:hmac-sm3'), transport });
      await expect(wrong.pullTransfers({ limit: 10 })).resolves.toMatchObject({ outcome: 'permanent', status: 401, error: 'http_401: bad_signature' });
    });

    it('refuses a limit outside 1..100', async () => {
      await expect(c.pullTransfers({ limit: 0 })).rejects.toThrow(RangeError);
      await expect(c.pullTransfers({ limit: 101 })).rejects.toThrow(RangeError);
    });

    it('posts receipt, return and result; a repeated eventId is 409 = delivered', async () => {
      await expect(c.sendReceipt('GB-1', { eventId: 'r-1', receivedAt: '2026-11-20T10:01:00+08:00', ticketId: 'T-9' })).resolves.toMatchObject({
        outcome: 'delivered',
        status: 200,
      });
      await expect(c.sendReceipt('GB-1', { eventId: 'r-1', receivedAt: '2026-11-20T10:01:00+08:00', ticketId: 'T-9' })).resolves.toMatchObject({
        outcome: 'delivered',
        status: 409,
      });
      await c.sendReturn('GB-2', { eventId: 'ret-1', reason: 'out_of_jurisdiction', detail: '不属本市管辖', returnedAt: '2026-11-21T10:00:00+08:00' });
      const result: NationalResultBody = {
        eventId: 'res-1',
        report: '已办结',
        replyPoints: '已修复路灯',
        approvedBy: '王科长',
        sealedDocument: { name: '办结报告.pdf', sha256: 'c'.repeat(64), url: 'https://hub.example.cn/docs/1.pdf' },
        visit: { satisfied: 5, result: 5, efficiency: 4, attitude: 5, note: '满意' },
        concludedAt: '2026-11-25T10:00:00+08:00',
      };
      await c.sendResult('GB-3', result);
      expect(national.receipts().map((r) => r.path)).toEqual(['/api/v1/transfers/GB-1/receipt', '/api/v1/transfers/GB-1/receipt']);
      expect(national.returns()[0].body).toMatchObject({ reason: 'out_of_jurisdiction' });
      expect(national.results()[0].body).toEqual(result);
      expect(national.upstream.received().every((r) => r.signatureValid)).toBe(true);
    });

    it('scripted failures of the POSTs are classified like any target', async () => {
      national.scriptPosts([{ status: 503, headers: { 'Retry-After': '5' } }, { status: 422 }], 'GB-1');
      await expect(c.sendReceipt('GB-1', { eventId: 'r-2', receivedAt: '2026-11-20T10:01:00+08:00', ticketId: 'T-9' })).resolves.toMatchObject({
        outcome: 'retry',
        retryAfterMs: 5000,
      });
      await expect(c.sendReceipt('GB-1', { eventId: 'r-2', receivedAt: '2026-11-20T10:01:00+08:00', ticketId: 'T-9' })).resolves.toMatchObject({
        outcome: 'permanent',
        status: 422,
      });
    });
  });
});
