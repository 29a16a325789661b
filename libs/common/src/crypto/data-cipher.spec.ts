import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DataCipher, DataKeyError, parseDataKeys } from './data-cipher';
import { DataProtection, UNREADABLE } from './data-protection';
import { SearchHasher, normalizePhone } from './search-hash';

const key = (): string => randomBytes(32).toString('base64');
const A = `ka:${key()}`;
const B = `kb:${key()}`;

describe('DataCipher', () => {
  it.each(['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const)('%s: round trip of any text, fresh IV every time', (alg) => {
    const c = new DataCipher(parseDataKeys('K', A), alg);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (plain, ctx) => {
        const t1 = c.encrypt(plain, ctx);
        const t2 = c.encrypt(plain, ctx);
        expect(t1).not.toBe(t2);
        expect(t1).not.toContain(plain.length > 3 ? plain : '\u0000never');
        expect(c.decrypt(t1, ctx)).toBe(plain);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('the token names version, algorithm and key id', () => {
    expect(new DataCipher(parseDataKeys('K', A)).encrypt('13900001234', 'x')).toMatch(/^enc:v1:a256gcm:ka:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(new DataCipher(parseDataKeys('K', A), 'sm4-ctr-hmac-sm3').encrypt('13900001234', 'x')).toMatch(/^enc:v1:sm4ctr:ka:/);
  });

  it.each(['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const)('%s: another context, a flipped bit or a forged header does not decrypt', (alg) => {
    const c = new DataCipher(parseDataKeys('K', A), alg);
    const t = c.encrypt('310101199001011234', 'tickets.citizen:1.idNumber');
    expect(() => c.decrypt(t, 'tickets.citizen:2.idNumber')).toThrow(DataKeyError);
    const parts = t.split(':');
    const ct = Buffer.from(parts[5], 'base64url');
    ct[0] ^= 1;
    parts[5] = ct.toString('base64url');
    expect(() => c.decrypt(parts.join(':'), 'tickets.citizen:1.idNumber')).toThrow(DataKeyError);
    expect(() => c.decrypt('enc:v1:a256gcm:ka:AAAA:AAAA:AAAA', 'x')).toThrow(DataKeyError);
    expect(() => c.decrypt('enc:v1:zzz:ka:AAAA:AAAA:AAAA', 'x')).toThrow(DataKeyError);
    expect(() => c.decrypt('not a token', 'x')).toThrow(DataKeyError);
  });

  it('rotation: the first key encrypts, every key decrypts; a removed key is missed loudly', () => {
    const old = new DataCipher(parseDataKeys('K', A));
    const t = old.encrypt('张三', 'c');
    const both = new DataCipher(parseDataKeys('K', `${B},${A}`));
    expect(both.decrypt(t, 'c')).toBe('张三');
    expect(DataCipher.keyIdOf(both.encrypt('张三', 'c'))).toBe('kb');
    expect(() => new DataCipher(parseDataKeys('K', B)).decrypt(t, 'c')).toThrow(/data key "ka" is not configured/);
  });

  it('an SM4 token is readable by a ring configured for AES (the token says its algorithm)', () => {
    const t = new DataCipher(parseDataKeys('K', A), 'sm4-ctr-hmac-sm3').encrypt('x', 'c');
    expect(new DataCipher(parseDataKeys('K', A), 'aes-256-gcm').decrypt(t, 'c')).toBe('x');
  });

  it('bad key configuration is refused with the key id, never the key', () => {
    const k = key();
    expect(() => parseDataKeys('HUB_DATA_KEYS', '')).toThrow(/at least one key/);
    expect(() => parseDataKeys('HUB_DATA_KEYS', `a:${Buffer.alloc(16).toString('base64')}`)).toThrow(/key "a" must be 32 bytes/);
    expect(() => parseDataKeys('HUB_DATA_KEYS', `a:${k},a:${key()}`)).toThrow(/appears twice/);
    expect(() => parseDataKeys('HUB_DATA_KEYS', `a/b:${k}`)).toThrow(/key id/);
    try {
      parseDataKeys('HUB_DATA_KEYS', `a:${k.slice(0, 20)}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(k.slice(0, 20));
    }
    expect(JSON.stringify(parseDataKeys('K', `a:${k}`))).toBe('{"keys":["a"]}');
  });
});

describe('DataProtection', () => {
  const dp = new DataProtection(new DataCipher(parseDataKeys('K', A)), new SearchHasher(randomBytes(32)));

  it('seals name, phone and idNumber only; flags and idType stay readable', () => {
    const c = { name: '张三', phone: '13900001234', idType: 'id_card', idNumber: '310101199001011234', anonymous: false, confidential: true };
    const s = dp.sealPerson(c, 'ctx');
    expect(s).toMatchObject({ idType: 'id_card', anonymous: false, confidential: true });
    expect(JSON.stringify(s)).not.toMatch(/张三|13900001234|310101199001011234/);
    expect(dp.openPerson(s, 'ctx')).toEqual(c);
    // a value shaped like a token is still a citizen's value: sealed again, read back as sent
    const twice = dp.sealPerson(s, 'ctx');
    expect(twice.name).not.toBe(s.name);
    expect(dp.openPerson(twice, 'ctx')).toEqual(s);
  });

  it('a value that does not decrypt reads masked, never throws', () => {
    const poisoned = { name: 'enc:v1:a256gcm:zz:A:B:C', phone: 'enc:v1:a256gcm:ka:AAAA:BBBB:CCCC', idNumber: '310101199001011234' };
    expect(dp.openPerson(poisoned, 'ctx')).toEqual({ name: UNREADABLE, phone: UNREADABLE, idNumber: '310101199001011234' });
    const moved = dp.sealPerson({ name: '张三' }, 'ctx-a');
    expect(dp.openPerson(moved, 'ctx-b')).toEqual({ name: UNREADABLE });
  });

  it('raw payloads: every person object is sealed, the rest untouched', () => {
    const raw = { orderNo: 'A1', citizen: { phone: '13900001234' }, applicant: { name: '李四' }, submitter: { idNumber: 'X' }, extra: { phone: 'kept: not a person' } };
    const s = dp.sealPayload(raw, 'p') as typeof raw;
    expect(s.extra).toEqual(raw.extra);
    expect(JSON.stringify(s)).not.toMatch(/13900001234|李四/);
    expect(dp.openPayload(s, 'p')).toEqual(raw);
    expect(dp.sealPayload([1, 2], 'p')).toEqual([1, 2]);
    expect(dp.sealPayload(null, 'p')).toBeNull();
  });

  it('keyed search hashes: one per number whatever its spelling; another key gives other hashes', () => {
    expect(dp.hashes({ phone: '+86 139-0000-1234' }).phoneHash).toBe(dp.hashes({ phone: '13900001234' }).phoneHash);
    expect(dp.hashes({ idNumber: '31010119900101123x' }).idHash).toBe(dp.hashes({ idNumber: '31010119900101123X' }).idHash);
    const other = new DataProtection(dp.cipher, new SearchHasher(randomBytes(32)));
    expect(other.hashes({ phone: '13900001234' }).phoneHash).not.toBe(dp.hashes({ phone: '13900001234' }).phoneHash);
    expect(dp.hashes({})).toEqual({ phoneHash: null, idHash: null });
    expect(normalizePhone('0086 13900001234')).toBe('13900001234');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
  });
});
