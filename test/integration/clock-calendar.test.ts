/**
 * The calendar API (GET /calendar/*, PUT /office/calendar/:year) and what a replaced year does to
 * open deadlines: provisional deadlines into 2027 (no schedule yet, weekends only) are recomputed
 * when the office enters the State Council's schedule, and the source is told `extended`.
 */
import { authHeader } from '../support/auth';
import { ClockHub, clockStates, dispatchClocks, eventsOfType, insertDispatchedTicket, resetWorld, startClockHub, statusesAt, waitForStatus } from './clock-test-kit';

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

interface FieldsBody {
  error: string;
  fields: Array<{ path: string; message: string }>;
}

describe('calendar API and calendar-year replacement', () => {
  let h: ClockHub;
  let reader: Record<string, string>;
  let supervisor: Record<string, string>;

  const get = async <T = Record<string, unknown>>(path: string, headers = reader): Promise<Answer<T>> => {
    const res = await fetch(`${h.hub.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  const put = async <T = Record<string, unknown>>(path: string, body: unknown, headers = supervisor): Promise<Answer<T>> => {
    const res = await fetch(`${h.hub.url}${path}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    h = await startClockHub('2026-12-21T10:00:00+08:00');
    reader = await authHeader(h.hub, { role: 'unit_staff', unitCode: '310115-MARKET' });
    supervisor = await authHeader(h.hub, { role: 'supervisor', id: 'sup-1' });
  });
  beforeEach(() => resetWorld(h));
  afterAll(() => h.close());

  describe('questions', () => {
    it('is a date a working day: holidays, make-up days (调休), weekends; unscheduled years are provisional', async () => {
      expect(await get('/calendar/days/2026-10-01')).toEqual({ status: 200, body: { date: '2026-10-01', workingDay: false, provisional: false } });
      expect((await get('/calendar/days/2026-10-10')).body).toMatchObject({ workingDay: true }); // a Saturday worked
      expect((await get('/calendar/days/2026-11-28')).body).toMatchObject({ workingDay: false }); // an ordinary Saturday
      expect((await get('/calendar/days/2027-01-01')).body).toEqual({ date: '2027-01-01', workingDay: true, provisional: true });
    });

    it('the deadline N working days after a moment, in the wire form, with its last day', async () => {
      const r = await get(`/calendar/deadline?from=${encodeURIComponent('2026-11-23T10:00:00+08:00')}&days=5`);
      expect(r).toEqual({ status: 200, body: { from: '2026-11-23T10:00:00+08:00', days: 5, due: '2026-11-30T23:59:59+08:00', dueDate: '2026-11-30', provisional: false } });
      // 2026-09-30 + 3: the National Day week is skipped and 10-10, a Saturday, is worked: 10-08, 10-09, 10-10
      expect((await get(`/calendar/deadline?from=${encodeURIComponent('2026-09-30T16:00:00+08:00')}&days=3`)).body).toMatchObject({ dueDate: '2026-10-10' });
      // UTC input, same instant; and a period into 2027 is provisional
      expect((await get(`/calendar/deadline?from=2026-12-21T02:00:00Z&days=15`)).body).toMatchObject({ from: '2026-12-21T10:00:00+08:00', dueDate: '2027-01-11', provisional: true });
    });

    it('working days between two moments', async () => {
      const from = encodeURIComponent('2026-11-23T10:00:00+08:00');
      expect((await get(`/calendar/between?from=${from}&to=${encodeURIComponent('2026-11-30T18:00:00+08:00')}`)).body).toEqual({
        from: '2026-11-23T10:00:00+08:00',
        to: '2026-11-30T18:00:00+08:00',
        workingDays: 5,
        provisional: false,
      });
      expect((await get(`/calendar/between?from=${encodeURIComponent('2026-09-30T09:00:00+08:00')}&to=${encodeURIComponent('2026-10-09T09:00:00+08:00')}`)).body).toMatchObject({ workingDays: 2 });
    });

    it('precise 400s naming every bad parameter', async () => {
      const bad = await get<FieldsBody>('/calendar/days/2026-02-30');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: 'validation_failed', fields: [{ path: 'date', message: expect.stringContaining('2026-02-30') }] });
      const deadline = await get<FieldsBody>('/calendar/deadline?days=-1');
      expect(deadline.status).toBe(400);
      expect(deadline.body.fields.map((f) => f.path)).toEqual(['from', 'days']);
      const noOffset = await get<FieldsBody>(`/calendar/deadline?from=${encodeURIComponent('2026-11-23 10:00')}&days=400`);
      expect(noOffset.body.fields).toEqual([
        { path: 'from', message: expect.stringContaining('RFC 3339') },
        { path: 'days', message: expect.stringContaining('0 to 366') },
      ]);
      const between = await get<FieldsBody>(`/calendar/between?from=${encodeURIComponent('2026-11-23T10:00:00+08:00')}&to=tomorrow`);
      expect(between.status).toBe(400);
      expect(between.body.fields.map((f) => f.path)).toEqual(['to']);
    });

    it('asks who is calling: no token → 401', async () => {
      const res = await fetch(`${h.hub.url}/calendar/days/2026-10-01`);
      expect(res.status).toBe(401);
    });
  });

  describe('replacing a year', () => {
    it('validates: dates inside the year, make-up days on weekends, no overlap, published given — every problem with its path', async () => {
      const r = await put<FieldsBody>('/office/calendar/2027', {
        holidays: ['2027-01-01', '2026-12-31', '2027-02-30', '2027-01-01'],
        workdays: ['2027-01-04', '2027-01-01', 'Feb 20'],
      });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('validation_failed');
      expect(r.body.fields).toEqual([
        { path: 'holidays[1]', message: '2026-12-31 is not in 2027' },
        { path: 'holidays[2]', message: 'no such date: 2027-02-30' },
        { path: 'holidays[3]', message: '2027-01-01 is listed twice (also holidays[0])' },
        { path: 'workdays[0]', message: expect.stringContaining('2027-01-04 is a Monday') },
        { path: 'workdays[1]', message: expect.stringContaining('2027-01-01 is a Friday') },
        { path: 'workdays[2]', message: 'not a YYYY-MM-DD date: "Feb 20"' },
        { path: 'published', message: expect.stringContaining('is required') },
      ]);
      const overlap = await put<FieldsBody>('/office/calendar/2027', { holidays: ['2027-02-06'], workdays: ['2027-02-06'], published: true });
      expect(overlap.body.fields).toEqual([{ path: 'workdays[0]', message: expect.stringContaining('also listed in holidays[0]') }]);
      const year = await put<FieldsBody>('/office/calendar/27', { holidays: [], workdays: [], published: true });
      expect(year.body.fields).toEqual([{ path: 'year', message: expect.stringContaining('2000 to 2099') }]);
      expect(await h.ds.query(`SELECT year FROM calendar_years`)).toEqual([]);
    });

    it('only supervisors and administrators replace a year', async () => {
      const r = await put('/office/calendar/2027', { holidays: [], workdays: [], published: true }, reader);
      expect(r.status).toBe(403);
    });

    it('publishing 2027 recomputes the provisional deadlines into it and tells each source `extended` with the new due', async () => {
      // received 2026-12-21: a complex matter (15 WD) runs into January 2027, counted weekends-only
      const into2027 = await insertDispatchedTicket(h.ds, { complex: true });
      expect(await dispatchClocks(h, into2027, '2026-12-21T10:00:00+08:00')).toEqual({ contact: '2026-12-22T23:59:59+08:00', resolve: '2027-01-11T23:59:59+08:00' });
      expect((await clockStates(h.ds, into2027.id)).resolve.provisional).toBe(true);
      // a 5-day matter ends before the new year: nothing about 2027 can move it
      const inside2026 = await insertDispatchedTicket(h.ds);
      await dispatchClocks(h, inside2026, '2026-12-21T10:00:00+08:00');

      const r = await put<{ year: number; published: boolean; holidays: string[]; recompute: Record<string, unknown> }>('/office/calendar/2027', {
        holidays: ['2027-01-03', '2027-01-01', '2027-01-02'],
        workdays: [],
        published: true,
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ year: 2027, published: true, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], replacedBy: 'supervisor:sup-1' });
      expect(r.body.recompute).toEqual({ years: [2027], clocks: 2, moved: 1, tickets: 1, notified: 1 });

      // New Year's Day is off: one working day later, and final
      const c = await clockStates(h.ds, into2027.id);
      expect(c.resolve).toMatchObject({ dueDate: '2027-01-12', provisional: false, days: 15 });
      const [ext] = await waitForStatus(h.hotline, into2027.externalId, 'extended');
      expect(ext).toMatchObject({ type: 'extended', due: { contact: '2026-12-22T23:59:59+08:00', resolve: '2027-01-12T23:59:59+08:00' }, unit: { code: '310115-MARKET' } });
      expect((await eventsOfType(h.ds, into2027.id, 'deadline_recomputed'))[0].data).toMatchObject({
        years: [2027],
        clocks: [{ clock: 'resolve', direction: 'later', previousDueDate: '2027-01-11', dueDate: '2027-01-12' }],
      });
      expect(statusesAt(h.hotline, inside2026.externalId)).toEqual([]);
      expect(await eventsOfType(h.ds, inside2026.id, 'deadline_recomputed')).toEqual([]);

      // the calendar answers with the office's year from now on, everywhere
      expect((await get('/calendar/days/2027-01-01')).body).toEqual({ date: '2027-01-01', workingDay: false, provisional: false });
      expect((await get(`/calendar/deadline?from=${encodeURIComponent('2026-12-21T10:00:00+08:00')}&days=15`)).body).toMatchObject({ dueDate: '2027-01-12', provisional: false });
      const later = await insertDispatchedTicket(h.ds, { complex: true });
      expect((await dispatchClocks(h, later, '2026-12-21T11:00:00+08:00')).resolve).toBe('2027-01-12T23:59:59+08:00');

      // a correction that moves deadlines back is told too; a draft keeps them provisional
      const draft = await put<{ recompute: Record<string, unknown> }>('/office/calendar/2027', { holidays: [], workdays: [], published: false });
      expect(draft.body.recompute).toMatchObject({ moved: 2, tickets: 2, notified: 2 });
      expect((await clockStates(h.ds, into2027.id)).resolve).toMatchObject({ dueDate: '2027-01-11', provisional: true });
      const both = await waitForStatus(h.hotline, into2027.externalId, 'extended', 2);
      expect((both[1].due as Record<string, string>).resolve).toBe('2027-01-11T23:59:59+08:00');
      expect(((await h.ds.query(`SELECT count(*)::int AS n FROM calendar_year_changes WHERE year = 2027`)) as Array<{ n: number }>)[0].n).toBe(2);
    });

    it('a replacement interrupted before its recomputation is finished by the router\'s sweeper', async () => {
      const t = await insertDispatchedTicket(h.ds, { complex: true });
      await dispatchClocks(h, t, '2026-12-21T10:00:00+08:00');
      // as if the gateway died right after writing the year
      await h.ds.query(`INSERT INTO calendar_years (year, holidays, workdays, published, replaced_by) VALUES (2027, '{2027-01-01}', '{}', true, 'test')`);
      h.clock.set('2026-12-21T12:00:00+08:00');
      const report = await h.timers.sweep();
      expect(report.recomputed).toBe(true);
      expect((await clockStates(h.ds, t.id)).resolve).toMatchObject({ dueDate: '2027-01-12', provisional: false });
      await waitForStatus(h.hotline, t.externalId, 'extended');
      expect(await h.ds.query(`SELECT recompute_pending FROM calendar_years`)).toEqual([{ recompute_pending: false }]);
    });
  });
});
