import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Attachment URLs come from upstream systems (docs/contracts.md#hotline-orders `attachments[].url`, docs/contracts.md#national-messages `sealedDocument`)
 * and are, to the hub, attacker-controlled text, and so are units' endpoints in a directory (checked
 * by unit-endpoint.policy.ts). The hub does not fetch attachments today (it stores
 * the URL and passes it on). Any future fetch must first pass `checkOutboundUrl` and then connect
 * only to the addresses it returned (pinning them defeats DNS rebinding), so that a ticket cannot
 * make the hub reach its own network (SSRF): loopback, private ranges, link-local (cloud metadata
 * 169.254.169.254), carrier-grade NAT, multicast and reserved ranges, in any spelling (decimal,
 * hex or octal IPv4, IPv4-mapped and NAT64 IPv6) or behind any DNS name.
 */
export type OutboundUrlVerdict = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export interface OutboundUrlOptions {
  /** allow http: as well as https: (default false) */
  allowHttp?: boolean;
  /** ports allowed besides the protocol's default (default none) */
  allowedPorts?: number[];
  /** any port (units' systems run where they like); default: the protocol's port and allowedPorts */
  anyPort?: boolean;
  /** addresses the installation allows although they are private, loopback… (an allow-list) */
  allowAddress?: (address: string) => boolean;
  /** DNS resolution (tests inject one); default: the system resolver, every address */
  resolve?: (hostname: string) => Promise<string[]>;
}

const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /\.home\.arpa$/, /^metadata$/, /^instance-data$/];

// [first address, prefix length, why]
const V4_BLOCKS: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved / broadcast'],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function v4Blocked(ip: string): string | undefined {
  const n = v4ToInt(ip);
  for (const [base, bits, why] of V4_BLOCKS) {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base);
    if (n >= start && n < start + size) return why;
  }
  return undefined;
}

/** 8 groups of 16 bits, or undefined if not an IPv6 address. */
function v6Groups(ip: string): number[] | undefined {
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // a.b.c.d at the end is the last 32 bits: rewrite as two hex groups.
    if (isIP(maybeV4) !== 4) return undefined;
    const n = v4ToInt(maybeV4);
    s = `${s.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function v6Blocked(ip: string): string | undefined {
  const g = v6Groups(ip);
  if (!g) return 'not an IP address';
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  const embedded = (): string => `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): judge the IPv4 inside.
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4Blocked(embedded()) ?? (g[5] === 0 ? 'IPv4-compatible' : undefined);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Blocked(embedded()) ?? undefined;
  if (g[0] === 0x2002) return '6to4';
  if (g[0] === 0x2001 && g[1] === 0) return 'Teredo';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'documentation';
  if (g[0] === 0x100 && zeros(1, 4)) return 'discard';
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** Why an address may not be reached from the hub, or undefined if it is a public address. */
export function forbiddenAddressReason(address: string): string | undefined {
  const kind = isIP(address.replace(/^\[|\]$/g, ''));
  const ip = address.replace(/^\[|\]$/g, '');
  if (kind === 4) return v4Blocked(ip);
  if (kind === 6) return v6Blocked(ip);
  return 'not an IP address';
}

export const systemResolve = async (hostname: string): Promise<string[]> => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Why `address` may not be reached under `opts`, or undefined. */
export function refusedAddress(address: string, opts: Pick<OutboundUrlOptions, 'allowAddress'> = {}): string | undefined {
  const why = forbiddenAddressReason(address);
  return why === undefined || opts.allowAddress?.(address.replace(/^\[|\]$/g, '')) ? undefined : why;
}

/**
 * What can be judged without DNS: the URL's form, protocol, credentials, port, a literal address
 * and internal names. `host` is the name still to resolve (undefined when the URL names an address).
 */
export function checkOutboundUrlForm(
  raw: string,
  opts: OutboundUrlOptions = {},
): { ok: true; url: URL; host?: string; addresses: string[] } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.length > 2048) return { ok: false, reason: 'URL missing or longer than 2048 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && !(opts.allowHttp && url.protocol === 'http:')) return { ok: false, reason: `protocol ${url.protocol} not allowed` };
  if (url.username || url.password) return { ok: false, reason: 'credentials in URLs are not allowed' };
  if (url.port !== '' && !opts.anyPort && !(opts.allowedPorts ?? []).includes(Number(url.port))) return { ok: false, reason: `port ${url.port} not allowed` };
  // The WHATWG parser has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (host === '') return { ok: false, reason: 'no host' };
  if (isIP(host)) {
    const why = refusedAddress(host, opts);
    return why ? { ok: false, reason: `address ${host} is ${why}` } : { ok: true, url, addresses: [host] };
  }
  if (BLOCKED_NAMES.some((re) => re.test(host))) return { ok: false, reason: `host ${host} is internal` };
  return { ok: true, url, host, addresses: [] };
}

export async function checkOutboundUrl(raw: string, opts: OutboundUrlOptions = {}): Promise<OutboundUrlVerdict> {
  const form = checkOutboundUrlForm(raw, opts);
  if (!form.ok) return form;
  const { url, host } = form;
  if (host === undefined) return { ok: true, url, addresses: form.addresses };
  let addresses: string[];
  try {
    addresses = await (opts.resolve ?? systemResolve)(host);
  } catch {
    return { ok: false, reason: `host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  // Every address must be public: a name with one private address among public ones is refused.
  for (const a of addresses) {
    const why = refusedAddress(a, opts);
    if (why) return { ok: false, reason: `host ${host} resolves to ${a} (${why})` };
  }
  return { ok: true, url, addresses };
}
