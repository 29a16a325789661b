import { inspect } from 'node:util';
import { KeyRing, parseKeyRing } from './key-ring.config';

describe('parseKeyRing', () => {
  it('parses entries in order; the first signs', () => {
    const ring = parseKeyRing('HUB_HOTLINE_KEYS', 'k2:new-secret:hmac-sm3, k1:old-secret:hmac-sha256');
    expect(ring.keyIds()).toEqual(['k2', 'k1']);
    expect(ring.signingKey).toEqual({ keyId: 'k2', secret: 'new-secret', algorithm: 'hmac-sm3' });
    expect(ring.find('k1')?.algorithm).toBe('hmac-sha256');
    expect(ring.name).toBe('HUB_HOTLINE_KEYS');
  });

  it('allows colons inside the secret', () => {
    expect(parseKeyRing('V', 'k1:a:b:c:hmac-sha256').find('k1')?.secret).toBe('a:b:c');
  });

  it.each([undefined, '', '   '])('gives an empty ring for %p', (value) => {
    const ring = parseKeyRing('HUB_YWTB_KEYS', value);
    expect(ring.size).toBe(0);
    expect(ring.signingKey).toBeUndefined();
  });

  it.each([
    ['k1:s1:hmac-sha256,', /HUB_X_KEYS: entry 2 of 2 is empty/],
    ['k1:s1', /HUB_X_KEYS: entry 1 of 1 \("k1:\*\*\*"\) must have the form keyId:secret:algorithm/],
    ['justasecret', /HUB_X_KEYS: entry 1 of 1 \("\*\*\* \(no colon\)"\)/],
    ['k1:s1:hmac-sha256,k2:s2:hmac-md5', /HUB_X_KEYS: entry 2 of 2 \("k2:\*\*\*:hmac-md5"\) has unknown algorithm "hmac-md5"/],
    ['k1::hmac-sha256', /entry 1 of 1 \("k1:\*\*\*:hmac-sha256"\) has an empty secret/],
    ['bad id:s:hmac-sha256', /entry 1 of 1 .* has an invalid key id/],
    [':s:hmac-sha256', /has an invalid key id/],
    ['k1:a:hmac-sha256,k1:b:hmac-sm3', /entry 2 of 2 .* repeats key id "k1"/],
  ])('rejects %p naming the variable and the entry', (value, message) => {
    expect(() => parseKeyRing('HUB_X_KEYS', value)).toThrow(message);
  });

  it('never puts the secret in an error message', () => {
    for (const value of ['k1:topsecret:md5', 'k1:topsecret', 'topsecret', 'k 1:topsecret:hmac-sha256']) {
      try {
        parseKeyRing('HUB_X_KEYS', value);
        throw new Error('expected a throw');
      } catch (err: unknown) {
        expect((err as Error).message).not.toContain('topsecret');
      }
    }
  });

  it('hides secrets when printed or serialised', () => {
    const ring = parseKeyRing('HUB_X_KEYS', 'k1:topsecret:hmac-sha256');
    expect(JSON.stringify(ring)).not.toContain('topsecret');
    expect(inspect(ring)).not.toContain('topsecret');
    expect(String(ring)).toBe('KeyRing(HUB_X_KEYS: k1/hmac-sha256)');
  });

  it('KeyRing refuses duplicate ids', () => {
    expect(
      () =>
        new KeyRing([
          { keyId: 'a', secret: 'x', algorithm: 'hmac-sha256' },
          { keyId: 'a', secret: 'y', algorithm: 'hmac-sha256' },
        ]),
    ).toThrow(/appears twice/);
  });
});
