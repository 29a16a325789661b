/**
 * GB/T 2260 region codes as the hub uses them: 6 digits for a province, city or district
 * (310000 上海市, 310115 浦东新区), extended to 9 digits for a street or town (街道/镇) and to
 * 12 digits below that (statistical division codes). The first 6 digits of a longer code are
 * always the district that contains it, which is what 属地管理 (Yunnan Measures Art. 5) needs.
 */
const REGION_CODE = /^[0-9]{6}(?:[0-9]{3}){0,2}$/;

export function isRegionCode(code: string): boolean {
  return REGION_CODE.test(code);
}

/** The 6-digit code that contains `code` (itself when it has 6 digits); undefined when malformed. */
export function sixDigitPrefix(code: string): string | undefined {
  return REGION_CODE.test(code) ? code.slice(0, 6) : undefined;
}

/**
 * The part of a code that its sub-regions share: a 6-digit code drops its trailing "00" pairs
 * (310000 → "31", 310100 → "3101", 310115 → "310115"); 9- and 12-digit codes are used whole.
 * A region is inside its parent when its code starts with this prefix.
 */
export function significantPrefix(code: string): string {
  if (code.length !== 6) return code;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** True when `child` is a different, more specific code inside `parent`. */
export function isInsideRegion(child: string, parent: string): boolean {
  return child !== parent && child.length >= parent.length && child.startsWith(significantPrefix(parent));
}
