import type { CompiledDirectory } from '@hub/rules/directory';
import type { CanonicalTicket, TicketKind } from '@hub/rules/model/ticket';
import { isPhoneNumber } from '../common/wire-format.validator';
import { badRequest } from './open311.errors';
import { checkAttributes, type Open311Form } from './open311-form';
import { ATTR, DEFAULT_KIND, hubAttributes } from './open311.services';

/** A POST requests form once checked: what the ticket and the raw record are made of. */
export interface Open311Post {
  serviceCode: string;
  description?: string;
  lat?: number;
  long?: number;
  addressString?: string;
  addressId?: string;
  mediaUrl?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  deviceId?: string;
  accountId?: string;
  attributes: Record<string, string[]>;
}

const MAX = { description: 4000, address: 500, id: 128, name: 50, email: 254, url: 2048 };

/**
 * Checks a POST requests form (service code already known to exist) and answers every problem at
 * once as a 400 in the spec's format. Location: coordinates, address_string, address_id or the
 * `region` attribute, at least one (the spec requires a location; the region attribute is one).
 */
export function checkPostRequest(form: Open311Form, dir: CompiledDirectory): Open311Post {
  const f = form.fields;
  const problems: string[] = [];
  const tooLong = (k: string, max: number): void => {
    if (f[k] !== undefined && f[k].length > max) problems.push(`${k} must be at most ${max} characters`);
  };
  tooLong('description', MAX.description);
  tooLong('address_string', MAX.address);
  for (const k of ['address_id', 'device_id', 'account_id']) tooLong(k, MAX.id);
  tooLong('first_name', MAX.name);
  tooLong('last_name', MAX.name);
  tooLong('email', MAX.email);
  tooLong('media_url', MAX.url);
  const lat = coordinate(f.lat, 90, 'lat', problems);
  const long = coordinate(f.long, 180, 'long', problems);
  if ((lat === undefined) !== (long === undefined) && !problems.some((p) => p.startsWith('lat') || p.startsWith('long'))) problems.push('lat and long go together');
  if (f.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email)) problems.push('email is not an e-mail address');
  if (f.phone !== undefined && !isPhoneNumber(f.phone)) problems.push('phone is not a phone number');
  if (f.media_url !== undefined && !isHttpUrl(f.media_url)) problems.push('media_url must be an http(s) URL');
  let attributes: Record<string, string[]> = {};
  try {
    attributes = checkAttributes(form.attributes, hubAttributes(dir));
  } catch (e) {
    problems.push(...(e as Error).message.split('; '));
  }
  const located = lat !== undefined || f.address_string !== undefined || f.address_id !== undefined || attributes[ATTR.region] !== undefined;
  if (!located) problems.push('a location is required: lat and long, address_string, address_id or attribute[region]');
  if (problems.length) throw badRequest(problems);
  return {
    serviceCode: f.service_code,
    description: f.description,
    lat,
    long,
    addressString: f.address_string,
    addressId: f.address_id,
    mediaUrl: f.media_url,
    email: f.email,
    firstName: f.first_name,
    lastName: f.last_name,
    phone: f.phone,
    deviceId: f.device_id,
    accountId: f.account_id,
    attributes,
  };
}

