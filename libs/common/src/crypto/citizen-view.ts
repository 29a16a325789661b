import { maskIdNumber, maskName, maskPhone } from '../logging/pii';
import type { PiiField } from './data-protection';

/**
 * What a reader of the hub's API may see of a citizen and of a ticket's text (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art.
 * 10; docs/contracts.md#unit-systems "confidential citizen data is masked unless the unit is the handler"):
 *
 * | reader                               | ordinary  | confidential (保密)            | anonymous      |
 * |--------------------------------------|-----------|--------------------------------|----------------|
 * | the office (operator, supervisor)    | clear     | clear                          | clear          |
 * | lead unit (主办)                      | clear     | clear                          | identity removed |
 * | co-handling unit (协办)               | clear     | masked, content shown          | identity removed |
 * | anyone else (admin, former handler)  | masked    | masked, title/content hidden   | identity removed |
 *
 * Pure: the caller says where the reader stands; `clearFields` says what must be recorded in the
 * access log (an unmasked read).
 */
export interface CitizenData {
  name?: string;
  phone?: string;
  idType?: string;
  idNumber?: string;
  anonymous: boolean;
  confidential: boolean;
}

/** Where a unit stands on this ticket: 主办, 协办 or outside the handling chain. */
export type ChainPosition = 'lead' | 'co' | 'none';

export interface Viewer {
  /** the hotline office: operator or supervisor */
  office: boolean;
  chain: ChainPosition;
}

export interface CitizenView {
  citizen: CitizenData;
  /** personal fields shown in clear (to be recorded as an unmasked read) */
  clearFields: PiiField[];
  /** confidential ticket read from outside the chain: title and content are withheld */
  contentHidden: boolean;
}

export const CONFIDENTIAL_PLACEHOLDER = '[保密 confidential]';

export function citizenView(c: CitizenData, viewer: Viewer): CitizenView {
  const flags = { anonymous: c.anonymous, confidential: c.confidential };
  const inChain = viewer.chain !== 'none';
  const contentHidden = c.confidential && !viewer.office && !inChain;
  const present = (['name', 'phone', 'idNumber'] as const).filter((f) => typeof c[f] === 'string' && c[f] !== '');
  if (viewer.office) {
    return { citizen: withId(flags, c, c), clearFields: present, contentHidden: false };
  }
  // An anonymous citizen is never revealed to a unit: removed, not masked.
  if (c.anonymous) return { citizen: flags, clearFields: [], contentHidden };
  const clear = viewer.chain === 'lead' || (viewer.chain === 'co' && !c.confidential);
  if (clear) return { citizen: withId(flags, c, c), clearFields: present, contentHidden: false };
  const masked: Partial<CitizenData> = { name: maskName(c.name), phone: maskPhone(c.phone), idNumber: maskIdNumber(c.idNumber) };
  return { citizen: withId(flags, c, masked), clearFields: [], contentHidden };
}

function withId(flags: { anonymous: boolean; confidential: boolean }, c: CitizenData, v: Partial<CitizenData>): CitizenData {
  const out: CitizenData = { ...flags };
  if (v.name !== undefined) out.name = v.name;
  if (v.phone !== undefined) out.phone = v.phone;
  if (c.idType !== undefined) out.idType = c.idType;
  if (v.idNumber !== undefined) out.idNumber = v.idNumber;
  return out;
}

/** Title and content as the reader may see them. */
export function ticketTextView<T extends { title: string; content: string }>(t: T, view: Pick<CitizenView, 'contentHidden'>): T {
  return view.contentHidden ? { ...t, title: CONFIDENTIAL_PLACEHOLDER, content: CONFIDENTIAL_PLACEHOLDER } : t;
}
