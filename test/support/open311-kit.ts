import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The GeoReport v2 schemas (test/fixtures/open311/README.md) compiled once. */
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const schema = (name: string): object => JSON.parse(readFileSync(join(__dirname, '../fixtures/open311', `${name}.json`), 'utf8')) as object;
for (const name of ['request', 'service', 'service-definition']) ajv.addSchema(schema(name), `${name}.json`);
const compile = (name: string): ValidateFunction => ajv.getSchema(`${name}.json`) ?? ajv.compile(schema(name));

export const schemas = {
  services: compile('services'),
  serviceDefinition: compile('service-definition'),
  requests: compile('requests'),
  updates: compile('fms-request-updates'),
  errors: compile('errors'),
};

/** Asserts `value` is valid, showing ajv's errors when it is not. */
export function expectValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  if (!ok) throw new Error(`schema violations: ${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(value).slice(0, 2000)}`);
}

const parser = new XMLParser({ ignoreDeclaration: false, parseTagValue: false });

/** Well-formed, starts with the spec's declaration; answers the parsed tree. */
export function parseXml(text: string): Record<string, unknown> {
  if (!text.startsWith('<?xml version="1.0" encoding="utf-8"?>')) throw new Error(`no XML declaration: ${text.slice(0, 80)}`);
  const v = XMLValidator.validate(text);
  if (v !== true) throw new Error(`not well-formed: ${JSON.stringify(v)}`);
  return parser.parse(text) as Record<string, unknown>;
}

/** Every element name below `node`, each once. */
export function elementNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => elementNames(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      into.add(k);
      elementNames(v, into);
    }
  }
  return into;
}

/** The spec's element names of each document (GeoReport v2 examples; FixMyStreet's updates). */
export const SPEC_ELEMENTS = {
  services: ['services', 'service', 'service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  service_definition: [
    'service_definition', 'service_code', 'attributes', 'attribute', 'variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values', 'value', 'key', 'name',
  ],
  service_requests: [
    'service_requests', 'request', 'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
    'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url', 'token', 'account_id',
  ],
  service_request_updates: ['service_request_updates', 'request_update', 'update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'],
  errors: ['errors', 'error', 'code', 'description'],
  discovery: ['discovery', 'changeset', 'contact', 'key_service', 'endpoints', 'endpoint', 'specification', 'url', 'type', 'formats', 'format'],
};

/** Parses an XML answer and checks its root and that it uses only the spec's element names. */
export function expectXmlDocument(text: string, root: keyof typeof SPEC_ELEMENTS): Record<string, unknown> {
  const doc = parseXml(text);
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  if (roots.length !== 1 || roots[0] !== root) throw new Error(`root ${roots.join(',')} instead of ${root}`);
  const extra = [...elementNames(doc[root])].filter((n) => !SPEC_ELEMENTS[root].includes(n));
  if (extra.length) throw new Error(`elements outside the spec in <${root}>: ${extra.join(', ')}`);
  return doc;
}

export interface Answer {
  status: number;
  type: string;
  text: string;
  json(): unknown;
  headers: Headers;
}

async function answer(r: Response): Promise<Answer> {
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as unknown, headers: r.headers };
}

export async function get(base: string, path: string): Promise<Answer> {
  return answer(await fetch(`${base}/open311/v2/${path}`));
}

/** A form POST as Open311 clients send it. */
export async function postForm(base: string, path: string, form: Record<string, string | string[]>): Promise<Answer> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return answer(await fetch(`${base}/open311/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: body.toString() }));
}
