/**
 * 排名 and 通报 (沪府办〔2020〕49号 Art. 8–9): units ranked by score and by each of the three rates; the units the
 * office names for overdue supervised tickets, appeals found groundless and repeated bounces.
 */
import type { Figures } from './figures';

export const RANK_BY = ['score', 'contactRate', 'resolutionRate', 'satisfactionRate'] as const;
export type RankBy = (typeof RANK_BY)[number];

export interface RankedUnit { rank: number | null; key: string; name: string | null; value: number | null }

/**
 * Highest first; equal values share a rank (1, 2, 2, 4); a unit without the rate (no denominator)
 * is listed last, unranked. Ties are listed by unit code so the order is stable.
 */
export function rank(groups: readonly ({ key: string | null; name?: string | null } & Figures)[], by: RankBy): RankedUnit[] {
  const rows = groups
    .filter((g) => g.key !== null)
    .map((g) => ({ key: g.key as string, name: g.name ?? null, value: g.threeRates[by === 'score' ? 'score' : by] }));
  rows.sort((a, b) => (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || (b.value ?? 0) - (a.value ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let prev: number | null = null;
  let prevRank = 0;
  return rows.map((r, i) => {
    if (r.value === null) return { rank: null, ...r };
    const rk = r.value === prev ? prevRank : i + 1;
    prev = r.value;
    prevRank = rk;
    return { rank: rk, ...r };
  });
}

export const NOTICE_REASONS = ['overdue_supervised', 'appeal_refused', 'bounced'] as const;
export type NoticeReason = (typeof NOTICE_REASONS)[number];

export interface NoticeTicket { unit: string; reason: NoticeReason; ticketId: string }
export interface NoticeEntry { unit: string; reason: NoticeReason; count: number; tickets: string[] }

/** 通报: one entry per unit and reason, with the tickets behind it, most tickets first. */
export function notices(rows: readonly NoticeTicket[]): NoticeEntry[] {
  const by = new Map<string, NoticeEntry>();
  for (const r of rows) {
    const k = `${r.unit}|${r.reason}`;
    const e = by.get(k) ?? { unit: r.unit, reason: r.reason, count: 0, tickets: [] };
    if (!e.tickets.includes(r.ticketId)) {
      e.tickets.push(r.ticketId);
      e.count += 1;
    }
    by.set(k, e);
  }
  const out = [...by.values()];
  for (const e of out) e.tickets.sort();
  out.sort((a, b) => b.count - a.count || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0) || NOTICE_REASONS.indexOf(a.reason) - NOTICE_REASONS.indexOf(b.reason));
  return out;
}
