import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { compact, toAttachments, toCitizen, toLocation } from '../common/canonical-parts.util';
import type { HotlineOrderDto } from './hotline-order.dto';

/** A validated hotline order as the canonical ticket; the contract's defaults are applied here. */
export function mapHotlineOrder(dto: HotlineOrderDto): CanonicalTicket {
  const respondent =
    dto.respondent === undefined ? undefined : compact({ name: dto.respondent.name, unitCode: dto.respondent.unitCode });
  return compact<CanonicalTicket>({
    source: 'hotline',
    sourceRecord: 'order',
    externalId: dto.orderNo,
    kind: dto.kind,
    channel: dto.channel,
    categoryCode: dto.categoryCode,
    title: dto.title,
    content: dto.content,
    citizen: toCitizen(dto.citizen, { anonymous: dto.citizen.anonymous, confidential: dto.citizen.confidential }),
    // An empty {} respondent says nothing; leave it out.
    respondent: respondent !== undefined && Object.keys(respondent).length > 0 ? respondent : undefined,
    serviceItemCode: dto.serviceItemCode,
    location: dto.location === undefined ? undefined : toLocation(dto.location),
    urgency: dto.urgency ?? 'normal',
    complex: dto.complex ?? false,
    designatedUnitCode: dto.designatedUnitCode,
    attachments: toAttachments(dto.attachments),
    receivedAt: dto.receivedAt,
  });
}
