import { parseKeyRing, unitKeyRing, type KeyRing } from '@hub/connectors/signing';

/**
 * How a fake unit system verifies the hub: with its own key, derived from the hub's HUB_UNITS_KEYS
 * for its unit code (docs/contracts.md#unit-systems "Signatures"). A fake serving several units
 * under `/<unit code>/…` picks the unit from the path; other paths are `codes[0]`'s.
 */
export function unitSystemKeys(unitsKeys: string, codes: readonly string[]): (pathname: string) => KeyRing {
  const master = parseKeyRing('HUB_UNITS_KEYS', unitsKeys);
  const rings = new Map(codes.map((c) => [c, unitKeyRing(master, c)]));
  return (pathname) => rings.get(decodeURIComponent(pathname.split('/')[1] ?? '')) ?? rings.get(codes[0])!;
}
