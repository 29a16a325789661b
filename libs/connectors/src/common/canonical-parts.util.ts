/** Small helpers the mappers share when building CanonicalTicket parts from validated DTOs. */
import type { Attachment, Citizen, IdType, TicketLocation } from '@hub/rules/model/ticket';
import { inferIdType, normalizeIdNumber } from './id-number.validator';

/** Copies an object without its undefined members, so mapped tickets compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

export interface CitizenParts {
  name?: string;
  phone?: string;
  idType?: IdType;
  idNumber?: string;
}

/**
 * Builds the canonical citizen. The idType is filled in when the upstream left it out but the number
 * is recognisable (validation already required that for docs/contracts.md#hotline-orders citizens), and the check character is
 * upper-cased so the same person always has the same number.
 */
export function toCitizen(parts: CitizenParts, flags: { anonymous: boolean; confidential: boolean }): Citizen {
  const idType = parts.idNumber === undefined ? parts.idType : (parts.idType ?? inferIdType(parts.idNumber));
  const idNumber = parts.idNumber === undefined ? undefined : normalizeIdNumber(idType, parts.idNumber);
  return compact({
    name: parts.name,
    phone: parts.phone,
    idType: idNumber === undefined ? undefined : idType,
    idNumber,
    anonymous: flags.anonymous,
    confidential: flags.confidential,
  });
}

/** Upstreams without an anonymity flag: a citizen who gave no name, phone or id is anonymous. */
export function isWithoutIdentity(parts: CitizenParts): boolean {
  return parts.name === undefined && parts.phone === undefined && parts.idNumber === undefined;
}

export function toLocation(dto: { regionCode: string; address?: string; lng?: number; lat?: number }): TicketLocation {
  return compact({ regionCode: dto.regionCode, address: dto.address, lng: dto.lng, lat: dto.lat });
}

export function toAttachments(list: readonly { name: string; url: string; sha256?: string }[] | undefined): Attachment[] {
  return (list ?? []).map((a) => compact({ name: a.name, url: a.url, sha256: a.sha256?.toLowerCase() }));
}