function coordinate(raw: string | undefined, limit: number, name: string, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^[+-]?\d{1,3}(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > limit) {
    problems.push(`${name} must be a WGS84 number between -${limit} and ${limit}`);
    return undefined;
  }
  return n;
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The district (or street) an address names: the longest directory region name found in it, when
 * only one region has that length; a name that could be two places routes nowhere.
 */
export function regionInAddress(dir: CompiledDirectory, address: string): string | undefined {
  let best: string[] = [];
  let bestLength = 0;
  for (const r of dir.regions.values()) {
    if (r.code === dir.jurisdiction.regionCode || r.name.length < 2 || !address.includes(r.name)) continue;
    if (r.name.length > bestLength) {
      best = [r.code];
      bestLength = r.name.length;
    } else if (r.name.length === bestLength) best.push(r.code);
  }
  return best.length === 1 ? best[0] : undefined;
}

/** The region a request routes by: the attribute, else a region named in the address, else none. */
export function requestRegion(dir: CompiledDirectory, p: Open311Post): string | undefined {
  return p.attributes[ATTR.region]?.[0] ?? (p.addressString ? regionInAddress(dir, p.addressString) : undefined);
}

/** 姓 then 名 for Chinese names (no space), given name first otherwise. */
export function personName(first?: string, last?: string): string | undefined {
  const parts = [first?.trim(), last?.trim()].filter((s): s is string => !!s);
  if (parts.length < 2) return parts[0];
  return /^[\p{Script=Han}·]+$/u.test(parts.join('')) ? `${parts[1]}${parts[0]}` : `${parts[0]} ${parts[1]}`;
}

export interface MapContext {
  /** the ticket's upstream id (docs/open311.md "Idempotency") */
  externalId: string;
  receivedAt: string;
  serviceName: string;
}

/**
 * A checked request as the canonical ticket. Coordinates alone route nowhere (the directory has no
 * geometry): the location is then the jurisdiction itself and dispatch sends it to the office.
 */
export function mapOpen311Request(p: Open311Post, dir: CompiledDirectory, ctx: MapContext): CanonicalTicket {
  const a = p.attributes;
  const description = p.description?.trim() ?? '';
  const extra: string[] = [];
  if (p.addressString) extra.push(`地址：${p.addressString}`);
  if (p.addressId) extra.push(`地址编号：${p.addressId}`);
  if (a[ATTR.occurredAt]) extra.push(`发生时间：${a[ATTR.occurredAt][0]}`);
  const content = [description || ctx.serviceName, ...extra].join('\n');
  const headline = (description || ctx.serviceName).replace(/\s+/g, ' ');
  const name = personName(p.firstName, p.lastName);
  const region = requestRegion(dir, p) ?? dir.jurisdiction.regionCode;
  return {
    source: 'open311',
    sourceRecord: 'request',
    externalId: ctx.externalId,
    kind: (a[ATTR.kind]?.[0] ?? DEFAULT_KIND) as TicketKind,
    channel: 'open311',
    categoryCode: p.serviceCode,
    title: `${ctx.serviceName}：${[...headline].slice(0, 40).join('')}`,
    content,
    citizen: {
      ...(name ? { name } : {}),
      ...(p.phone ? { phone: p.phone } : {}),
      anonymous: !name && !p.phone,
      confidential: a[ATTR.confidential]?.[0] === 'yes',
    },
    ...(a[ATTR.respondent] ? { respondent: { name: a[ATTR.respondent][0] } } : {}),
    location: {
      regionCode: region,
      ...(p.addressString ? { address: p.addressString } : {}),
      ...(p.lat !== undefined && p.long !== undefined ? { lat: p.lat, lng: p.long } : {}),
    },
    urgency: a[ATTR.urgency]?.[0] === 'urgent' ? 'urgent' : 'normal',
    complex: false,
    attachments: p.mediaUrl ? [{ name: 'media_url', url: p.mediaUrl }] : [],
    receivedAt: ctx.receivedAt,
  };
}

/**
 * What is kept as the request's raw record: the form as understood (never the api_key), the
 * citizen's personal fields under `citizen` so the store seals them like every other source's.
 */
export function rawRecord(p: Open311Post, client: string): Record<string, unknown> {
  return {
    client,
    service_code: p.serviceCode,
    description: p.description ?? null,
    lat: p.lat ?? null,
    long: p.long ?? null,
    address_string: p.addressString ?? null,
    address_id: p.addressId ?? null,
    media_url: p.mediaUrl ?? null,
    device_id: p.deviceId ?? null,
    account_id: p.accountId ?? null,
    attributes: p.attributes,
    citizen: { name: personName(p.firstName, p.lastName) ?? null, phone: p.phone ?? null, email: p.email ?? null },
  };
}
