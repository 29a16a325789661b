import fc from 'fast-check';
import { DEFAULT_ASSESSMENT_WEIGHTS as W, checkWeights } from './assessment';
import { callbackClass, clockOutcome, countsOf, factsOfEvent, finish, type ReportClock, type ReportFact } from './figures';
import { parsePeriod } from './period';

const T = (s: string): Date => new Date(`${s}+08:00`);
const nov = parsePeriod('2026-11');
if (!nov.ok) throw new Error('period');
const P = nov.value;
const win = (asOf: string) => ({ fromInstant: P.fromInstant, toInstant: P.toInstant, asOf: T(asOf) });

const clock = (o: Partial<ReportClock> = {}): ReportClock => ({
  ticketId: 't1', type: 'resolve', unit: 'U1', startedAt: T('2026-11-02T09:00:00'), due: T('2026-11-10T00:00:00'), metAt: null, stoppedAt: null, ...o,
});
const fact = (fct: ReportFact['fact'], at: string, o: Partial<ReportFact> = {}): ReportFact => ({
  ticketId: 't1', fact: fct, at: T(at), receivedAt: T('2026-11-02T08:00:00'), source: 'hotline', unit: 'U1', ...o,
});

describe('clockOutcome (沪府办〔2020〕49号 Art. 5, 8)', () => {
  it('late by one second: met exactly at the exclusive end is late, one second before is on time', () => {
    expect(clockOutcome(clock({ metAt: T('2026-11-09T23:59:59') }), T('2026-12-01T00:00:00'))).toBe('onTime');
    expect(clockOutcome(clock({ metAt: T('2026-11-10T00:00:00') }), T('2026-12-01T00:00:00'))).toBe('late');
  });

  it('an open clock is pending before its end and late from its end on (asOf decides)', () => {
    expect(clockOutcome(clock(), T('2026-11-09T23:59:59'))).toBe('pending');
    expect(clockOutcome(clock(), T('2026-11-10T00:00:00'))).toBe('late');
    // met later than asOf: at asOf it was still open
    expect(clockOutcome(clock({ metAt: T('2026-11-05T10:00:00') }), T('2026-11-04T00:00:00'))).toBe('pending');
    expect(clockOutcome(clock(), T('2026-11-01T00:00:00'))).toBe('unknown');
  });

  it('extension approved: the new end counts from its approval, the old one before it', () => {
    const c = clock({ due: T('2026-11-20T00:00:00'), metAt: T('2026-11-15T10:00:00'), extensions: [{ decidedAt: T('2026-11-08T10:00:00'), previousDue: T('2026-11-10T00:00:00') }] });
    expect(clockOutcome(c, T('2026-12-01T00:00:00'))).toBe('onTime');
    // asked on 7 Nov: the extension was not approved yet, the old end had not passed
    expect(clockOutcome(c, T('2026-11-07T00:00:00'))).toBe('pending');
    // an extension approved after the old end passed does not undo the miss at that moment
    const late = clock({ due: T('2026-11-20T00:00:00'), extensions: [{ decidedAt: T('2026-11-12T10:00:00'), previousDue: T('2026-11-10T00:00:00') }] });
    expect(clockOutcome(late, T('2026-11-11T00:00:00'))).toBe('late');
    expect(clockOutcome(late, T('2026-11-13T00:00:00'))).toBe('pending');
  });

  it('stopped before its end (merged, moved on) is not counted; stopped after it is late', () => {
    expect(clockOutcome(clock({ stoppedAt: T('2026-11-05T00:00:00') }), T('2026-12-01T00:00:00'))).toBe('excluded');
    expect(clockOutcome(clock({ stoppedAt: T('2026-11-12T00:00:00') }), T('2026-12-01T00:00:00'))).toBe('late');
  });

  it('a national transfer with an upstream end and a clock on a provisional year count the same way', () => {
    // the end is whatever the clock holds (national dueAt; a provisional year's count): no special case
    expect(clockOutcome(clock({ due: T('2026-11-03T17:00:00'), metAt: T('2026-11-03T16:59:59') }), T('2026-12-01T00:00:00'))).toBe('onTime');
    expect(clockOutcome(clock({ due: T('2027-01-05T00:00:00') }), T('2027-01-05T00:00:00'))).toBe('late');
  });

  it('property: outcome never goes back from on time/late as asOf moves on', () => {
    const base = T('2026-11-02T00:00:00').getTime();
    fc.assert(fc.property(fc.integer({ min: 0, max: 30 * 86400 }), fc.option(fc.integer({ min: 0, max: 30 * 86400 })), fc.integer({ min: 0, max: 40 * 86400 }), fc.integer({ min: 0, max: 40 * 86400 }), (dueS, metS, a1, a2) => {
      const c = clock({ startedAt: new Date(base), due: new Date(base + dueS * 1000 + 1000), metAt: metS === null ? null : new Date(base + metS * 1000) });
      const [x, y] = [Math.min(a1, a2), Math.max(a1, a2)];
      const o1 = clockOutcome(c, new Date(base + x * 1000));
      const o2 = clockOutcome(c, new Date(base + y * 1000));
      if (o1 === 'onTime' || o1 === 'late') expect(o2).toBe(o1);
    }));
  });
});

