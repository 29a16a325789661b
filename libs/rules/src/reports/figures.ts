/**
 * Every figure of a report, defined once (docs/reports.md; docs/contracts.md#report-api; 沪府办〔2020〕49号 Art. 8–9; Yunnan Measures Art. 4,
 * 16, 18). The store computes the same figures in SQL for speed; `figuresOf` is the definition the
 * SQL is tested against (test/integration/reports-*.test.ts), so the two cannot drift apart.
 */
import { AssessmentWeights } from './assessment';

/** What a ticket event counts as (the store writes one `report_facts` row per counted event). */
export const FACT_KINDS = [
  'received',
  'not_accepted',
  'merged',
  'unmerged',
  'archived',
  'dispatched',
  'disputed',
  'objection.filed',
  'objection.accepted',
  'objection.refused',
  'extension.requested',
  'extension.approved',
  'appeal.filed',
  'appeal.upheld',
  'appeal.refused',
  'reopened',
  'terminated',
  'supervised',
  'bounced',
  'callback',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/**
 * Facts that say something about the ticket (it was dispatched, supervised …) and count a ticket once
 * per unit, whatever the number of events; the others count every occurrence (each objection,
 * extension request, appeal, callback). A merge counts each time and an unmerge takes one back
 * (in the merge's unit), so a ticket counts as merged at `asOf` exactly when it was merged then.
 */
export const TICKET_FACTS: ReadonlySet<FactKind> = new Set<FactKind>(['received', 'not_accepted', 'archived', 'dispatched', 'disputed', 'reopened', 'terminated', 'supervised', 'bounced']);

/** Facts that belong to the office, not to a unit (before or outside dispatch): unit is null. */
export const OFFICE_FACTS: ReadonlySet<FactKind> = new Set<FactKind>(['received', 'not_accepted', 'archived', 'disputed']);

/**
 * The ticket event (docs/lifecycle.md "Event types") → the facts it is. `decision` is the event's
 * `data.decision`, `afterState` its `data.after.state`. A ticket's receipt is a fact of the ticket
 * itself (`received`), not of an event. The database spells the same table in SQL
 * (`report_event_facts`); test/integration/reports-rollup.test.ts holds the two together.
 */
export function factsOfEvent(type: string, data: { decision?: string | null; afterState?: string | null } = {}): FactKind[] {
  switch (type) {
    case 'not_accepted': return ['not_accepted'];
    case 'merged': return ['merged'];
    case 'unmerged': return ['unmerged'];
    case 'archived': return ['archived'];
    case 'dispatched': case 'designated': return ['dispatched'];
    // an accepted objection: the objecting unit's objection accepted, a work order for the next unit
    case 'redispatched': return ['objection.accepted', 'dispatched'];
    case 'objection_refused': return ['objection.refused'];
    case 'disputed': return ['disputed'];
    case 'objected': return ['objection.filed'];
    case 'extension_filed': return ['extension.requested'];
    // every approval writes it: the office's decision and an extension on the unit's notice (Yunnan)
    case 'extension_approved': return ['extension.approved'];
    case 'appealed': return ['appeal.filed'];
    case 'appeal_reviewed': return data.decision === 'upheld' ? ['appeal.upheld'] : data.decision === 'refused' ? ['appeal.refused'] : [];
    case 'reopened': return ['reopened'];
    case 'terminated': return ['terminated'];
    case 'supervised': return ['supervised'];
    case 'bounce_flagged': return ['bounced'];
    // an unsatisfied callback sends the order back to the unit (重办, 沪府办〔2020〕49号 Art. 4(三)): a reopening
    case 'called_back': return data.afterState === 'closed' || data.afterState === 'terminated' ? ['callback'] : ['callback', 'reopened'];
    default: return [];
  }
}

export type Source = 'hotline' | 'ywtb' | 'national' | 'open311';
export const SOURCES: readonly Source[] = ['hotline', 'ywtb', 'national', 'open311'];

export interface ReportFact {
  readonly ticketId: string;
  readonly fact: FactKind;
  readonly at: Date;
  readonly receivedAt: Date;
  readonly source: string;
  /** the lead unit the fact is about (null for the office's facts) */
  readonly unit: string | null;
  /** callbacks: the result score 1–5 and whether the citizen said it was solved (null: not asked) */
  readonly score?: number | null;
  readonly resolved?: boolean | null;
}

/**
 * A move of the clock's end: an extension approved, or a provisional year replaced by the
 * published schedule (docs/clock.md); the end before it is kept.
 */
export interface ClockExtension {
  readonly decidedAt: Date;
  /** the exclusive end before this change moved it */
  readonly previousDue: Date;
}

export interface ReportClock {
  readonly ticketId: string;
  readonly type: 'contact' | 'resolve';
  readonly unit: string | null;
  readonly startedAt: Date;
  /** exclusive end (00:00 after the last day, docs/clock.md), after every approved extension */
  readonly due: Date;
  readonly metAt: Date | null;
  readonly stoppedAt: Date | null;
  /** every move of its end (extensions, a provisional year replaced) */
  readonly extensions?: readonly ClockExtension[];
}

/** The deadline as it stood at `asOf`: a move decided later (extension, calendar) had not happened yet. */
export function effectiveDue(c: ReportClock, asOf: Date): Date {
  let due = c.due;
  let earliest: number | null = null;
  for (const e of c.extensions ?? []) {
    if (e.decidedAt.getTime() > asOf.getTime() && (earliest === null || e.decidedAt.getTime() < earliest)) {
      earliest = e.decidedAt.getTime();
      due = e.previousDue;
    }
  }
  return due;
}

export type ClockOutcome = 'onTime' | 'late' | 'pending' | 'excluded' | 'unknown';

/**
 * One clock at `asOf` (沪府办〔2020〕49号 Art. 5, 8): met before its end → on time; met at or after it → late (the
 * end is exclusive, so a second late is late); still open at an end already passed → late; stopped
 * (merged, moved to another unit, terminated) before its end → not counted, after it → late; started
 * after `asOf` → unknown then.
 */
export function clockOutcome(c: ReportClock, asOf: Date): ClockOutcome {
  const t = asOf.getTime();
  if (c.startedAt.getTime() > t) return 'unknown';
  const due = effectiveDue(c, asOf).getTime();
  if (c.metAt !== null && c.metAt.getTime() <= t) return c.metAt.getTime() < due ? 'onTime' : 'late';
  if (c.stoppedAt !== null && c.stoppedAt.getTime() <= t) return c.stoppedAt.getTime() >= due ? 'late' : 'excluded';
  return due <= t ? 'late' : 'pending';
}

export type CallbackClass = 'satisfied' | 'basicallySatisfied' | 'dissatisfied';

/** docs/contracts.md#report-api: 4–5 satisfied, 3 basically satisfied, 1–2 dissatisfied. */
export function callbackClass(score: number): CallbackClass {
  return score >= 4 ? 'satisfied' : score === 3 ? 'basicallySatisfied' : 'dissatisfied';
}

/** Solved when the citizen said so; a callback that did not ask counts as solved at result ≥ 4. */
export function callbackSolved(score: number, resolved: boolean | null | undefined): boolean {
  return resolved ?? score >= 4;
}

export interface ClockFigures { due: number; onTime: number; late: number; rate: number | null }
export interface Figures {
  received: { all: number; hotline: number; ywtb: number; national: number; open311: number };
  notAccepted: number;
  merged: number;
  archived: number;
  dispatched: number;
  disputed: number;
  contact: ClockFigures;
  resolve: ClockFigures;
  objections: { filed: number; accepted: number; refused: number };
  extensions: { requested: number; approved: number };
  appeals: { filed: number; upheld: number };
  reopened: number;
  terminated: number;
  supervised: number;
  callbacks: { done: number; satisfied: number; basicallySatisfied: number; dissatisfied: number; resolved: number; satisfactionRate: number | null };
  threeRates: { contactRate: number | null; resolutionRate: number | null; satisfactionRate: number | null; score: number | null };
}

/** The raw counts a report is made of; the store returns these per group, `finish` derives the rates. */
export interface Counts {
  received: Record<Source, number>;
  notAccepted: number;
  merged: number;
  archived: number;
  dispatched: number;
  disputed: number;
  contact: { onTime: number; late: number; pending: number };
  resolve: { onTime: number; late: number; pending: number };
  objectionsFiled: number;
  objectionsAccepted: number;
  objectionsRefused: number;
  extensionsRequested: number;
  extensionsApproved: number;
  appealsFiled: number;
  appealsUpheld: number;
  reopened: number;
  terminated: number;
  supervised: number;
  callbacks: { satisfied: number; basicallySatisfied: number; dissatisfied: number; solved: number };
}

export function emptyCounts(): Counts {
  return {
    received: { hotline: 0, ywtb: 0, national: 0, open311: 0 },
    notAccepted: 0, merged: 0, archived: 0, dispatched: 0, disputed: 0,
    contact: { onTime: 0, late: 0, pending: 0 },
    resolve: { onTime: 0, late: 0, pending: 0 },
    objectionsFiled: 0, objectionsAccepted: 0, objectionsRefused: 0,
    extensionsRequested: 0, extensionsApproved: 0,
    appealsFiled: 0, appealsUpheld: 0,
    reopened: 0, terminated: 0, supervised: 0,
    callbacks: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, solved: 0 },
  };
}

