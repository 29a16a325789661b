import { checkOutboundUrl, forbiddenAddressReason } from './outbound-url.util';

const resolveTo =
  (...addresses: string[]) =>
  async (): Promise<string[]> =>
    addresses;

describe('outbound URLs (attachment fetches): no SSRF into the hub\'s own network', () => {
  it.each([
    'https://127.0.0.1/a.pdf',
    'https://127.1/a.pdf',
    'https://2130706433/a.pdf',
    'https://0x7f000001/a.pdf',
    'https://0x7f.0.0.1/a.pdf',
    'https://0177.0.0.1/a.pdf',
    'https://0/a.pdf',
    'https://10.1.2.3/a.pdf',
    'https://172.16.0.1/a.pdf',
    'https://172.31.255.255/a.pdf',
    'https://192.168.1.1/a.pdf',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/a.pdf',
    'https://224.0.0.1/a.pdf',
    'https://255.255.255.255/a.pdf',
    'https://[::1]/a.pdf',
    'https://[::]/a.pdf',
    'https://[::ffff:127.0.0.1]/a.pdf',
    'https://[::ffff:7f00:1]/a.pdf',
    'https://[::ffff:a9fe:a9fe]/a.pdf',
    'https://[64:ff9b::10.0.0.1]/a.pdf',
    'https://[fe80::1]/a.pdf',
    'https://[fc00::1]/a.pdf',
    'https://[fd00:ec2::254]/a.pdf',
    'https://[ff02::1]/a.pdf',
    'https://[2002:7f00:1::]/a.pdf',
    'https://localhost/a.pdf',
    'https://LOCALHOST./a.pdf',
    'https://foo.localhost/a.pdf',
    'https://metadata.google.internal/computeMetadata/v1/',
    'http://example.org/a.pdf',
    'file:///etc/passwd',
    'gopher://example.org/',
    'https://user:pw@example.org/a.pdf',
    'https://example.org:8080/a.pdf',
    'not a url',
    '//example.org/a.pdf',
  ])('refuses %s', async (url) => {
    const v = await checkOutboundUrl(url, { resolve: resolveTo('93.184.216.34') });
    expect(v.ok).toBe(false);
  });

  it.each([
    ['a public IPv4', 'https://93.184.216.34/a.pdf'],
    ['a public IPv6', 'https://[2606:2800:220:1:248:1893:25c8:1946]/a.pdf'],
    ['a name resolving to public addresses', 'https://files.example.org/a.pdf'],
  ])('allows %s', async (_what, url) => {
    const v = await checkOutboundUrl(url, { resolve: resolveTo('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946') });
    expect(v).toMatchObject({ ok: true });
  });

  it.each([['127.0.0.1'], ['10.0.0.7'], ['169.254.169.254'], ['::1'], ['fd12::1'], ['::ffff:192.168.0.1']])(
    'refuses a name that resolves to %s (even next to a public address)',
    async (addr) => {
      const v = await checkOutboundUrl('https://evil.example.org/a.pdf', { resolve: resolveTo('93.184.216.34', addr) });
      expect(v).toMatchObject({ ok: false, reason: expect.stringContaining(addr) });
    },
  );

  it('a name that does not resolve is refused; the real resolver is used by default', async () => {
    expect(await checkOutboundUrl('https://x.invalid/a', { resolve: async () => Promise.reject(new Error('ENOTFOUND')) })).toMatchObject({ ok: false });
    expect(await checkOutboundUrl('https://localhost.invalid/a')).toMatchObject({ ok: false });
  });

  it('http and other ports only when asked for', async () => {
    expect(await checkOutboundUrl('http://93.184.216.34:8443/a', { allowHttp: true, allowedPorts: [8443] })).toMatchObject({ ok: true });
  });

  it('classifies addresses', () => {
    expect(forbiddenAddressReason('8.8.8.8')).toBeUndefined();
    expect(forbiddenAddressReason('169.254.169.254')).toMatch(/metadata/);
    expect(forbiddenAddressReason('::ffff:8.8.8.8')).toBeUndefined();
    expect(forbiddenAddressReason('nonsense')).toBe('not an IP address');
  });
});