describe('callbacks (docs/contracts.md#report-api)', () => {
  it('classes by result score', () => {
    expect([1, 2, 3, 4, 5].map(callbackClass)).toEqual(['dissatisfied', 'dissatisfied', 'basicallySatisfied', 'satisfied', 'satisfied']);
  });
});

describe('countsOf + finish (hand-counted month)', () => {
  it('counts a month: received by source, office facts, work orders per unit, callbacks, rates and score', () => {
    const facts: ReportFact[] = [
      fact('received', '2026-11-02T08:00:00', { unit: null }),
      fact('received', '2026-11-03T08:00:00', { ticketId: 't2', receivedAt: T('2026-11-03T08:00:00'), source: 'national', unit: null }),
      fact('received', '2026-11-03T09:00:00', { ticketId: 't3', receivedAt: T('2026-11-03T09:00:00'), source: 'ywtb', unit: null }),
      // received in October: not this month's, whatever happens to it in November
      fact('received', '2026-10-31T23:59:59', { ticketId: 't0', receivedAt: T('2026-10-31T23:59:59'), unit: null }),
      fact('callback', '2026-11-05T00:00:00', { ticketId: 't0', receivedAt: T('2026-10-31T23:59:59'), score: 5 }),
      fact('dispatched', '2026-11-02T08:01:00'),
      fact('dispatched', '2026-11-03T08:01:00', { ticketId: 't2' }),
      // merged into t2: counted merged once
      fact('merged', '2026-11-03T09:01:00', { ticketId: 't3', receivedAt: T('2026-11-03T09:00:00'), unit: null }),
      // reopened twice: one ticket reopened
      fact('reopened', '2026-11-06T00:00:00'),
      fact('reopened', '2026-11-08T00:00:00'),
      fact('callback', '2026-11-05T00:00:00', { score: 2 }),
      fact('callback', '2026-11-07T00:00:00', { score: 3, resolved: true }),
      fact('callback', '2026-11-09T00:00:00', { score: 5, resolved: false }),
      fact('callback', '2026-11-09T00:00:00', { ticketId: 't2', score: 4 }),
      // after asOf: ignored
      fact('terminated', '2026-12-02T00:00:00'),
    ];
    const clocks: ReportClock[] = [
      clock({ type: 'contact', due: T('2026-11-04T00:00:00'), metAt: T('2026-11-03T10:00:00') }),
      clock({ type: 'contact', ticketId: 't2', due: T('2026-11-05T00:00:00'), metAt: T('2026-11-05T00:00:00') }),
      clock({ metAt: T('2026-11-04T00:00:00') }),
      clock({ ticketId: 't2' }),
      // due in December: next month's
      clock({ ticketId: 't1', due: T('2026-12-01T00:00:01') }),
    ];
    const f = finish(countsOf(facts, clocks, win('2026-12-01T00:00:00')), W);
    expect(f.received).toEqual({ all: 3, hotline: 1, ywtb: 1, national: 1, open311: 0 });
    expect([f.dispatched, f.merged, f.reopened, f.terminated]).toEqual([2, 1, 1, 0]);
    expect(f.contact).toEqual({ due: 2, onTime: 1, late: 1, rate: 0.5 });
    expect(f.resolve).toEqual({ due: 2, onTime: 1, late: 1, rate: 0.5 });
    // 4 callbacks: 2 satisfied, 1 basically, 1 dissatisfied → (2 + 0.9) / 4
    expect(f.callbacks).toEqual({ done: 4, satisfied: 2, basicallySatisfied: 1, dissatisfied: 1, resolved: 2, satisfactionRate: 0.725 });
    // solved: score 3 said yes, score 5 said no, score 4 not asked → 2 of 4
    expect(f.threeRates).toEqual({ contactRate: 0.5, resolutionRate: 0.5, satisfactionRate: 0.725, score: Math.round((0.1 * 0.5 + 0.5 * 0.5 + 0.4 * 0.725) * 10000) / 10000 });
  });

  it('an upheld appeal takes a dissatisfied callback out (不属实), from the moment it was upheld', () => {
    const facts = [fact('callback', '2026-11-05T00:00:00', { score: 1 }), fact('appeal.filed', '2026-11-06T00:00:00'), fact('appeal.upheld', '2026-11-10T00:00:00')];
    expect(finish(countsOf(facts, [], win('2026-11-09T00:00:00')), W).callbacks.done).toBe(1);
    const after = finish(countsOf(facts, [], win('2026-11-11T00:00:00')), W);
    expect(after.callbacks.done).toBe(0);
    expect(after.appeals).toEqual({ filed: 1, upheld: 1 });
    expect(after.threeRates.satisfactionRate).toBeNull();
  });

  it('designated after a dispute: the office facts stay with the office, the work order with the named unit', () => {
    const facts = [
      fact('received', '2026-11-02T08:00:00', { unit: null }),
      fact('disputed', '2026-11-02T08:01:00', { unit: null }),
      fact('dispatched', '2026-11-02T10:00:00', { unit: 'U2' }),
    ];
    const all = finish(countsOf(facts, [], win('2026-12-01T00:00:00')), W);
    expect([all.received.all, all.disputed, all.dispatched]).toEqual([1, 1, 1]);
    const u2 = finish(countsOf(facts.filter((x) => x.unit === 'U2'), [], win('2026-12-01T00:00:00')), W);
    expect([u2.received.all, u2.disputed, u2.dispatched]).toEqual([0, 0, 1]);
  });

  it('co-handlers are not counted: only the lead unit holds the clock and the work order', () => {
    // a co-handler (协办) has no fact and no clock of its own; the lead answers for everyone (Shenzhen Draft ch. 4)
    const facts = [fact('dispatched', '2026-11-02T10:00:00', { unit: 'LEAD' })];
    const clocks = [clock({ unit: 'LEAD', metAt: T('2026-11-04T00:00:00') })];
    const co = finish(countsOf(facts.filter((x) => x.unit === 'CO'), clocks.filter((x) => x.unit === 'CO'), win('2026-12-01T00:00:00')), W);
    expect([co.dispatched, co.resolve.due]).toEqual([0, 0]);
  });

  it('a ticket sent on to a second unit is a work order of each (a redispatch after an objection)', () => {
    const facts = [
      fact('dispatched', '2026-11-02T10:00:00', { unit: 'U1' }),
      fact('objection.filed', '2026-11-02T11:00:00', { unit: 'U1' }),
      fact('objection.accepted', '2026-11-02T15:00:00', { unit: 'U2' }),
      fact('dispatched', '2026-11-02T15:00:00', { unit: 'U2' }),
    ];
    const f = finish(countsOf(facts, [], win('2026-12-01T00:00:00')), W);
    expect([f.dispatched, f.objections.filed, f.objections.accepted]).toEqual([2, 1, 1]);
  });
});

