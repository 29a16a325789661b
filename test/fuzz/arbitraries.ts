/**
 * Hostile input for the fuzzing suite (docs/security.md "Fuzzing"): what an attacker or a broken
 * upstream can send. Two families:
 * - invalid by construction (`invalidBody`): every case must answer 4xx and store nothing;
 * - valid but nasty (`nastyText` in free-text fields): must never answer 5xx, and what is stored
 *   must be what was sent.
 */
import fc from 'fast-check';

/** Seed and cases per endpoint in CI; override with HUB_FUZZ_SEED / HUB_FUZZ_RUNS. */
export const FUZZ_SEED = Number(process.env.HUB_FUZZ_SEED ?? 20261122);
export const FUZZ_RUNS = Number(process.env.HUB_FUZZ_RUNS ?? 300);

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE tickets; --",
  '"; DELETE FROM users; --',
  "1); SELECT pg_sleep(5); --",
  '$1',
  '\\x00',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(document.cookie)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}<%= 7*7 %>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '..%252f..%252f',
  '\u0000',
  'a\u0000b',
  '\u202eevil\u202c',
  '\ud800',
  'x\udfffy',
  '\ufeff\u200b\u200d',
  '😀👨‍👩‍👧‍👦',
  '\r\nX-Injected: 1',
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  'NaN',
  '1e309',
  '-0',
  '０１２３４５６７８９',
  'İıſK',
  'ＳＥＬＥＣＴ',
  '\t \n ',
];

const controlChars = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 20 }).map((cs) => String.fromCharCode(...cs));
const loneSurrogates = fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 }).map((cs) => `a${String.fromCharCode(...cs)}b`);

/** Strings an attacker would try. */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  controlChars,
  loneSurrogates,
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 10 }), fc.constantFrom(...INJECTIONS)).map(([a, b, c]) => a + b + c),
);

/** Anything that is not a string (for string fields) — null and "" excluded: they mean "absent". */
const notString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));
const notBoolean = fc.oneof(fc.constantFrom('true', 'false', '1', 'yes'), fc.integer(), fc.array(fc.boolean(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.boolean(), { maxKeys: 2 }));
const notObject = fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.boolean(), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }));
const notArray = fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.boolean(), fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }));

export type FieldKind =
  | { kind: 'text'; max: number; required: boolean }
  | { kind: 'enum'; values: readonly string[]; required: boolean }
  | { kind: 'format'; required: boolean }
  | { kind: 'bool'; required: boolean }
  | { kind: 'object'; required: boolean }
  | { kind: 'array'; max: number; required: boolean }
  | { kind: 'int'; min: number; max: number; required: boolean };

/** The fields of a template and what makes each invalid. */
export type Schema = Record<string, FieldKind>;

