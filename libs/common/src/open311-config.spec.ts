import { ConfigError, loadConfig as load } from './config';
import { generateSecrets } from './secrets';

// the secrets have no default in the source (docs/security.md#secrets)
const secrets = generateSecrets();
const loadConfig = (env: Record<string, string>) => load({ ...secrets, ...env });

describe('HUB_OPEN311_KEYS and the Open311 settings', () => {
  it('takes a comma-separated list of keys of at least 24 characters', () => {
    const c = loadConfig({ HUB_OPEN311_KEYS: ' abcdefghijklmnopqrstuvwx , ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 ' });
    expect(c.open311.fixedKeys).toEqual(['abcdefghijklmnopqrstuvwx', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123']);
    expect(c.open311.idempotencyMinutes).toBe(10);
    expect(loadConfig({}).open311.fixedKeys).toEqual([]);
  });

  it('stops the boot on a short, spaced or repeated key, naming the variable', () => {
    for (const keys of ['short-key', 'abcdefghijklmnopqrstuvwx yz', 'abcdefghijklmnopqrstuvwx,abcdefghijklmnopqrstuvwx']) {
      expect(() => loadConfig({ HUB_OPEN311_KEYS: keys })).toThrow(ConfigError);
      expect(() => loadConfig({ HUB_OPEN311_KEYS: keys })).toThrow(/^HUB_OPEN311_KEYS: /);
    }
    expect(() => loadConfig({ HUB_OPEN311_IDEMPOTENCY_MINUTES: '0' })).toThrow(/HUB_OPEN311_IDEMPOTENCY_MINUTES/);
  });

  it('has per-key and per-address budgets, 0 switching one off', () => {
    const c = loadConfig({ HUB_RATE_LIMIT_OPEN311_PER_MIN: '0', HUB_RATE_LIMIT_OPEN311_READ_PER_MIN: '50' });
    expect([c.security.rateLimit.open311PerMin, c.security.rateLimit.open311ReadPerMin]).toEqual([0, 50]);
  });
});
