import { XMLBuilder } from 'fast-xml-parser';
import type {
  Open311Discovery,
  Open311ErrorItem,
  Open311Format,
  Open311PostAnswer,
  Open311Request,
  Open311RequestUpdate,
  Open311Service,
  Open311ServiceDefinition,
  Open311TokenAnswer,
} from './open311.types';

/** What every XML answer starts with (GeoReport v2 "Encoding"). */
export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

export const CONTENT_TYPES: Record<Open311Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The spec's element names for the items of each list (its XML examples). */
const ITEM_OF: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

// Text is escaped by toNode (one regular expression per string): the builder's own entity pass
// made a 1,000-request answer ~5× slower (docs/open311.md "Speed").
const builder = new XMLBuilder({ format: false, suppressEmptyNode: false, processEntities: false });
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/FFFF): dropped. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** JSON shape → the nodes XMLBuilder writes: lists wrapped in their item element, null as empty. */
function toNode(key: string, value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const item = ITEM_OF[key] ?? 'item';
    return { [item]: value.map((v) => toNode(item, v)) };
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toNode(k, v);
    return out;
  }
  if (typeof value === 'string') return value.replace(NOT_XML, '').replace(/[&<>]/g, (c) => ESCAPES[c]);
  return String(value);
}

function xml(root: string, value: unknown): string {
  return `${XML_DECLARATION}\n${builder.build({ [root]: toNode(root, value) }) as string}`;
}

function encode(format: Open311Format, root: string, value: unknown): string {
  return format === 'json' ? JSON.stringify(value) : xml(root, value);
}

/** GET services */
export const encodeServices = (f: Open311Format, s: Open311Service[]): string => encode(f, 'services', s);
/** GET services/{code}: one object in JSON, `<service_definition>` in XML */
export const encodeServiceDefinition = (f: Open311Format, d: Open311ServiceDefinition): string => encode(f, 'service_definition', d);
/** GET requests, GET requests/{id} (a list of one) */
export const encodeRequests = (f: Open311Format, r: Open311Request[]): string => encode(f, 'service_requests', r);
/** POST requests */
export const encodePostAnswer = (f: Open311Format, a: Open311PostAnswer[]): string => encode(f, 'service_requests', a);
/** GET tokens/{token} */
export const encodeTokens = (f: Open311Format, t: Open311TokenAnswer[]): string => encode(f, 'service_requests', t);
/** GET servicerequestupdates (FixMyStreet) */
export const encodeUpdates = (f: Open311Format, u: Open311RequestUpdate[]): string => encode(f, 'service_request_updates', u);
/** POST servicerequestupdates (FixMyStreet): the id the hub gave the update */
export const encodeUpdateAnswer = (f: Open311Format, a: Array<{ update_id: string }>): string => encode(f, 'service_request_updates', a);
/** GET discovery (Service Discovery): one object */
export const encodeDiscovery = (f: Open311Format, d: Open311Discovery): string => encode(f, 'discovery', d);
/** The spec's error format: `<errors><error><code/><description/></error></errors>`, a JSON array */
export const encodeErrors = (f: Open311Format, e: Open311ErrorItem[]): string => encode(f, 'errors', e);
