/**
 * Scheduled reports (Yunnan Measures Art. 16, 18; 沪府办〔2020〕49号 Art. 8): which snapshot is due when, and the `asOf` it is
 * made at. The asOf is fixed by the period (00:00 +08:00 of its due day), not by when the job ran,
 * so a snapshot made late, or asked for again through the API, has the same figures.
 */
import { daysFromCivil, formatDay, MS_PER_DAY } from '../calendar/civil-date';

export type SnapshotKind = 'quarter' | 'half' | 'year' | 'assessment';
export interface DueSnapshot { kind: SnapshotKind; period: string; asOf: Date }

const at = (y: number, m: number, d: number): Date => new Date(daysFromCivil(y, m, d) * MS_PER_DAY - 8 * 3_600_000);

/** The snapshot of each kind for `period`: quarter → 15th of the next quarter's first month; half (H1) → 15 July; year → 31 January; assessment year → 1 November. */
export function snapshotDue(kind: SnapshotKind, year: number, n = 1): DueSnapshot {
  switch (kind) {
    case 'quarter': return { kind, period: `${year}Q${n}`, asOf: n === 4 ? at(year + 1, 1, 15) : at(year, n * 3 + 1, 15) };
    case 'half': return { kind, period: `${year}H1`, asOf: at(year, 7, 15) };
    case 'year': return { kind, period: `${year}`, asOf: at(year + 1, 1, 31) };
    case 'assessment': return { kind, period: `A${year}`, asOf: at(year, 11, 1) };
  }
}

/** The latest snapshot of every kind whose moment has come by `now` (the job makes the missing ones). */
export function dueSnapshots(now: Date): DueSnapshot[] {
  const y = Number(formatDay(Math.floor((now.getTime() + 8 * 3_600_000) / MS_PER_DAY)).slice(0, 4));
  const candidates: DueSnapshot[] = [];
  for (const year of [y - 1, y]) {
    for (const q of [1, 2, 3, 4]) candidates.push(snapshotDue('quarter', year, q));
    candidates.push(snapshotDue('half', year), snapshotDue('year', year - 1), snapshotDue('assessment', year));
  }
  const out: DueSnapshot[] = [];
  for (const kind of ['quarter', 'half', 'year', 'assessment'] as const) {
    const ready = candidates.filter((c) => c.kind === kind && c.asOf.getTime() <= now.getTime()).sort((a, b) => b.asOf.getTime() - a.asOf.getTime());
    if (ready[0]) out.push(ready[0]);
  }
  return out;
}
