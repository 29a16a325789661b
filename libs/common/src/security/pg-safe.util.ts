/**
 * PostgreSQL cannot hold U+0000 in text or jsonb, nor an unpaired UTF-16 surrogate in jsonb
 * (22021 / 22P05). Either, arriving from outside, would make a statement fail every time: a 500 an
 * upstream retries forever. Neither carries meaning in a complaint, so both become U+FFFD.
 * JSON.stringify escapes a surrogate only when it is unpaired; an escaped backslash before "u0000"
 * is text and is left alone.
 */
const UNSAFE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

export function pgSafe<T>(value: T): T {
  if (value === undefined) return value;
  const json = JSON.stringify(value);
  if (json === undefined || !/\\u(?:0000|d[89a-f])/.test(json)) return value;
  return JSON.parse(json.replace(UNSAFE_ESCAPE, '$1\\ufffd')) as T;
}

/** Same for one string (ids in paths). */
export function pgSafeText(s: string): string {
  return s.replaceAll('\u0000', '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
