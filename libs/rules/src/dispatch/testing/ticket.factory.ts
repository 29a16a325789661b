import type { CanonicalTicket } from '../../model/ticket';

/** A valid hotline complaint with the given fields replaced (for tests and benches). */
export function makeTicket(fields: Partial<CanonicalTicket> = {}): CanonicalTicket {
  return {
    source: 'hotline',
    sourceRecord: 'order',
    externalId: 'T-0001',
    kind: 'complaint',
    channel: 'phone',
    title: '市民来电反映问题',
    content: '市民来电反映有关问题，请相关部门核实处理。',
    citizen: { anonymous: false, confidential: false },
    urgency: 'normal',
    complex: false,
    attachments: [],
    receivedAt: '2026-11-20T09:12:33+08:00',
    ...fields,
  };
}
