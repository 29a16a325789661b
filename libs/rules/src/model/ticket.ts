/**
 * The canonical ticket: one shape for every upstream (docs/contracts.md). Connectors map their wire
 * formats to it; the router, the clock and the lifecycle only ever see this.
 */
export const SOURCES = ['hotline', 'ywtb', 'national', 'open311'] as const;
export type Source = (typeof SOURCES)[number];

/**
 * Which upstream record a ticket came from; it decides the callback path (docs/contracts.md#status-event-types, #national-messages):
 * hotline `order`, 一网通办 `evaluation` (差评) or `suggestion`, national `transfer`.
 */
export type SourceRecord = 'order' | 'evaluation' | 'suggestion' | 'transfer' | 'request';

/** 投诉 / 建议 / 求助 / 举报 / 咨询; a 差评 (bad review) is `evaluation`. */
export const TICKET_KINDS = ['complaint', 'suggestion', 'request', 'report', 'consultation', 'evaluation'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export type IdType = 'id_card' | 'passport' | 'uscc';

export interface Citizen {
  name?: string;
  phone?: string;
  idType?: IdType;
  idNumber?: string;
  /** the citizen did not give their identity: never revealed to a unit */
  anonymous: boolean;
  /** 保密: content shown only to the handling chain and the office (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10) */
  confidential: boolean;
}

/** 被投诉人 */
export interface Respondent {
  name?: string;
  unitCode?: string;
  staffId?: string;
}

export interface TicketLocation {
  /** GB/T 2260, 6, 9 or 12 digits */
  regionCode: string;
  address?: string;
  lng?: number;
  lat?: number;
}

export interface Attachment {
  name: string;
  url: string;
  sha256?: string;
}

/** 一网通办 好差评 details, kept for the appeal (申诉) and statistics. */
export interface EvaluationInfo {
  projectNo: string;
  rating: number;
  reasons: string[];
  serviceItemName?: string;
  staffId?: string;
  evaluatedAt: string;
}

/** 国办转办 level: 一般 / 特殊 / 紧急 */
export type NationalLevel = 'general' | 'special' | 'urgent';

export interface CanonicalTicket {
  source: Source;
  sourceRecord: SourceRecord;
  /** the upstream's own id: orderNo, evaluationId, suggestionId or transferId */
  externalId: string;
  kind: TicketKind;
  channel: string;
  categoryCode?: string;
  title: string;
  content: string;
  citizen: Citizen;
  respondent?: Respondent;
  serviceItemCode?: string;
  location?: TicketLocation;
  urgency: 'normal' | 'urgent';
  /** 复杂件: 15 working days instead of 5 in Shanghai's 1/5/15 */
  complex: boolean;
  /** 指定承办单位 named by the upstream */
  designatedUnitCode?: string;
  /** national transfers name a unit by its name only */
  designatedUnitName?: string;
  attachments: Attachment[];
  /** when the upstream received it (RFC 3339 with offset) */
  receivedAt: string;
  national?: { level: NationalLevel; dueAt?: string; transferredAt: string };
  evaluation?: EvaluationInfo;
}
