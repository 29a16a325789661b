/**
 * 申请延期 (沪府办〔2020〕49号 Art. 5): the handling unit asks, the office decides; an approved extension moves
 * the resolve deadline within the policy's cap and the hotline hears `extended` with the new due.
 *
 * Dates: received Monday 2026-11-23 10:00 → resolve due 11-30 (5 WD); Shanghai's cap for a normal
 * matter is 15 WD in total → 2026-12-14.
 */
import { HubError } from '@hub/common';
import { ClockErrorCode } from '@hub/workflow/clock';
import { shanghaiCalendar } from '@hub/rules/calendar/shanghai-calendar.fixture';
import {
  ClockHub,
  UNIT,
  clockStates,
  dispatchClocks,
  eventsOfType,
  insertDispatchedTicket,
  resetWorld,
  startClockHub,
  statusesAt,
  waitForStatus,
} from './clock-test-kit';

const RECEIVED = '2026-11-23T10:00:00+08:00';
const cal = shanghaiCalendar();

/** The HubError a promise rejects with (fails the test if it resolves or throws something else). */
async function hubError(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('expected a HubError, the call succeeded');
}

describe('clock extensions: within the cap, beyond it, refused', () => {
  let h: ClockHub;

  beforeAll(async () => {
    h = await startClockHub('2026-11-26T15:00:00+08:00');
  });
  beforeEach(async () => {
    h.clock.set('2026-11-26T15:00:00+08:00');
    await resetWorld(h);
  });
  afterAll(() => h.close());

  const request = (ticketId: string, date: string, unit = UNIT, reason = '需现场复核并协调第三方检测') =>
    h.ds.transaction((tx) => h.clocks.requestExtension(tx, ticketId, unit, date, reason));
  const decide = (requestId: string, approve: boolean, note: string | null = null) =>
    h.ds.transaction((tx) => h.clocks.decideExtension(tx, requestId, approve, 'office:张科长', note));

  it('approved within the cap: the resolve clock moves and the hotline gets `extended` with the new due', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    const req = await request(t.id, '2026-12-10');
    expect(req).toMatchObject({ status: 'pending', requestedDueDate: '2026-12-10', requestedBy: UNIT });
    expect((await eventsOfType(h.ds, t.id, 'extension_requested'))[0].data).toMatchObject({ requestedDueDate: '2026-12-10', currentDueDate: '2026-11-30', cap: '2026-12-14' });

    const d = await decide(req.id, true, '同意');
    expect(d.request).toMatchObject({ status: 'approved', decidedBy: 'office:张科长', previousDueDate: '2026-11-30' });
    expect(d.due).toEqual({ contact: '2026-11-24T23:59:59+08:00', resolve: '2026-12-10T23:59:59+08:00' });

    const [ext] = await waitForStatus(h.hotline, t.externalId, 'extended');
    expect(ext).toMatchObject({
      orderNo: t.externalId,
      type: 'extended',
      unit: { code: UNIT, name: '浦东新区市场监督管理局' },
      due: { contact: '2026-11-24T23:59:59+08:00', resolve: '2026-12-10T23:59:59+08:00' },
    });
    const c = await clockStates(h.ds, t.id);
    expect(c.resolve).toMatchObject({ state: 'running', dueDate: '2026-12-10', days: 13 });
    // its 预警 and miss follow the new date: nothing fires on the old due
    expect(c.resolve.nextFireAt?.toISOString()).toBe(new Date('2026-12-10T00:00:00+08:00').toISOString());
    h.clock.set('2026-12-01T00:00:05+08:00');
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'contact', new Date('2026-11-24T09:00:00+08:00')));
    expect((await h.timers.sweep()).due).toBe(0);
    expect((await eventsOfType(h.ds, t.id, 'extension_approved'))[0].data).toMatchObject({ previousDueDate: '2026-11-30', dueDate: '2026-12-10', cap: '2026-12-14' });
  });

  it('the cap itself is allowed; one day beyond it is refused with the latest allowed date, nothing stored', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    const e = await hubError(request(t.id, '2026-12-15'));
    expect(e.status).toBe(422);
    expect(e.code).toBe(ClockErrorCode.BeyondCap);
    expect(e.details).toEqual({ requestedDueDate: '2026-12-15', currentDueDate: '2026-11-30', cap: '2026-12-14' });
    expect(e.message).toContain('2026-12-14');
    expect(await h.ds.query(`SELECT id FROM extension_requests`)).toEqual([]);
    expect(await eventsOfType(h.ds, t.id, 'extension_requested')).toEqual([]);

    const atCap = await request(t.id, '2026-12-14');
    expect((await decide(atCap.id, true)).dueDate).toBe('2026-12-14');
  });

  it('the office decides against the cap as it stands then: an over-cap request cannot be approved, only refused', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    // a request recorded before the cap shrank (e.g. an earlier policy): the approval checks again
    const [{ id }] = (await h.ds.query(
      `INSERT INTO extension_requests (ticket_id, requested_due_date, reason, requested_by) VALUES ($1, '2026-12-18', '疑难', $2) RETURNING id::text AS id`,
      [t.id, UNIT],
    )) as Array<{ id: string }>;
    const e = await hubError(decide(id, true));
    expect(e.code).toBe(ClockErrorCode.BeyondCap);
    expect((await h.ds.query(`SELECT status FROM extension_requests WHERE id = $1`, [id])) as unknown[]).toEqual([{ status: 'pending' }]);
    expect((await clockStates(h.ds, t.id)).resolve.dueDate).toBe('2026-11-30');

    const refused = await decide(id, false, '不属于特别疑难事项');
    expect(refused).toMatchObject({ request: { status: 'refused', decisionNote: '不属于特别疑难事项' }, due: null });
    expect((await eventsOfType(h.ds, t.id, 'extension_refused'))[0].data).toMatchObject({ requestedDueDate: '2026-12-18', note: '不属于特别疑难事项' });
    const again = await hubError(decide(id, true));
    expect([again.status, again.code, again.details]).toEqual([409, ClockErrorCode.AlreadyDecided, { status: 'refused' }]);
    // a refusal tells the source nothing: its deadline did not move
    await new Promise((r) => setTimeout(r, 300));
    expect(statusesAt(h.hotline, t.externalId)).toEqual([]);
  });

  it('precise errors: not a working day, not later, malformed input, another unit, a second pending request, a national item', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    const sat = await hubError(request(t.id, '2026-12-12'));
    expect([sat.status, sat.code]).toEqual([422, ClockErrorCode.NotAWorkingDay]);
    const earlier = await hubError(request(t.id, '2026-11-27'));
    expect([earlier.status, earlier.code, earlier.details.currentDueDate]).toEqual([422, ClockErrorCode.NotLater, '2026-11-30']);
    const bad = await hubError(request(t.id, '2026-02-30', UNIT, '  '));
    expect(bad.status).toBe(400);
    expect(bad.details.fields).toEqual([
      { path: 'requestedDueDate', message: expect.stringContaining('2026-02-30') },
      { path: 'reason', message: expect.any(String) },
    ]);
    const other = await hubError(request(t.id, '2026-12-04', '310104-MARKET'));
    expect([other.status, other.code]).toEqual([403, ClockErrorCode.NotHandlingUnit]);
    const first = await request(t.id, '2026-12-04');
    const second = await hubError(request(t.id, '2026-12-07'));
    expect([second.status, second.code, second.details.requestId]).toEqual([409, ClockErrorCode.ExtensionPending, first.id]);

    // 25 WD from the transfer is a maximum for national items (沪府办〔2020〕49号 Art. 5): no extension past it
    const n = await insertDispatchedTicket(h.ds, { source: 'national', national: { level: 'general', transferredAt: RECEIVED } });
    await dispatchClocks(h, n, RECEIVED);
    const national = await hubError(request(n.id, '2027-01-05'));
    expect([national.status, national.code, national.details.cap]).toEqual([422, ClockErrorCode.BeyondCap, cal.addWorkingDays(new Date(RECEIVED), 25).dueDate]);
  });

  it('a deadline already missed cannot be extended', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    h.clock.set('2026-12-01T00:00:01+08:00');
    await h.timers.sweep();
    const e = await hubError(request(t.id, '2026-12-10'));
    expect([e.status, e.code]).toEqual([409, ClockErrorCode.ClockMissed]);
  });
});
