/**
 * Which tickets may be merged as one matter, and what a merged ticket's source may hear
 * (Yunnan Measures Art. 13 "同一投诉事项通过不同渠道分别投诉的……可以合并处理"; docs/rules.md, item 5).
 *
 * - A 差评 is about one 办件 (`projectNo`): two 差评 of the same applicant about the same unit but
 *   different 办件 are two matters. Evaluations merge only with an evaluation of the same
 *   `projectNo`, never with other kinds (the 差评 has its own appeal and assessment).
 * - Hotline orders and portal suggestions keep the similarity rule (same citizen, same respondent
 *   or category, same district, similar text, within the window).
 * - National transfers are never merged: each owes the platform its own result.
 */
import type { CanonicalTicket } from '../model/ticket';

export type MergeScope =
  | { readonly by: 'project'; readonly projectNo: string }
  | { readonly by: 'similarity' }
  | { readonly by: 'none'; readonly why: string };

export function mergeScope(t: Pick<CanonicalTicket, 'source' | 'kind' | 'evaluation'>): MergeScope {
  if (t.source === 'national') return { by: 'none', why: 'a national transfer owes the platform its own result' };
  if (t.kind === 'evaluation') {
    const projectNo = t.evaluation?.projectNo?.trim();
    return projectNo ? { by: 'project', projectNo } : { by: 'none', why: 'a 差评 without its 办件 number matches no other' };
  }
  return { by: 'similarity' };
}

/** What a status message carries beyond its type (docs/contracts.md#hotline-status-events body fields). */
export interface StatusContent {
  reason?: string | null;
  replyPoints?: string | null;
}

/**
 * What the source of a ticket merged into another hears of the handled ticket's events: the type,
 * the unit and the deadlines, never its text. `reason` and `replyPoints` are written for the
 * handled ticket's citizen; a copycat who knows a victim's phone number could otherwise read the
 * victim's answer through a merged ticket of their own.
 */
export function forMergedSource<T extends StatusContent>(details: T): T {
  return { ...details, reason: null, replyPoints: null };
}
