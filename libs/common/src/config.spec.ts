import { ConfigError, loadConfig, trustProxySetting, unitEndpointsAllow } from './config';

/** The secrets production requires, so that a case sets only what it is about. */
const base = { HUB_JWT_SECRET: 'j'.repeat(32), HUB_DATA_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`, HUB_SEARCH_KEY: Buffer.alloc(32, 2).toString('base64') };

describe('HUB_TRUST_PROXY (whose X-Forwarded-For is believed)', () => {
  it('believes no one by default, or when set to false', () => {
    expect(trustProxySetting({})).toBe(false);
    expect(trustProxySetting({ HUB_TRUST_PROXY: '' })).toBe(false);
    expect(trustProxySetting({ HUB_TRUST_PROXY: 'false' })).toBe(false);
  });

  it('takes true, a number of proxies, or addresses, ranges and the named ranges', () => {
    expect(trustProxySetting({ HUB_TRUST_PROXY: 'true' })).toBe(true);
    expect(trustProxySetting({ HUB_TRUST_PROXY: '2' })).toBe(2);
    expect(trustProxySetting({ HUB_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8,loopback' })).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback']);
  });

  it.each([
    ['0', /between 1 and 10/],
    ['11', /between 1 and 10/],
    ['proxy.internal', /"proxy.internal" is not an IP address or range/],
    ['10.0.0.0/33', /"10.0.0.0\/33" is not an IP address or range/],
    ['10.0.0.1,', /"" is not an IP address or range/],
    ['fd00::/129', /"fd00::\/129"/],
    ['10.0.0.0/8/1', /"10.0.0.0\/8\/1"/],
  ])('refuses %p, naming the variable', (value, message) => {
    let error: unknown;
    try {
      trustProxySetting({ HUB_TRUST_PROXY: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('HUB_TRUST_PROXY');
    expect((error as Error).message).toMatch(message);
  });
});

describe('shared HMAC secrets of the outside systems (HUB_*_KEYS)', () => {
  const failure = (env: Record<string, string>): ConfigError | undefined => {
    try {
      loadConfig({ ...base, ...env });
    } catch (e) {
      return e as ConfigError;
    }
    return undefined;
  };

  it.each(['HUB_HOTLINE_KEYS', 'HUB_YWTB_KEYS', 'HUB_NATIONAL_KEYS', 'HUB_UNITS_KEYS'])('%s: a secret under 32 bytes stops the start, naming the variable and the entry, never the secret', (name) => {
    const e = failure({ [name]: `k2:${'s'.repeat(32)}:hmac-sm3,k1:short-secret:hmac-sha256` });
    expect(e).toBeInstanceOf(ConfigError);
    expect(e!.variable).toBe(name);
    expect(e!.message).toMatch(/entry 2 of 2 \("k1:\*\*\*"\) has a secret of 12 bytes; at least 32 are required/);
    expect(e!.message).not.toContain('short-secret');
  });

  it('takes 32 bytes and more (UTF-8 bytes, not characters)', () => {
    expect(failure({ HUB_HOTLINE_KEYS: `k1:${'s'.repeat(32)}:hmac-sha256` })).toBeUndefined();
    expect(failure({ HUB_HOTLINE_KEYS: `k1:${'密'.repeat(11)}:hmac-sm3` })).toBeUndefined();
    expect(failure({ HUB_HOTLINE_KEYS: `k1:${'密'.repeat(10)}:hmac-sm3` })?.variable).toBe('HUB_HOTLINE_KEYS');
  });
});

describe('HUB_UNIT_ENDPOINTS_ALLOW', () => {
  it('takes http, addresses and CIDR ranges; nothing by default', () => {
    expect(unitEndpointsAllow({})).toEqual({ allowHttp: false, allowNets: [] });
    expect(unitEndpointsAllow({ HUB_UNIT_ENDPOINTS_ALLOW: 'http, 10.20.0.0/16,::1' })).toEqual({ allowHttp: true, allowNets: ['10.20.0.0/16', '::1'] });
  });
  it.each(['https', 'loopback', '10.0.0.0/40', 'unit.example.cn'])('refuses %p, naming the variable', (v) => {
    expect(() => unitEndpointsAllow({ HUB_UNIT_ENDPOINTS_ALLOW: v })).toThrow(/HUB_UNIT_ENDPOINTS_ALLOW/);
  });
});

describe('HUB_RELAY_LIFO_ABOVE (first offers LIFO only under a backlog)', () => {
  it('defaults to 1,000 waiting jobs and takes 0 (LIFO whenever a job waits) up to 10^9 (never)', () => {
    expect(loadConfig(base).delivery.lifoAboveWaiting).toBe(1000);
    expect(loadConfig({ ...base, HUB_RELAY_LIFO_ABOVE: '0' }).delivery.lifoAboveWaiting).toBe(0);
    expect(loadConfig({ ...base, HUB_RELAY_LIFO_ABOVE: '1000000000' }).delivery.lifoAboveWaiting).toBe(1e9);
  });
  it.each([
    ['-1', /between 0 and 1000000000/],
    ['1e3', /must be an integer/],
    ['many', /must be an integer/],
  ])('refuses %p, naming the variable', (v, message) => {
    expect(() => loadConfig({ ...base, HUB_RELAY_LIFO_ABOVE: v })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, HUB_RELAY_LIFO_ABOVE: v })).toThrow(message);
    expect(() => loadConfig({ ...base, HUB_RELAY_LIFO_ABOVE: v })).toThrow(/HUB_RELAY_LIFO_ABOVE/);
  });
});

describe('DATABASE_REPLICA_URL (a streaming replica for the office lists and reports)', () => {
  const failure = (env: Record<string, string>): ConfigError | undefined => {
    try {
      loadConfig({ ...base, ...env });
    } catch (e) {
      return e as ConfigError;
    }
    return undefined;
  };

  it('is optional: without it every read goes to the primary', () => {
    expect(loadConfig(base).replica).toBeUndefined();
  });

  it('takes a postgres URL with its lag limit and check interval (defaults 5000 and 1000 ms)', () => {
    expect(loadConfig({ ...base, DATABASE_REPLICA_URL: 'postgres://hub:pw@replica:5432/hub' }).replica).toEqual({ url: 'postgres://hub:pw@replica:5432/hub', maxLagMs: 5000, checkMs: 1000 });
    expect(loadConfig({ ...base, DATABASE_REPLICA_URL: 'postgresql://replica/hub', DATABASE_REPLICA_MAX_LAG_MS: '250', DATABASE_REPLICA_CHECK_MS: '100' }).replica).toMatchObject({ maxLagMs: 250, checkMs: 100 });
  });

  it.each([
    [{ DATABASE_REPLICA_URL: 'replica:5432/hub' }, 'DATABASE_REPLICA_URL', /must use postgres: or postgresql:/],
    [{ DATABASE_REPLICA_URL: 'postgres://hub:secret@replica:54x32/hub' }, 'DATABASE_REPLICA_URL', /is not a valid URL/],
    [{ DATABASE_REPLICA_URL: 'mysql://replica/hub' }, 'DATABASE_REPLICA_URL', /must use postgres: or postgresql:, got "mysql:"/],
    [{ DATABASE_REPLICA_URL: 'postgres://postgres@127.0.0.1:5432/hub' }, 'DATABASE_REPLICA_URL', /same server as DATABASE_URL/],
    [{ DATABASE_REPLICA_URL: 'postgres://replica/hub', DATABASE_REPLICA_MAX_LAG_MS: '5s' }, 'DATABASE_REPLICA_MAX_LAG_MS', /must be an integer/],
    [{ DATABASE_REPLICA_URL: 'postgres://replica/hub', DATABASE_REPLICA_CHECK_MS: '10' }, 'DATABASE_REPLICA_CHECK_MS', /between 50 and 60000/],
  ])('refuses %p at boot, naming the variable and never the password', (env, variable, message) => {
    const e = failure(env);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e!.variable).toBe(variable);
    expect(e!.message).toMatch(message);
    expect(e!.message).not.toContain('secret');
  });
});

describe('HUB_OUTBOX_RETENTION_DAYS (delivered outbox rows kept)', () => {
  it('defaults to 30 days; 0 keeps every row; at most 3650', () => {
    expect(loadConfig(base).delivery.retentionDays).toBe(30);
    expect(loadConfig({ ...base, HUB_OUTBOX_RETENTION_DAYS: '0' }).delivery.retentionDays).toBe(0);
    expect(loadConfig({ ...base, HUB_OUTBOX_RETENTION_DAYS: '3650' }).delivery.retentionDays).toBe(3650);
  });
  it.each([
    ['-1', /between 0 and 3650/],
    ['3651', /between 0 and 3650/],
    ['30d', /must be an integer/],
  ])('refuses %p, naming the variable', (v, message) => {
    expect(() => loadConfig({ ...base, HUB_OUTBOX_RETENTION_DAYS: v })).toThrow(message);
    expect(() => loadConfig({ ...base, HUB_OUTBOX_RETENTION_DAYS: v })).toThrow(/^HUB_OUTBOX_RETENTION_DAYS: /);
  });
});