describe('exactness: unmerge and a provisional year replaced (hand-computed)', () => {
  it('an unmerge takes the merge back from its moment; merged again counts once more', () => {
    const facts: ReportFact[] = [
      fact('merged', '2026-11-03T10:00:00'),
      fact('unmerged', '2026-11-05T10:00:00'),
      fact('merged', '2026-11-20T10:00:00'),
      fact('merged', '2026-11-04T10:00:00', { ticketId: 't2' }),
    ];
    const merged = (asOf: string): number => countsOf(facts, [], win(asOf)).merged;
    expect(merged('2026-11-03T09:59:59')).toBe(0);
    expect(merged('2026-11-04T12:00:00')).toBe(2); // t1 and t2 merged
    expect(merged('2026-11-05T09:59:59')).toBe(2);
    expect(merged('2026-11-05T10:00:00')).toBe(1); // t1 unmerged: only t2
    expect(merged('2026-11-21T00:00:00')).toBe(2); // t1 merged again
  });

  it('a provisional year replaced: before the replacement the provisional end counts, after it the published one', () => {
    // Resolve clock started 28 Dec 2026, 5 working days counted on weekends only in 2027 (provisional):
    // 29, 30, 31 Dec, 1, 4 Jan → ends 5 Jan 00:00. The published 2027 schedule makes 1 Jan a holiday
    // → 29, 30, 31 Dec, 4, 5 Jan → ends 6 Jan 00:00; replaced on 2 Jan 10:00. Met 5 Jan 15:00.
    const c = clock({
      startedAt: T('2026-12-28T09:00:00'),
      due: T('2027-01-06T00:00:00'),
      metAt: T('2027-01-05T15:00:00'),
      extensions: [{ decidedAt: T('2027-01-02T10:00:00'), previousDue: T('2027-01-05T00:00:00') }],
    });
    expect(clockOutcome(c, T('2027-01-02T09:00:00'))).toBe('pending'); // the provisional end, not passed yet
    expect(clockOutcome(c, T('2027-01-10T00:00:00'))).toBe('onTime'); // met before the published end
    const jan = parsePeriod('2027-01');
    if (!jan.ok) throw new Error('period');
    const at = (asOf: string) => countsOf([], [c], { fromInstant: jan.value.fromInstant, toInstant: jan.value.toInstant, asOf: T(asOf) }).resolve;
    expect(at('2027-01-02T09:00:00')).toEqual({ onTime: 0, late: 0, pending: 1 });
    expect(at('2027-01-10T00:00:00')).toEqual({ onTime: 1, late: 0, pending: 0 });
    // not replaced: met after the provisional end would have been late
    expect(clockOutcome({ ...c, due: T('2027-01-05T00:00:00'), extensions: [] }, T('2027-01-10T00:00:00'))).toBe('late');
  });
});

