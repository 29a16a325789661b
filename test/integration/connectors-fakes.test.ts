/**
 * The test helpers themselves: the signed client's tampering produces each 401 code of docs/contracts.md#signed-requests
 * at a verifying server, and the fake upstream's scripting works as documented.
 */
import { parseKeyRing, type SigningKey } from '@hub/connectors';
import { FakeUpstream } from '../fakes/fake-upstream';
import { SignedClient } from '../fakes/signed-client';

const RING = parseKeyRing('HUB_HOTLINE_KEYS', 'k-new:secret-new-of-at-least-32-bytes-:hmac-sm3,k-old:secret-old-of-at-least-32-bytes-:hmac-sha256');
const KEY: SigningKey = RING.signingKey!;

describe('signed client → verifying fake', () => {
  let server: FakeUpstream;
  let client: SignedClient;

  beforeAll(async () => {
    server = await FakeUpstream.start({ keyRing: RING, rejectInvalidSignatures: true, defaultResponse: { status: 201, body: { ticketId: 'T-1', status: 'received' } } });
    client = new SignedClient(server.url, KEY);
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('a correctly signed request passes, with either key of the ring', async () => {
    await expect(client.post('/connectors/hotline/orders', { orderNo: 'A' })).resolves.toMatchObject({ status: 201, body: { ticketId: 'T-1' } });
    const old = new SignedClient(server.url, RING.find('k-old')!);
    await expect(old.post('/connectors/hotline/orders?x=1', { orderNo: 'B' })).resolves.toMatchObject({ status: 201 });
    await expect(client.get('/connectors/ping')).resolves.toMatchObject({ status: 201 });
    expect(server.received().map((r) => r.signature)).toEqual([
      { ok: true, keyId: 'k-new' },
      { ok: true, keyId: 'k-old' },
      { ok: true, keyId: 'k-new' },
    ]);
  });

  it.each([
    ['unknown_key', { key: { keyId: 'k-gone', secret: 'x', algorithm: 'hmac-sha256' } as SigningKey }],
    ['bad_signature', { key: { ...KEY, secret: 'wrong' } }],
    ['bad_signature', { corruptSignature: true }],
    ['bad_signature', { signedPath: '/connectors/hotline/other' }],
    ['bad_signature', { signedBody: '{"orderNo":"tampered"}' }],
    ['stale_timestamp', { now: new Date(Date.now() - 10 * 60_000) }],
    ['missing_headers', { omit: ['X-Nonce' as const] }],
    ['malformed_header', { nonce: 'short' }],
  ])('answers 401 %s', async (code, tamper) => {
    const res = await client.post('/connectors/hotline/orders', { orderNo: 'A' }, tamper);
    expect(res).toMatchObject({ status: 401, body: { error: code } });
  });

  it('answers 401 replayed_nonce to a reused nonce', async () => {
    const nonce = 'replay-nonce-0123456789';
    await expect(client.post('/connectors/hotline/orders', { orderNo: 'A' }, { nonce })).resolves.toMatchObject({ status: 201 });
    await expect(client.post('/connectors/hotline/orders', { orderNo: 'A' }, { nonce })).resolves.toMatchObject({
      status: 401,
      body: { error: 'replayed_nonce' },
    });
  });
});

describe('fake upstream scripting', () => {
  let server: FakeUpstream;
  beforeAll(async () => {
    server = await FakeUpstream.start();
  });
  afterAll(() => server.close());

  it('per-path scripts win over global ones, then the default answers', async () => {
    server.script([{ status: 500 }]);
    server.script([{ status: 429, headers: { 'Retry-After': '1' } }], { pathPrefix: '/api/orders/' });
    const client = new SignedClient(server.url, KEY);
    const a = await client.post('/api/orders/1/status', {});
    const b = await client.post('/api/orders/1/status', {});
    const c = await client.post('/api/orders/1/status', {});
    expect([a.status, b.status, c.status]).toEqual([429, 500, 200]);
    expect(a.headers['retry-after']).toBe('1');
    expect(server.received('/api/orders/')).toHaveLength(3);
    // no key ring: nothing verified, nothing claimed valid
    expect(server.received()[0].signatureValid).toBe(false);
  });

  it('waitFor resolves when the condition holds and rejects with what arrived', async () => {
    server.reset();
    const client = new SignedClient(server.url, KEY);
    const waiting = server.waitForRequests('/x', 2, 2000);
    await client.post('/x/1', {});
    await client.post('/x/2', {});
    await expect(waiting).resolves.toHaveLength(2);
    await expect(server.waitFor((all) => all.length > 5, 100)).rejects.toThrow(/POST \/x\/1 → 200/);
  });
});
