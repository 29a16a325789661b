import { CONFIDENTIAL_PLACEHOLDER, citizenView, ticketTextView, type ChainPosition, type CitizenData } from '@hub/common/crypto';
import { recordPiiAccess, type Queryable, type TicketRow } from '@hub/store';

/**
 * The ticket as a unit's own system sees it (docs/contracts.md#unit-systems `ticket`). What of the citizen shows
 * depends on where the unit stands (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10; citizenView's table): the lead unit
 * (主办) in clear, a co-handler (协办) in clear unless the matter is confidential, anyone else
 * (a unit the order was taken away from, a supervisor notified of a miss) masked, and a
 * confidential matter's text withheld outside the handling chain. An anonymous citizen's identity
 * is never sent.
 *
 * `position` also takes a boolean for the callers written before co-handlers existed: true = the
 * handler (lead), false = outside the chain.
 */
export function workOrderTicket(t: TicketRow, position: ChainPosition | boolean): Record<string, unknown> {
  const chain: ChainPosition = position === true ? 'lead' : position === false ? 'none' : position;
  const view = citizenView(t.ticket.citizen, { office: false, chain });
  const text = ticketTextView({ title: t.ticket.title, content: t.ticket.content }, view);
  return {
    source: t.source,
    externalId: t.externalId,
    kind: t.ticket.kind,
    channel: t.ticket.channel,
    categoryCode: t.ticket.categoryCode ?? null,
    serviceItemCode: t.ticket.serviceItemCode ?? null,
    title: text.title,
    content: text.content,
    location: t.ticket.location ?? null,
    urgency: t.ticket.urgency,
    complex: t.ticket.complex,
    receivedAt: t.ticket.receivedAt,
    citizen: view.citizen,
    // Attachments are the citizen's evidence: they go where the content goes.
    attachments: view.contentHidden ? [] : t.ticket.attachments,
  };
}

const PERSON_KEYS = ['citizen', 'applicant', 'submitter'] as const;

/**
 * A citizen's later event (补充, 催办, 撤诉) as a unit's system may see it: the person objects it
 * carries (an Open311 update names its sender) under the same rules as the ticket's citizen, with
 * the ticket's anonymous and confidential flags, and its text withheld where the ticket's is.
 */
export function citizenEventView(t: TicketRow, position: ChainPosition, event: Record<string, unknown>): Record<string, unknown> {
  const flags = { anonymous: t.ticket.citizen.anonymous, confidential: t.ticket.citizen.confidential };
  const out: Record<string, unknown> = { ...event };
  for (const k of PERSON_KEYS) {
    const p = out[k];
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    const person = p as Partial<CitizenData>;
    out[k] = citizenView({ ...person, anonymous: flags.anonymous || person.anonymous === true, confidential: flags.confidential || person.confidential === true }, { office: false, chain: position }).citizen;
  }
  if (citizenView({ ...flags }, { office: false, chain: position }).contentHidden && typeof out.content === 'string') out.content = CONFIDENTIAL_PLACEHOLDER;
  return out;
}

/** The citizen's fields a unit's system receives in clear in one work order (recorded in pii_access_log). */
export interface Disclosure {
  unitCode: string;
  fields: string[];
}

/** What `workOrderTicket` (and `citizenEventView`, for an event) show this unit in clear. */
export function disclosedTo(unitCode: string, t: TicketRow, position: ChainPosition, event?: unknown): Disclosure | undefined {
  const flags = { anonymous: t.ticket.citizen.anonymous, confidential: t.ticket.citizen.confidential };
  const fields = new Set<string>(citizenView(t.ticket.citizen, { office: false, chain: position }).clearFields);
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
    for (const k of PERSON_KEYS) {
      const p = (event as Record<string, unknown>)[k];
      if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
      const person = p as Partial<CitizenData>;
      const view = citizenView({ ...person, anonymous: flags.anonymous || person.anonymous === true, confidential: flags.confidential || person.confidential === true }, { office: false, chain: position });
      view.clearFields.forEach((f) => fields.add(f));
    }
  }
  return fields.size > 0 ? { unitCode, fields: [...fields] } : undefined;
}

/**
 * Clear citizen data the hub sends to units' own systems goes to pii_access_log like a read in the
 * API (docs/security.md "What a reader sees"), in the transaction that writes the work order, once
 * per work order (a retry of its delivery is the same disclosure).
 */
export async function recordDisclosures(tx: Queryable, ticketId: string, list: ReadonlyArray<Disclosure | undefined>): Promise<void> {
  for (const d of list) {
    if (!d) continue;
    const actor = { id: `unit_system:${d.unitCode}`, role: 'unit_system' as const, unitCode: d.unitCode, name: `${d.unitCode} unit system` };
    await recordPiiAccess(tx, actor, [{ ticketId, fields: d.fields, purpose: 'unit_system_work_order' }]);
  }
}
