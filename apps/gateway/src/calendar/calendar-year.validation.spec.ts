import { validateCalendarYear } from './calendar-year.validation';

describe('validateCalendarYear (PUT /office/calendar/:year)', () => {
  it('accepts a State Council schedule, sorted, with published as given', () => {
    const r = validateCalendarYear('2027', { holidays: ['2027-01-03', '2027-01-01', '2027-01-02'], workdays: ['2027-02-20'], published: true });
    expect(r).toEqual({ ok: true, entry: { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: ['2027-02-20'], published: true } });
    expect(validateCalendarYear('2027', { holidays: [], workdays: [], published: false })).toMatchObject({ ok: true, entry: { published: false } });
  });

  it('names every problem with its path', () => {
    const r = validateCalendarYear('2027', { holidays: ['2027-13-01', 7, '2028-01-01', '2027-05-01', '2027-05-01'], workdays: ['2027-05-01', '2027-05-03'] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fields).toEqual([
      { path: 'holidays[0]', message: 'no such date: 2027-13-01' },
      { path: 'holidays[1]', message: 'not a YYYY-MM-DD date: 7' },
      { path: 'holidays[2]', message: '2028-01-01 is not in 2027' },
      { path: 'holidays[4]', message: '2027-05-01 is listed twice (also holidays[3])' },
      { path: 'workdays[0]', message: '2027-05-01 is also listed in holidays[3]: a day is either a holiday or a workday' },
      { path: 'workdays[1]', message: '2027-05-03 is a Monday: a make-up workday (调休) must be a Saturday or Sunday' },
      { path: 'published', message: expect.stringContaining('is required') },
    ]);
  });

  it('refuses a bad year, a missing list and a body that is not an object', () => {
    expect(validateCalendarYear('1999', { holidays: [], workdays: [], published: true })).toMatchObject({ ok: false, fields: [{ path: 'year' }] });
    expect(validateCalendarYear('2027', { workdays: [], published: true })).toMatchObject({ ok: false, fields: [{ path: 'holidays' }] });
    expect(validateCalendarYear('2027', [1])).toMatchObject({ ok: false, fields: [{ path: '' }] });
    expect(validateCalendarYear('20x7', null)).toMatchObject({ ok: false, fields: [{ path: 'year' }, { path: '' }] });
  });
});
