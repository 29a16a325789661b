import { apiSecretMatches, newApiKey, parseApiKey } from './api-key.util';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.util';

describe('passwords (scrypt, parameters in the hash)', () => {
  it('hash carries algorithm, parameters and a per-user salt; verifies only the right password', async () => {
    const h1 = await hashPassword('correct horse battery staple');
    const h2 = await hashPassword('correct horse battery staple');
    expect(h1).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse battery staple', h1)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', h1)).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$3$8$1$AA==$AA==')).toBe(false);
    expect(await burnPasswordCheck('anything')).toBe(false);
  }, 30_000);
});

describe('API keys', () => {
  it('<keyId>.<secret>; only a hash is needed to check it', () => {
    const k = newApiKey();
    expect(k.apiKey).toBe(`${k.keyId}.${k.secret}`);
    expect(parseApiKey(k.apiKey)).toEqual({ keyId: k.keyId, secret: k.secret });
    expect(apiSecretMatches(k.secret, k.secretHash)).toBe(true);
    expect(apiSecretMatches(newApiKey().secret, k.secretHash)).toBe(false);
    expect(apiSecretMatches(k.secret, 'garbage')).toBe(false);
    for (const bad of ['', k.keyId, `${k.keyId}.`, `${k.keyId}.${k.secret}x`, `../${k.apiKey}`, `${k.apiKey}\u0000`]) expect(parseApiKey(bad)).toBeUndefined();
  });
});
