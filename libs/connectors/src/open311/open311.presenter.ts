import type { CompiledDirectory } from '@hub/rules/directory';
import { formatDue, formatInstant } from '@hub/rules/calendar/rfc3339-format';
import type { Open311Request, Open311RequestUpdate } from './open311.types';
import { open311Status, updateDescription, updateStatus } from './open311.status';

/** A stored Open311 request as the store reads it (libs/store open311.repository). */
export interface StoredRequest {
  id: string;
  state: string;
  categoryCode: string | null;
  description: string | null;
  addressId: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  mediaUrl: string | null;
  confidential: boolean;
  unitCode: string | null;
  receivedAt: Date;
  updatedAt: Date;
  resolveDue: Date | null;
  replyPoints: string | null;
}

/**
 * A request as GeoReport shows it, to anyone: never the citizen; a confidential (保密) request
 * shows neither its text nor where it is. `agency_responsible` is the handling unit's name,
 * `expected_datetime` the resolve deadline's last second, `status_notes` the reply points.
 */
export function presentRequest(r: StoredRequest, dir: CompiledDirectory | undefined): Open311Request {
  const tz = dir?.jurisdiction.timezone;
  const hidden = r.confidential;
  return {
    service_request_id: r.id,
    status: open311Status(r.state),
    status_notes: hidden ? null : r.replyPoints,
    service_name: (r.categoryCode && dir?.categories.get(r.categoryCode)?.name) || null,
    service_code: r.categoryCode ?? '',
    description: hidden ? null : r.description,
    agency_responsible: (r.unitCode && (dir?.units.get(r.unitCode)?.name ?? r.unitCode)) || null,
    service_notice: null,
    requested_datetime: formatInstant(r.receivedAt, tz),
    updated_datetime: formatInstant(r.updatedAt, tz),
    expected_datetime: r.resolveDue ? formatDue(r.resolveDue, tz) : null,
    address: hidden ? null : r.address,
    address_id: hidden ? null : r.addressId,
    zipcode: null,
    lat: hidden ? null : r.lat,
    long: hidden ? null : r.lng,
    media_url: hidden ? null : r.mediaUrl,
  };
}

export interface StoredUpdate {
  id: string;
  ticketId: string;
  type: string;
  stateAfter: string | null;
  occurredAt: Date;
  confidential: boolean;
  replyPoints: string | null;
}

/** A status change as FixMyStreet's request_update; events that are no status change give nothing. */
export function presentUpdate(u: StoredUpdate, timeZone?: string): Open311RequestUpdate | undefined {
  const status = updateStatus(u.type, u.stateAfter ?? undefined);
  if (!status) return undefined;
  return {
    update_id: u.id,
    service_request_id: u.ticketId,
    status,
    updated_datetime: formatInstant(u.occurredAt, timeZone),
    description: updateDescription(status, u.confidential ? null : u.replyPoints),
    media_url: null,
  };
}
