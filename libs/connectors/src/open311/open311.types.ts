/**
 * Open311 GeoReport v2 documents as the spec names their fields (docs/open311.md), plus
 * FixMyStreet's service request updates. Field names are snake_case because they are the wire's.
 */

export type Open311Format = 'xml' | 'json';
export const OPEN311_FORMATS: readonly Open311Format[] = ['xml', 'json'];

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string | null;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string | null;
  group: string | null;
}

export type Open311Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

export interface Open311AttributeValue {
  key: string;
  name: string;
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: Open311Datatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  /** only for singlevaluelist and multivaluelist */
  values?: Open311AttributeValue[];
}

export interface Open311ServiceDefinition {
  service_code: string;
  attributes: Open311Attribute[];
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** The answer to POST requests: the id at once (services are `realtime`). */
export interface Open311PostAnswer {
  service_request_id: string;
  service_notice: string | null;
  account_id: string | null;
}

export interface Open311TokenAnswer {
  service_request_id: string;
  token: string;
}

/** FixMyStreet's extended statuses (Open311-FMS "Additional states"). */
export const FMS_STATUSES = [
  'OPEN',
  'INVESTIGATING',
  'IN_PROGRESS',
  'ACTION_SCHEDULED',
  'FIXED',
  'CLOSED',
  'DUPLICATE',
  'NOT_COUNCILS_RESPONSIBILITY',
  'NO_FURTHER_ACTION',
  'INTERNAL_REFERRAL',
] as const;
export type FmsStatus = (typeof FMS_STATUSES)[number];

export interface Open311RequestUpdate {
  update_id: string;
  service_request_id: string;
  status: FmsStatus;
  updated_datetime: string;
  description: string;
  media_url: string | null;
}

export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: Array<{ specification: string; url: string; changeset: string; type: 'production' | 'test'; formats: string[] }>;
}

export interface Open311ErrorItem {
  code: number;
  description: string;
}
