/**
 * Builds the URL of an outbound request from a configured base URL, which may carry a path prefix
 * (`https://gw.example.cn/12345` → `/12345/api/orders/...`). The result's `pathWithQuery` is exactly
 * the request target that goes on the wire, so it is what gets signed (docs/contracts.md#signed-requests).
 */
export interface TargetUrl {
  url: string;
  pathWithQuery: string;
}

export class InvalidTargetUrlError extends Error {
  override readonly name = 'InvalidTargetUrlError';
}

/** Checks a configured base URL: absolute http(s), no query or fragment (they would break the path). */
export function checkBaseUrl(baseUrl: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new InvalidTargetUrlError(`base URL "${baseUrl}" is not an absolute URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new InvalidTargetUrlError(`base URL "${baseUrl}" must be http or https`);
  }
  if (base.search !== '' || base.hash !== '') {
    throw new InvalidTargetUrlError(`base URL "${baseUrl}" must not have a query or fragment`);
  }
  if (base.username !== '' || base.password !== '') {
    throw new InvalidTargetUrlError('base URL must not carry credentials; requests are signed instead');
  }
  return base;
}

/**
 * @param segments path segments after the base; each is percent-encoded, so an upstream id with
 *   "/", "?" or "#" stays one segment. "", "." and ".." are refused: URL normalisation would drop
 *   or climb them and the request would reach another resource.
 * @param query appended in the given order; undefined values are left out
 */
export function buildTargetUrl(
  baseUrl: string,
  segments: readonly string[],
  query?: Readonly<Record<string, string | number | undefined>>,
): TargetUrl {
  const base = checkBaseUrl(baseUrl);
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw new InvalidTargetUrlError(`path segment "${s}" is not allowed`);
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  let target = `${prefix}/${segments.map(encodeURIComponent).join('/')}`;
  const pairs = Object.entries(query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
  if (pairs.length > 0) {
    target += `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
  }
  // Parse once more: the HTTP client sends pathname + search of the parsed URL, so sign exactly that.
  const parsed = new URL(target, base.origin);
  return { url: parsed.href, pathWithQuery: parsed.pathname + parsed.search };
}