/** A value that breaks the field, whatever else the body holds. */
function invalidFor(f: FieldKind): fc.Arbitrary<unknown> {
  const absent = f.required ? [fc.constant(null), fc.constant(undefined)] : [];
  switch (f.kind) {
    case 'text':
      return fc.oneof(
        notString,
        fc.integer({ min: f.max + 1, max: Math.min(f.max * 4 + 10, 200_000) }).map((n) => 'x'.repeat(n)),
        ...(f.required ? [fc.constantFrom('   ', '\t\n'), ...absent] : []),
      );
    case 'enum':
      return fc.oneof(notString, nastyText.filter((s) => s !== '' && !f.values.includes(s)), ...absent);
    case 'format':
      // dates, region codes, phones, ids, hashes, URLs: no attacker string is a valid one
      return fc.oneof(notString, fc.constantFrom(...INJECTIONS.filter((s) => s.trim() !== '')), ...absent);
    case 'bool':
      return fc.oneof(notBoolean, ...absent);
    case 'object':
      return fc.oneof(notObject, ...absent);
    case 'array':
      return fc.oneof(notArray, fc.constant(Array.from({ length: f.max + 1 }, () => ({}))));
    case 'int':
      return fc.oneof(
        fc.integer({ min: f.max + 1 }),
        fc.integer({ max: f.min - 1 }),
        fc.double({ noInteger: true, noNaN: true }),
        fc.constantFrom(String(f.min), `${f.max}`, 'NaN'),
        fc.boolean(),
        ...absent,
      );
  }
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = path.split('.');
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

function deep(depth: number, kind: 'array' | 'object'): string {
  // Built as text: JSON.stringify of such a value would overflow the test's own stack.
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export interface HostileBody {
  what: string;
  /** sent as is (already serialised) */
  raw: string;
}

/** A counterexample prints as what it is and its size, not as a megabyte of JSON. */
export function hostile(what: string, raw: string): HostileBody {
  return Object.assign({ what, raw }, { [fc.toStringMethod]: () => `${what} (${raw.length} chars: ${JSON.stringify(raw.slice(0, 160))}${raw.length > 160 ? '…' : ''})` });
}

/**
 * Bodies that must be refused with 4xx: not JSON, not an object, one field broken (wrong type,
 * too long, blank, out of range, attacker strings in formatted fields), deep nesting, huge arrays,
 * huge strings up to just under 1 MiB, prototype-pollution keys on a broken body.
 */
export function invalidBody(template: () => Record<string, unknown>, schema: Schema): fc.Arbitrary<HostileBody> {
  const fields = Object.keys(schema);
  const oneBroken = fc
    .constantFrom(...fields)
    .chain((path) => invalidFor(schema[path]).map((v) => ({ path, v })))
    .map(({ path, v }) => {
      const body = setPath(template(), path, v);
      return hostile(`${path} = ${preview(v)}`, JSON.stringify(body));
    });
  const notJson = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 200 }).filter((s) => !parses(s)),
      fc.constantFrom('{', '{"a":', '[1,2', '{"a" 1}', "{'a': 1}", '{"a":1,}', 'NaN', 'undefined', '\u0000', '{"a":"\\x41"}', '{"a":"\\ud800"', ')]}\'\n{}'),
      fc.nat({ max: 2000 }).map((n) => JSON.stringify(template()).slice(0, n)).filter((s) => !parses(s)),
    )
    .map((raw) => hostile('not JSON', raw));
  const notAnObject = fc
    .oneof(fc.constant('null'), fc.constant('[]'), fc.integer().map(String), fc.string().map((s) => JSON.stringify(s)), fc.constant('true'), fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }).map((a) => JSON.stringify(a)))
    .map((raw) => hostile('not an object', raw));
  const deepNest = fc
    .tuple(fc.integer({ min: 50, max: 100_000 }), fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>, fc.constantFrom(...fields.filter((f) => !f.includes('.'))))
    .map(([depth, kind, field]) => {
      const body = JSON.stringify(template());
      const key = JSON.stringify(field);
      // the nested value replaces one top-level field (an object or array where the field is something else)
      const withoutField = JSON.parse(body) as Record<string, unknown>;
      delete withoutField[field];
      const rest = JSON.stringify(withoutField).slice(1);
      return hostile(`${field} nested ${depth} deep (${kind})`, `{${key}:${deep(depth, kind)}${rest === '}' ? '}' : `,${rest}`}`);
    })
    .filter((b) => b.raw.length < 1024 * 1024);
  // A huge array where an array is expected (over its maximum), else in place of a required field.
  const arrayField = fields.find((f) => schema[f].kind === 'array') ?? fields.find((f) => schema[f].required && !f.includes('.')) ?? fields[0];
  const hugeArray = fc.integer({ min: 1000, max: 150_000 }).map((n) => hostile(`${arrayField} with ${n} items`, JSON.stringify(setPath(template(), arrayField, Array.from({ length: n }, (_, i) => i)))));
  const hugeString = fc.integer({ min: 64 * 1024, max: 1024 * 1024 - 4096 }).map((n) => {
    const textField = fields.find((f) => !f.includes('.') && schema[f].kind === 'text' && schema[f].required) ?? fields[0];
    const body = setPath(template(), textField, '');
    const raw = JSON.stringify(body).replace(`"${textField.split('.').pop()}":""`, `"${textField.split('.').pop()}":"${'字'.repeat(Math.floor((n - 200) / 3))}"`);
    return hostile(`${textField} of ~${n} bytes`, raw);
  });
  const polluted = oneBroken.map((b) => hostile(`${b.what} + __proto__`, b.raw.replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},')));
  return fc.oneof(
    { arbitrary: oneBroken, weight: 12 },
    { arbitrary: notJson, weight: 3 },
    { arbitrary: notAnObject, weight: 2 },
    { arbitrary: polluted, weight: 2 },
    { arbitrary: deepNest, weight: 1 },
    { arbitrary: hugeArray, weight: 1 },
    { arbitrary: hugeString, weight: 1 },
  );
}

/** Path segments that try to escape their route or break the id parser. */
export const pathTrick: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..',
    '../..',
    '%2e%2e',
    '%2e%2e%2f%2e%2e',
    '..%2f..%2fauth%2fusers',
    '%252e%252e',
    '%00',
    'a%00b',
    '%0d%0aX-Injected:%201',
    '%ff%fe',
    '%',
    '%zz',
    "'%20OR%20'1'%3D'1",
    '%3Cscript%3E',
    '1;DROP%20TABLE%20tickets',
    '-1',
    '0',
    '99999999999999999999999999',
    '1e3',
    '00000000-0000-0000-0000-000000000000',
    '00000000-0000-4000-8000-00000000000g',
    'uk_AAAAAAAAAAAAAAAA',
    '%E4%B8%AD%E6%96%87',
    '%F0%9F%98%80',
  ),
  fc.integer({ min: 65, max: 4000 }).map((n) => 'a'.repeat(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
);

/** Query strings: repeated keys, arrays, prototype keys, encodings. */
export const queryTrick: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?__proto__[x]=1', '?constructor[prototype][x]=1', '?limit=-1', '?limit=1e9', '?limit=abc', '?state=%00', '?cursor=..%2f', '?a=1&a=2&a=3', '?version=1;DROP', '?days=99999999999', '?from=%27', '?unitCode=../x'),
  fc.array(fc.tuple(fc.constantFrom('limit', 'cursor', 'state', 'version', 'from', 'to', 'days', 'status', 'after', 'unitCode', 'target', 'source'), pathTrick), { minLength: 1, maxLength: 4 }).map(
    (kv) => `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}`,
  ),
);

export function preview(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s;
}

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
