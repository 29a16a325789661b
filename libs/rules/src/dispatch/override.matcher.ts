import type { CompiledDirectory, CompiledOverride } from '../directory';
import type { RoutingInput } from './dispatch.types';

/** True when every condition of the override holds for the ticket. */
export function overrideMatches(o: CompiledOverride, t: RoutingInput): boolean {
  if (o.conditions.length === 0) return false;
  if (o.categoryCode !== undefined && o.categoryCode !== t.categoryCode) return false;
  if (o.serviceItemCode !== undefined && o.serviceItemCode !== t.serviceItemCode) return false;
  if (o.source !== undefined && o.source !== t.source) return false;
  if (o.regionPrefix !== undefined) {
    const region = t.location?.regionCode;
    if (region === undefined || !region.startsWith(o.regionPrefix)) return false;
  }
  if (o.keywords !== undefined && !mentionsAny(t.title, t.content, o.keywords)) return false;
  return true;
}

/** Any keyword in the title or in the content (tested separately: never across their seam). */
export function mentionsAny(title: string, content: string, keywords: readonly string[]): boolean {
  for (const k of keywords) {
    if (k !== '' && (title.includes(k) || content.includes(k))) return true;
  }
  return false;
}

/**
 * The first override, in try order, whose conditions all hold. Only the buckets the ticket can
 * fall in are scanned; each is in rank order, so its first match is its best, and the best of
 * those wins.
 */
export function findOverride(t: RoutingInput, dir: CompiledDirectory): CompiledOverride | undefined {
  const index = dir.overrideIndex;
  let best: CompiledOverride | undefined;
  const scan = (list: readonly CompiledOverride[] | undefined): void => {
    if (!list) return;
    for (const o of list) {
      if (best !== undefined && o.rank >= best.rank) return;
      if (overrideMatches(o, t)) {
        best = o;
        return;
      }
    }
  };
  if (t.categoryCode !== undefined) scan(index.byCategory.get(t.categoryCode));
  if (t.serviceItemCode !== undefined) scan(index.byServiceItem.get(t.serviceItemCode));
  const region = t.location?.regionCode;
  if (region !== undefined) {
    for (const length of index.regionPrefixLengths) {
      if (length > region.length) break;
      scan(index.byRegionPrefix.get(region.slice(0, length)));
    }
  }
  scan(index.unkeyed);
  return best;
}
