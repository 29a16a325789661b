import { createHash, createHmac } from 'node:crypto';
import { KeyRing, type SigningKey } from './key-ring.config';
import { InMemoryNonceStore, NONCE_TTL_SECONDS, type NonceStore } from './nonce.store';
import { canonicalBytes, canonicalString, newNonce, NONCE_PATTERN, signRequest, verifySignature } from './signature.util';

const SHA_KEY: SigningKey = { keyId: 'k-sha', secret: 'shared-secret-1', algorithm: 'hmac-sha256' };
const SM3_KEY: SigningKey = { keyId: 'k-sm3', secret: 'shared-secret-2', algorithm: 'hmac-sm3' };
const NOW = new Date('2026-11-20T01:12:33Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const NONCE = 'nonce_0123456789-abc';
const PATH = '/connectors/hotline/orders?x=1';
const BODY = '{"orderNo":"A1","title":"路灯不亮"}';

/** HMAC (RFC 2104) written out from the plain hash, as an independent check of node's createHmac. */
function manualHmac(hash: 'sha256' | 'sm3', key: Buffer, data: Buffer): Buffer {
  const block = 64;
  const k = key.length > block ? createHash(hash).update(key).digest() : key;
  const padded = Buffer.concat([k, Buffer.alloc(block - k.length)]);
  const ipad = Buffer.from(padded.map((b) => b ^ 0x36));
  const opad = Buffer.from(padded.map((b) => b ^ 0x5c));
  const inner = createHash(hash).update(Buffer.concat([ipad, data])).digest();
  return createHash(hash).update(Buffer.concat([opad, inner])).digest();
}

describe('primitives against published vectors', () => {
  it('HMAC-SHA256 matches RFC 4231 test case 2', () => {
    const mac = createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex');
    expect(mac).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('SM3 matches GB/T 32905-2016 example 1 ("abc")', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('HMAC-SM3 equals the RFC 2104 construction over SM3', () => {
    const data = Buffer.from('what do ya want for nothing?');
    expect(createHmac('sm3', 'Jefe').update(data).digest()).toEqual(manualHmac('sm3', Buffer.from('Jefe'), data));
  });
});

describe('canonicalString', () => {
  it('joins timestamp, nonce, METHOD, path?query and body with newlines', () => {
    expect(canonicalString(1700000000, 'n', 'post', '/a?b=1', Buffer.from('{}'))).toBe('1700000000\nn\nPOST\n/a?b=1\n{}');
    expect(canonicalString('1700000000', 'n', 'GET', '/a', '')).toBe('1700000000\nn\nGET\n/a\n');
  });

  it('keeps the body bytes as they are', () => {
    const raw = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(canonicalBytes('1', 'n', 'POST', '/p', raw).subarray(-3)).toEqual(raw);
  });
});

describe('signRequest', () => {
  it('signs with HMAC-SHA256 over the canonical string', () => {
    const headers = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, NONCE);
    const expected = manualHmac('sha256', Buffer.from(SHA_KEY.secret), Buffer.from(`${NOW_S}\n${NONCE}\nPOST\n${PATH}\n${BODY}`));
    expect(headers).toEqual({
      'X-Key-Id': 'k-sha',
      'X-Timestamp': String(NOW_S),
      'X-Nonce': NONCE,
      'X-Signature': `hmac-sha256=${expected.toString('hex')}`,
    });
  });

  it('signs with HMAC-SM3', () => {
    const headers = signRequest(SM3_KEY, 'GET', '/api/v1/transfers?limit=50', '', NOW, NONCE);
    const expected = manualHmac('sm3', Buffer.from(SM3_KEY.secret), Buffer.from(`${NOW_S}\n${NONCE}\nGET\n/api/v1/transfers?limit=50\n`));
    expect(headers['X-Signature']).toBe(`hmac-sm3=${expected.toString('hex')}`);
  });

  it('makes a fresh valid nonce when none is given', () => {
    const a = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW)['X-Nonce'];
    const b = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW)['X-Nonce'];
    expect(a).toMatch(NONCE_PATTERN);
    expect(a).not.toBe(b);
    expect(newNonce()).toMatch(NONCE_PATTERN);
  });
});

describe('verifySignature', () => {
  const ring = new KeyRing([SM3_KEY, SHA_KEY], 'HUB_HOTLINE_KEYS');
  let store: InMemoryNonceStore;
  beforeEach(() => {
    store = new InMemoryNonceStore();
  });
  const verify = (headers: Record<string, string | string[] | undefined>, overrides: { body?: string; path?: string; now?: number; method?: string } = {}) =>
    verifySignature(headers, overrides.method ?? 'POST', overrides.path ?? PATH, overrides.body ?? BODY, ring, overrides.now ?? NOW_S, store);

  it('accepts every key of the ring (rotation), with lower-case header names', async () => {
    for (const key of [SHA_KEY, SM3_KEY]) {
      const signed = signRequest(key, 'POST', PATH, BODY, NOW);
      const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
      await expect(verify(lower)).resolves.toEqual({ ok: true, keyId: key.keyId });
    }
  });

  it('accepts a Buffer body and a GET with empty body', async () => {
    await expect(
      verifySignature(signRequest(SHA_KEY, 'POST', PATH, BODY, NOW), 'POST', PATH, Buffer.from(BODY), ring, NOW_S, store),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      verifySignature(signRequest(SHA_KEY, 'get', '/x', '', NOW), 'GET', '/x', Buffer.alloc(0), ring, NOW_S, store),
    ).resolves.toMatchObject({ ok: true });
  });

  it('unknown_key', async () => {
    const other: SigningKey = { keyId: 'k-old', secret: 'x', algorithm: 'hmac-sha256' };
    await expect(verify(signRequest(other, 'POST', PATH, BODY, NOW))).resolves.toMatchObject({ ok: false, error: 'unknown_key' });
  });

  it('unknown_key for everyone when the ring is empty', async () => {
    const empty = new KeyRing([], 'HUB_YWTB_KEYS');
    await expect(
      verifySignature(signRequest(SHA_KEY, 'POST', PATH, BODY, NOW), 'POST', PATH, BODY, empty, NOW_S, store),
    ).resolves.toMatchObject({ ok: false, error: 'unknown_key' });
  });

  it.each([
    ['another body', { body: BODY.replace('A1', 'A2') }],
    ['another path', { path: '/connectors/hotline/orders?x=2' }],
    ['another method', { method: 'PUT' }],
  ])('bad_signature for %s', async (_name, overrides) => {
    await expect(verify(signRequest(SHA_KEY, 'POST', PATH, BODY, NOW), overrides)).resolves.toMatchObject({
      ok: false,
      error: 'bad_signature',
    });
  });

  it('bad_signature for a wrong secret, a flipped digit and an algorithm that is not the key\'s', async () => {
    const wrongSecret = signRequest({ ...SHA_KEY, secret: 'guess' }, 'POST', PATH, BODY, NOW);
    await expect(verify(wrongSecret)).resolves.toMatchObject({ error: 'bad_signature' });
    const good = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW);
    const flipped = { ...good, 'X-Signature': good['X-Signature'].replace(/.$/, (c) => (c === '0' ? '1' : '0')) };
    await expect(verify(flipped)).resolves.toMatchObject({ error: 'bad_signature' });
    const sm3Label = { ...good, 'X-Signature': good['X-Signature'].replace('hmac-sha256=', 'hmac-sm3=') };
    await expect(verify(sm3Label)).resolves.toMatchObject({ error: 'bad_signature' });
  });

  it('stale_timestamp beyond 300 s either way, accepted at exactly 300 s', async () => {
    const old = signRequest(SHA_KEY, 'POST', PATH, BODY, new Date(NOW.getTime() - 301_000));
    await expect(verify(old)).resolves.toMatchObject({ ok: false, error: 'stale_timestamp' });
    const future = signRequest(SHA_KEY, 'POST', PATH, BODY, new Date(NOW.getTime() + 301_000));
    await expect(verify(future)).resolves.toMatchObject({ ok: false, error: 'stale_timestamp' });
    const edge = signRequest(SHA_KEY, 'POST', PATH, BODY, new Date(NOW.getTime() - 300_000));
    await expect(verify(edge)).resolves.toMatchObject({ ok: true });
  });

  it('a request stays refused as a replay for as long as its timestamp is acceptable (nonce outlives the window)', async () => {
    // the hub's clock (the in-memory store's and the verifier's) runs from the earliest to the
    // latest moment the same signed request passes the timestamp check: ±300 s around it
    let hubMs = NOW.getTime() - 300_000;
    const clocked = new InMemoryNonceStore(() => hubMs);
    const signed = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, NONCE);
    const at = () => verifySignature(signed, 'POST', PATH, BODY, ring, Math.floor(hubMs / 1000), clocked);
    await expect(at()).resolves.toMatchObject({ ok: true });
    hubMs = NOW.getTime() + 300_000;
    await expect(at()).resolves.toMatchObject({ ok: false, error: 'replayed_nonce' });
  });

  it('replayed_nonce for the same nonce within 10 minutes, per key ring', async () => {
    const first = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, NONCE);
    await expect(verify(first)).resolves.toMatchObject({ ok: true });
    await expect(verify(first)).resolves.toMatchObject({ ok: false, error: 'replayed_nonce' });
    // Same nonce, re-signed a minute later: still a replay.
    const again = signRequest(SHA_KEY, 'POST', PATH, BODY, new Date(NOW.getTime() + 60_000), NONCE);
    await expect(verify(again, { now: NOW_S + 60 })).resolves.toMatchObject({ error: 'replayed_nonce' });
    // Another system's ring is another scope.
    const ywtb = new KeyRing([SHA_KEY], 'HUB_YWTB_KEYS');
    await expect(verifySignature(first, 'POST', PATH, BODY, ywtb, NOW_S, store)).resolves.toMatchObject({ ok: true });
  });

  it('forgets nonces after 11 minutes (NONCE_TTL_SECONDS)', async () => {
    let clock = NOW.getTime();
    store = new InMemoryNonceStore(() => clock);
    const signed = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, NONCE);
    await expect(verify(signed)).resolves.toMatchObject({ ok: true });
    clock += (NONCE_TTL_SECONDS - 1) * 1000;
    expect(await store.remember('HUB_HOTLINE_KEYS:k-sha', NONCE, NONCE_TTL_SECONDS)).toBe(false);
    clock += 2_000;
    expect(await store.remember('HUB_HOTLINE_KEYS:k-sha', NONCE, NONCE_TTL_SECONDS)).toBe(true);
  });

  it('does not remember the nonce of a request that fails the signature or the clock', async () => {
    const remembered: string[] = [];
    const spy: NonceStore = {
      remember: async (_scope, nonce) => {
        remembered.push(nonce);
        return true;
      },
    };
    const bad = { ...signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, NONCE), 'X-Signature': `hmac-sha256=${'0'.repeat(64)}` };
    await verifySignature(bad, 'POST', PATH, BODY, ring, NOW_S, spy);
    const stale = signRequest(SHA_KEY, 'POST', PATH, BODY, new Date(0), NONCE);
    await verifySignature(stale, 'POST', PATH, BODY, ring, NOW_S, spy);
    expect(remembered).toEqual([]);
    // and the legitimate request with that nonce still goes through
    await expect(verify(signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, NONCE))).resolves.toMatchObject({ ok: true });
  });

  it('missing_headers names what is missing', async () => {
    const signed: Record<string, string | undefined> = { ...signRequest(SHA_KEY, 'POST', PATH, BODY, NOW) };
    delete signed['X-Nonce'];
    signed['X-Signature'] = '';
    const result = await verify(signed);
    expect(result).toMatchObject({ ok: false, error: 'missing_headers' });
    expect(!result.ok && result.detail).toBe('missing X-Nonce, X-Signature');
    await expect(verify({})).resolves.toMatchObject({ error: 'missing_headers' });
  });

  it.each([
    ['X-Timestamp', '17e8'],
    ['X-Timestamp', '-1'],
    ['X-Nonce', 'short'],
    ['X-Nonce', 'has spaces in it......'],
    ['X-Nonce', 'x'.repeat(65)],
    ['X-Signature', 'sha256=abc'],
    ['X-Signature', `hmac-sha256=${'g'.repeat(64)}`],
    ['X-Signature', `hmac-sha256=${'a'.repeat(63)}`],
  ])('malformed_header for %s = %p', async (name, value) => {
    const signed = { ...signRequest(SHA_KEY, 'POST', PATH, BODY, NOW), [name]: value };
    await expect(verify(signed)).resolves.toMatchObject({ ok: false, error: 'malformed_header' });
  });

  it('malformed_header for a repeated header', async () => {
    const signed = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW);
    await expect(verify({ ...signed, 'x-nonce': [signed['X-Nonce'], signed['X-Nonce']], 'X-Nonce': undefined })).resolves.toMatchObject({
      error: 'malformed_header',
    });
  });

  it('never reveals the secret or the expected signature in a detail', async () => {
    const bad = { ...signRequest(SHA_KEY, 'POST', PATH, BODY, NOW), 'X-Signature': `hmac-sha256=${'0'.repeat(64)}` };
    const good = signRequest(SHA_KEY, 'POST', PATH, BODY, NOW, bad['X-Nonce']);
    const result = await verify(bad);
    const text = JSON.stringify(result);
    expect(text).not.toContain(SHA_KEY.secret);
    expect(text).not.toContain(good['X-Signature'].slice(12));
  });

  it('propagates a failing nonce store (the caller answers 503)', async () => {
    const broken: NonceStore = { remember: () => Promise.reject(new Error('redis down')) };
    await expect(
      verifySignature(signRequest(SHA_KEY, 'POST', PATH, BODY, NOW), 'POST', PATH, BODY, ring, NOW_S, broken),
    ).rejects.toThrow('redis down');
  });
});
