import { BlockList, isIP, type LookupFunction } from 'node:net';
import { checkOutboundUrl, checkOutboundUrlForm, refusedAddress, systemResolve, type OutboundUrlOptions, type OutboundUrlVerdict } from './outbound-url.util';

/**
 * Where the hub may send units' work orders (docs/security.md "Units' endpoints"): https to public
 * addresses, unless HUB_UNIT_ENDPOINTS_ALLOW allows plain http or names private ranges (a unit's
 * system on the government network, the tests' fakes on loopback). Checked at directory import
 * and again at every connection, on the address actually connected to (DNS rebinding).
 */
export interface UnitEndpointPolicy {
  allowHttp: boolean;
  /** addresses and CIDR ranges allowed although private, loopback or link-local */
  allowNets: string[];
}

/** Error code of a connection refused because its name resolved to an address not allowed. */
export const ADDRESS_REFUSED = 'ERR_ENDPOINT_ADDRESS_REFUSED';

const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

export function endpointCheckOptions(policy: UnitEndpointPolicy, resolve?: (hostname: string) => Promise<string[]>): OutboundUrlOptions {
  const allowed = new BlockList();
  for (const entry of policy.allowNets) {
    const [address, prefix] = entry.split('/');
    if (prefix === undefined) allowed.addAddress(address, family(address));
    else allowed.addSubnet(address, Number(prefix), family(address));
  }
  return {
    allowHttp: policy.allowHttp,
    // A unit's system listens where the unit runs it (8443 is common); the address is what is guarded.
    anyPort: true,
    allowAddress: policy.allowNets.length === 0 ? undefined : (ip) => allowed.check(ip, family(ip)),
    resolve,
  };
}

/** The whole check (form, then every address the name resolves to): at directory import. */
export function checkUnitEndpoint(url: string, policy: UnitEndpointPolicy, resolve?: (hostname: string) => Promise<string[]>): Promise<OutboundUrlVerdict> {
  return checkOutboundUrl(url, endpointCheckOptions(policy, resolve));
}

/** What can be judged without DNS (at send time the address is judged by `pinnedLookup`). */
export function checkUnitEndpointForm(url: string, policy: UnitEndpointPolicy): string | undefined {
  const form = checkOutboundUrlForm(url, endpointCheckOptions(policy));
  return form.ok ? undefined : form.reason;
}

/**
 * A `lookup` for the sockets of an http(s) agent: it resolves the name, refuses the connection if
 * any address is not allowed, and hands the socket the addresses it checked, so the hub connects
 * to exactly what it judged (a name that answers a public address to the check and a private one
 * to the connection cannot slip through). TLS still verifies the certificate against the name.
 */
export function pinnedLookup(policy: UnitEndpointPolicy, resolve: (hostname: string) => Promise<string[]> = systemResolve): LookupFunction {
  const opts = endpointCheckOptions(policy);
  return (hostname, options, callback) => {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const want = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    (isIP(bare) ? Promise.resolve([bare]) : resolve(bare))
      .then((all) => {
        const addresses = want === 0 ? all : all.filter((a) => isIP(a) === want);
        if (addresses.length === 0) throw Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
        for (const a of addresses) {
          const why = refusedAddress(a, opts);
          if (why) throw Object.assign(new Error(`${hostname} resolves to ${a} (${why})`), { code: ADDRESS_REFUSED });
        }
        if (options.all) callback(null, addresses.map((address) => ({ address, family: isIP(address) })));
        else callback(null, addresses[0], isIP(addresses[0]));
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}