/** Rates are rounded to 4 decimals so a report is the same bytes wherever it is computed. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((num / den) * 10_000) / 10_000;
}

/** The weighted sum of the rates that exist, over the weights of those (null when none exists). */
export function weightedScore(rates: readonly (number | null)[], weights: readonly number[]): number | null {
  let sum = 0;
  let w = 0;
  rates.forEach((r, i) => {
    if (r === null) return;
    sum += r * weights[i]!;
    w += weights[i]!;
  });
  return w === 0 ? null : Math.round((sum / w) * 10_000) / 10_000;
}

/** The counts → the answer of docs/contracts.md#report-api. */
export function finish(c: Counts, weights: AssessmentWeights): Figures {
  const clock = (k: Counts['contact']): ClockFigures => ({ due: k.onTime + k.late + k.pending, onTime: k.onTime, late: k.late, rate: ratio(k.onTime, k.onTime + k.late) });
  const cb = c.callbacks;
  const done = cb.satisfied + cb.basicallySatisfied + cb.dissatisfied;
  // Weighted before dividing, in integers of 1/1000, so the float is the same on every machine.
  const satisfactionRate = done === 0 ? null : ratio(cb.satisfied * 1000 + Math.round(weights.basicallySatisfied * 1000) * cb.basicallySatisfied, done * 1000);
  const contact = clock(c.contact);
  const resolutionRate = ratio(cb.solved, done);
  const r = c.received;
  return {
    received: { all: r.hotline + r.ywtb + r.national + r.open311, hotline: r.hotline, ywtb: r.ywtb, national: r.national, open311: r.open311 },
    notAccepted: c.notAccepted,
    merged: c.merged,
    archived: c.archived,
    dispatched: c.dispatched,
    disputed: c.disputed,
    contact,
    resolve: clock(c.resolve),
    objections: { filed: c.objectionsFiled, accepted: c.objectionsAccepted, refused: c.objectionsRefused },
    extensions: { requested: c.extensionsRequested, approved: c.extensionsApproved },
    appeals: { filed: c.appealsFiled, upheld: c.appealsUpheld },
    reopened: c.reopened,
    terminated: c.terminated,
    supervised: c.supervised,
    callbacks: { done, satisfied: cb.satisfied, basicallySatisfied: cb.basicallySatisfied, dissatisfied: cb.dissatisfied, resolved: cb.solved, satisfactionRate },
    threeRates: {
      contactRate: contact.rate,
      resolutionRate,
      satisfactionRate,
      score: weightedScore([contact.rate, resolutionRate, satisfactionRate], [weights.contact, weights.resolution, weights.satisfaction]),
    },
  };
}

