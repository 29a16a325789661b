import { ConfigError, trustProxySetting } from './config';

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
