import { dueSnapshots } from './schedule';
import { monthsOf, parsePeriod, parseRange, shanghaiDay } from './period';
import { notices, rank } from './rankings';
import { DEFAULT_ASSESSMENT_WEIGHTS } from './assessment';
import { emptyCounts, finish } from './figures';

describe('periods (docs/contracts.md#report-api)', () => {
  it.each([
    ['2026-11', '2026-11-01', '2026-11-30'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2026Q4', '2026-10-01', '2026-12-31'],
    ['2026H1', '2026-01-01', '2026-06-30'],
    ['2026', '2026-01-01', '2026-12-31'],
    ['A2026', '2025-11-01', '2026-10-31'],
  ])('%s is %s … %s in Asia/Shanghai', (p, from, to) => {
    const r = parsePeriod(p);
    expect(r).toMatchObject({ ok: true, value: { from, to } });
  });

  it('instants are half-open at 00:00 +08:00', () => {
    const r = parsePeriod('2026-11');
    if (!r.ok) throw new Error('bad');
    expect(r.value.fromInstant.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(r.value.toInstant.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(shanghaiDay(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(shanghaiDay(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
  });

  it('refuses bad shortcuts and ranges', () => {
    expect(parsePeriod('2026-13').ok).toBe(false);
    expect(parsePeriod('2026Q5').ok).toBe(false);
    expect(parsePeriod('B2026').ok).toBe(false);
    expect(parseRange('2026-11-02', '2026-11-01')).toMatchObject({ ok: false, path: 'to' });
    expect(parseRange('2026-02-30', '2026-03-01')).toMatchObject({ ok: false, path: 'from' });
    expect(parseRange('2020-01-01', '2026-01-01')).toMatchObject({ ok: false, path: 'to' });
  });

  it('lists the months of the assessment year', () => {
    const r = parsePeriod('A2026');
    if (!r.ok) throw new Error('bad');
    expect(monthsOf(r.value)).toEqual(['2025-11', '2025-12', ...Array.from({ length: 10 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)]);
  });
});

describe('rankings and 通报', () => {
  const g = (key: string, onTime: number, late: number) => {
    const c = emptyCounts();
    c.contact.onTime = onTime;
    c.contact.late = late;
    return { key, name: key, ...finish(c, DEFAULT_ASSESSMENT_WEIGHTS) };
  };
  it('ranks highest first, ties share a rank, units without the rate come last unranked', () => {
    const r = rank([g('B', 1, 1), g('A', 1, 1), g('C', 3, 1), g('D', 0, 0)], 'contactRate');
    expect(r.map((x) => [x.key, x.rank])).toEqual([['C', 1], ['A', 2], ['B', 2], ['D', null]]);
  });
  it('one 通报 entry per unit and reason with its tickets', () => {
    const n = notices([
      { unit: 'U1', reason: 'bounced', ticketId: 'b' },
      { unit: 'U1', reason: 'bounced', ticketId: 'a' },
      { unit: 'U1', reason: 'bounced', ticketId: 'a' },
      { unit: 'U2', reason: 'overdue_supervised', ticketId: 'c' },
    ]);
    expect(n).toEqual([
      { unit: 'U1', reason: 'bounced', count: 2, tickets: ['a', 'b'] },
      { unit: 'U2', reason: 'overdue_supervised', count: 1, tickets: ['c'] },
    ]);
  });
});

describe('scheduled snapshots', () => {
  it('makes each kind at its fixed moment, the latest due one only', () => {
    const s = dueSnapshots(new Date('2026-12-06T12:00:00+08:00'));
    expect(s.map((x) => [x.kind, x.period, x.asOf.toISOString()])).toEqual([
      ['quarter', '2026Q3', '2026-10-14T16:00:00.000Z'],
      ['half', '2026H1', '2026-07-14T16:00:00.000Z'],
      ['year', '2025', '2026-01-30T16:00:00.000Z'],
      ['assessment', 'A2026', '2026-10-31T16:00:00.000Z'],
    ]);
    expect(dueSnapshots(new Date('2027-01-15T00:00:00+08:00')).find((x) => x.kind === 'quarter')?.period).toBe('2026Q4');
    expect(dueSnapshots(new Date('2027-01-14T23:59:59+08:00')).find((x) => x.kind === 'quarter')?.period).toBe('2026Q3');
  });
});
