import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { compact, isWithoutIdentity, toAttachments, toCitizen } from '../common/canonical-parts.util';
import type { NationalTransferDto } from './national-transfer.dto';

/** The `channel` of national tickets: the transfer wire has none. */
export const NATIONAL_CHANNEL = 'national';

/**
 * A transfer as the canonical ticket. Transfers are complaints (转办件) named to a unit by name only.
 * Level `urgent` (紧急) makes the ticket urgent; `special` keeps normal urgency but brings its own
 * dueAt. receivedAt is when national transferred it: the national deadline runs from there.
 */
export function mapNationalTransfer(dto: NationalTransferDto): CanonicalTicket {
  return compact<CanonicalTicket>({
    source: 'national',
    sourceRecord: 'transfer',
    externalId: dto.transferId,
    kind: 'complaint',
    channel: NATIONAL_CHANNEL,
    categoryCode: dto.categoryCode,
    title: dto.title,
    content: dto.content,
    // National has no anonymity or confidentiality flag: anonymous only if nothing identifies the person.
    citizen: toCitizen(dto.submitter, { anonymous: isWithoutIdentity(dto.submitter), confidential: false }),
    serviceItemCode: dto.serviceItemCode,
    location: { regionCode: dto.regionCode },
    urgency: dto.level === 'urgent' ? 'urgent' : 'normal',
    complex: false,
    designatedUnitName: dto.unitName,
    attachments: toAttachments(dto.attachments),
    receivedAt: dto.transferredAt,
    national: compact({ level: dto.level, dueAt: dto.dueAt, transferredAt: dto.transferredAt }),
  });
}