export interface CountWindow {
  /** receipt instants [fromInstant, toInstant) */
  readonly fromInstant: Date;
  readonly toInstant: Date;
  readonly asOf: Date;
}

function inWindow(at: Date, w: CountWindow): boolean {
  return at.getTime() >= w.fromInstant.getTime() && at.getTime() < w.toInstant.getTime();
}

/**
 * The reference definition: counts of one group from its facts and clocks.
 * - a fact counts when its ticket was received in the period and it happened by `asOf`; ticket
 *   facts count a ticket once per unit;
 * - a clock counts when its deadline (as it stood at `asOf`) ends in the period (`clockOutcome`);
 * - a dissatisfied callback is not counted once an appeal against it was upheld by `asOf`
 *   (差评申诉 → 不属实, 沪府办〔2020〕49号 Art. 6).
 */
export function countsOf(facts: readonly ReportFact[], clocks: readonly ReportClock[], w: CountWindow): Counts {
  const c = emptyCounts();
  const seen = new Set<string>();
  const asOf = w.asOf.getTime();
  const live = facts.filter((f) => inWindow(f.receivedAt, w) && f.at.getTime() <= asOf);
  const upheld = new Map<string, number>();
  for (const f of live) if (f.fact === 'appeal.upheld') upheld.set(f.ticketId, Math.max(upheld.get(f.ticketId) ?? 0, f.at.getTime()));
  for (const f of live) {
    if (TICKET_FACTS.has(f.fact)) {
      const key = `${f.ticketId}|${f.fact}|${f.unit ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    switch (f.fact) {
      case 'received': if ((SOURCES as readonly string[]).includes(f.source)) c.received[f.source as Source] += 1; break;
      case 'not_accepted': c.notAccepted += 1; break;
      case 'merged': c.merged += 1; break;
      case 'unmerged': c.merged -= 1; break;
      case 'archived': c.archived += 1; break;
      case 'dispatched': c.dispatched += 1; break;
      case 'disputed': c.disputed += 1; break;
      case 'objection.filed': c.objectionsFiled += 1; break;
      case 'objection.accepted': c.objectionsAccepted += 1; break;
      case 'objection.refused': c.objectionsRefused += 1; break;
      case 'extension.requested': c.extensionsRequested += 1; break;
      case 'extension.approved': c.extensionsApproved += 1; break;
      case 'appeal.filed': c.appealsFiled += 1; break;
      case 'appeal.upheld': c.appealsUpheld += 1; break;
      case 'reopened': c.reopened += 1; break;
      case 'terminated': c.terminated += 1; break;
      case 'supervised': c.supervised += 1; break;
      case 'callback': {
        const score = f.score ?? 1;
        const cls = callbackClass(score);
        if (cls === 'dissatisfied' && (upheld.get(f.ticketId) ?? 0) > f.at.getTime()) break;
        c.callbacks[cls] += 1;
        if (callbackSolved(score, f.resolved)) c.callbacks.solved += 1;
        break;
      }
      default: break;
    }
  }
  for (const k of clocks) {
    const due = effectiveDue(k, w.asOf);
    if (!inWindow(new Date(due.getTime() - 1), w)) continue;
    const o = clockOutcome(k, w.asOf);
    if (o === 'onTime' || o === 'late' || o === 'pending') c[k.type][o] += 1;
  }
  return c;
}

/** Counts of two groups together (a group's facts and clocks are in no other group). */
export function addCounts(a: Counts, b: Counts): Counts {
  const c = emptyCounts();
  for (const s of SOURCES) c.received[s] = a.received[s] + b.received[s];
  for (const k of ['notAccepted', 'merged', 'archived', 'dispatched', 'disputed', 'objectionsFiled', 'objectionsAccepted', 'objectionsRefused', 'extensionsRequested', 'extensionsApproved', 'appealsFiled', 'appealsUpheld', 'reopened', 'terminated', 'supervised'] as const) c[k] = a[k] + b[k];
  for (const t of ['contact', 'resolve'] as const) c[t] = { onTime: a[t].onTime + b[t].onTime, late: a[t].late + b[t].late, pending: a[t].pending + b[t].pending };
  for (const k of ['satisfied', 'basicallySatisfied', 'dissatisfied', 'solved'] as const) c.callbacks[k] = a.callbacks[k] + b.callbacks[k];
  return c;
}