describe('factsOfEvent', () => {
  it('maps the lifecycle events; reviews by their decision; an unsatisfied callback reopens', () => {
    expect(factsOfEvent('designated')).toEqual(['dispatched']);
    expect(factsOfEvent('redispatched')).toEqual(['objection.accepted', 'dispatched']);
    // an approval counts once, from the event both the office's decision and a notice write
    expect(factsOfEvent('extension_approved')).toEqual(['extension.approved']);
    expect(factsOfEvent('extension_reviewed', { decision: 'approved' })).toEqual([]);
    expect(factsOfEvent('extension_refused')).toEqual([]);
    expect(factsOfEvent('appeal_reviewed', { decision: 'upheld' })).toEqual(['appeal.upheld']);
    expect(factsOfEvent('called_back', { afterState: 'closed' })).toEqual(['callback']);
    expect(factsOfEvent('called_back', { afterState: 'signed' })).toEqual(['callback', 'reopened']);
    expect(factsOfEvent('unmerged')).toEqual(['unmerged']);
    expect(factsOfEvent('signed')).toEqual([]);
  });
});

describe('checkWeights', () => {
  it('accepts the defaults and refuses weights that do not sum to 1 or leave [0,1]', () => {
    expect(checkWeights({ ...W }).ok).toBe(true);
    expect(checkWeights({ ...W, contact: 0.2 })).toMatchObject({ ok: false, fields: [{ path: 'satisfaction' }] });
    expect(checkWeights({ ...W, basicallySatisfied: 1.5 })).toMatchObject({ ok: false, fields: [{ path: 'basicallySatisfied' }] });
    expect(checkWeights({ ...W, extra: 1 })).toMatchObject({ ok: false });
  });
});
