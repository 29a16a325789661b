/**
 * 预警 and 督办 driven by an injected clock (no sleeping for deadlines): the warning reaches the
 * unit's own system before the due; at the due the ticket is supervised and the hotline hears
 * `supervised`; every further working day overdue climbs unit → parent → office.
 *
 * Dates: a Shanghai order received Monday 2026-11-23 10:00 — contact due Tuesday 11-24 (warned at
 * 11-24 00:00), resolve due Monday 11-30 (warned 11-30 00:00, missed 12-01 00:00, then 督办 on
 * 12-02, 12-03, 12-04 at 00:00).
 */
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@hub/queues';
import { INSTALLATION_ID } from '@hub/common';
import { clockJobId } from '../../apps/router/src/clock/clock-timers.service';
import { eventually } from '../support/harness';
import {
  AUTHORITY,
  BLOCK_UNIT,
  ClockHub,
  OFFICE,
  PARENT,
  UNIT,
  clockStates,
  dispatchClocks,
  eventsOfType,
  insertDispatchedTicket,
  resetWorld,
  startClockHub,
  statusesAt,
  waitForStatus,
  workOrdersAt,
} from './clock-test-kit';

const RECEIVED = '2026-11-23T10:00:00+08:00';

describe('clock timers: warnings and supervision on an injected clock', () => {
  let h: ClockHub;

  beforeAll(async () => {
    h = await startClockHub(RECEIVED);
  });
  beforeEach(async () => {
    h.clock.set(RECEIVED);
    await resetWorld(h);
  });
  afterAll(() => h.close());

  it('dispatch starts contact and resolve with the 1/5 days of 沪府办〔2020〕49号 Art. 5 and returns the wire due', async () => {
    const t = await insertDispatchedTicket(h.ds);
    const due = await dispatchClocks(h, t, RECEIVED);
    expect(due).toEqual({ contact: '2026-11-24T23:59:59+08:00', resolve: '2026-11-30T23:59:59+08:00' });
    const c = await clockStates(h.ds, t.id);
    expect(c.contact).toMatchObject({ state: 'running', dueDate: '2026-11-24', days: 1, provisional: false });
    expect(c.resolve).toMatchObject({ state: 'running', dueDate: '2026-11-30', days: 5 });
    // the next thing to happen to each is its 预警, one working day before the end
    expect(c.contact.nextFireAt?.toISOString()).toBe(new Date('2026-11-24T00:00:00+08:00').toISOString());
    expect(c.resolve.nextFireAt?.toISOString()).toBe(new Date('2026-11-30T00:00:00+08:00').toISOString());
  });

  it('a complex matter gets 15 working days; a national item 1/5/15 under its 25-WD ceiling (沪府办〔2020〕49号 Art. 5)', async () => {
    const complex = await insertDispatchedTicket(h.ds, { complex: true });
    expect((await dispatchClocks(h, complex, RECEIVED)).resolve).toBe('2026-12-14T23:59:59+08:00');
    const general = await insertDispatchedTicket(h.ds, { source: 'national', national: { level: 'general', transferredAt: RECEIVED } });
    expect(await dispatchClocks(h, general, RECEIVED)).toEqual({ contact: '2026-11-24T23:59:59+08:00', resolve: '2026-11-30T23:59:59+08:00' });
    const urgent = await insertDispatchedTicket(h.ds, { source: 'national', national: { level: 'urgent', dueAt: '2026-11-25T18:00:00+08:00', transferredAt: RECEIVED } });
    expect((await dispatchClocks(h, urgent, RECEIVED)).resolve).toBe('2026-11-25T18:00:00+08:00');
    expect((await clockStates(h.ds, urgent.id)).resolve.days).toBeNull();
  });

  it('the 预警 fires from its delayed BullMQ job before the due and reaches the unit\'s own system', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    // 0.4 s before the contact warning (Tuesday 00:00): the scheduler queues it, nothing else is near
    h.clock.set('2026-11-23T23:59:59.600+08:00');
    expect(await h.timers.schedule()).toBe(1);
    const queue = h.router.get<Queue>(getQueueToken(QUEUES.clock));
    const [contactId] = (await h.ds.query(`SELECT id::text AS id FROM ticket_clocks WHERE ticket_id = $1 AND type = 'contact'`, [t.id])) as Array<{ id: string }>;
    const jobId = clockJobId(h.router.get<string>(INSTALLATION_ID), contactId.id, new Date('2026-11-24T00:00:00+08:00'));
    expect(await queue.getJob(jobId)).toBeDefined();
    expect(await h.timers.schedule()).toBe(0); // queued once, however often the scheduler runs
    h.clock.set('2026-11-24T00:00:01+08:00');

    // The sweeper is off in this hub: only the job can deliver this.
    const [order] = await eventually(async () => {
      const got = workOrdersAt(h.units, UNIT);
      return got.length ? got : undefined;
    });
    expect(order.signatureValid).toBe(true);
    expect(order.body).toMatchObject({
      ticketId: t.id,
      type: 'warning',
      role: 'lead',
      clock: 'contact',
      dueDate: '2026-11-24',
      due: { contact: '2026-11-24T23:59:59+08:00', resolve: '2026-11-30T23:59:59+08:00' },
    });
    const [ev] = await eventsOfType(h.ds, t.id, 'warning');
    expect(ev.data).toMatchObject({ clock: 'contact', dueDate: '2026-11-24', unitCode: UNIT });
    const c = await clockStates(h.ds, t.id);
    expect(c.contact.warnedAt).not.toBeNull();
    expect(c.contact.nextFireAt?.toISOString()).toBe(new Date('2026-11-25T00:00:00+08:00').toISOString());
    // a 预警 is for the unit: the hotline hears nothing
    expect(statusesAt(h.hotline, t.externalId)).toEqual([]);
  });

  it('a job for a timer that moved on does nothing (first contact met before the warning)', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    h.clock.set('2026-11-23T23:59:59.700+08:00');
    expect(await h.timers.schedule()).toBe(1);
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'contact', new Date('2026-11-23T23:59:59.800+08:00')));
    h.clock.set('2026-11-24T00:00:01+08:00');
    await new Promise((r) => setTimeout(r, 800)); // the job's own (real) delay
    expect(await h.timers.sweep()).toMatchObject({ due: 0 });
    expect(await eventsOfType(h.ds, t.id, 'warning')).toEqual([]);
    expect(workOrdersAt(h.units, UNIT)).toEqual([]);
    const [met] = (await h.ds.query(`SELECT state, missed_at, next_fire_at FROM ticket_clocks WHERE ticket_id = $1 AND type = 'contact'`, [t.id])) as Array<Record<string, unknown>>;
    expect(met).toEqual({ state: 'met', missed_at: null, next_fire_at: null });
  });

  it('at the due the clock is missed: 督办 at the unit, `supervised` to the hotline and the unit', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'contact', new Date('2026-11-24T09:00:00+08:00')));

    h.clock.set('2026-11-30T00:00:05+08:00');
    expect((await h.timers.sweep()).fired).toEqual({ warned: 1 });
    h.clock.set('2026-11-30T23:59:58+08:00'); // the last working day is not over: nothing yet
    expect((await h.timers.sweep()).due).toBe(0);
    h.clock.set('2026-12-01T00:00:00+08:00'); // 24:00 of the last working day (Civil Code Art. 203)
    expect((await h.timers.sweep()).fired).toEqual({ supervised: 1 });

    const [status] = await waitForStatus(h.hotline, t.externalId, 'supervised');
    expect(status).toMatchObject({ orderNo: t.externalId, ticketId: t.id, type: 'supervised', unit: { code: UNIT, name: '浦东新区市场监督管理局' } });
    expect(status.reason).toContain('第1次督办');
    const [ev] = await eventsOfType(h.ds, t.id, 'supervised');
    expect(ev.data).toMatchObject({ clock: 'resolve', round: 1, level: 'unit', notifiedUnit: { code: UNIT }, dueDate: '2026-11-30' });
    await eventually(async () => workOrdersAt(h.units, UNIT).some((r) => (r.body as Record<string, unknown>).type === 'supervised'));
    const supervised = workOrdersAt(h.units, UNIT).find((r) => (r.body as Record<string, unknown>).type === 'supervised');
    expect(supervised?.body).toMatchObject({ role: 'lead', supervision: { level: 'unit', round: 1 } });
    const c = await clockStates(h.ds, t.id);
    expect(c.resolve).toMatchObject({ state: 'missed', superviseCount: 1 });
    expect(c.resolve.nextFireAt?.toISOString()).toBe(new Date('2026-12-02T00:00:00+08:00').toISOString());
  });

  it('supervision repeats every working day, climbing unit → parent → office, until the reply', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'contact', new Date('2026-11-24T09:00:00+08:00')));
    for (const at of ['2026-11-30T00:00:01', '2026-12-01T00:00:01', '2026-12-02T00:00:01', '2026-12-03T00:00:01', '2026-12-04T00:00:01']) {
      h.clock.set(`${at}+08:00`);
      await h.timers.sweep();
    }
    const rounds = (await eventsOfType(h.ds, t.id, 'supervised')).map((e) => [e.data.round, e.data.level, (e.data.notifiedUnit as { code: string }).code]);
    expect(rounds).toEqual([
      [1, 'unit', UNIT],
      [2, 'parent', PARENT],
      [3, 'office', OFFICE],
      [4, 'office', OFFICE],
    ]);
    const statuses = await waitForStatus(h.hotline, t.externalId, 'supervised', 4);
    expect(statuses.map((s) => s.reason)).toEqual([
      expect.stringContaining('第1次督办：承办单位 浦东新区市场监督管理局'),
      expect.stringContaining('第2次督办：上级单位 上海市市场监督管理局'),
      expect.stringContaining('第3次督办：热线管理办公室'),
      expect.stringContaining('第4次督办：热线管理办公室'),
    ]);
    // the parent's own system hears of round 2, as a supervisor: citizen data masked
    const toParent = await eventually(async () => {
      const got = workOrdersAt(h.units, PARENT);
      return got.length ? got : undefined;
    });
    expect(toParent).toHaveLength(1);
    expect(toParent[0].body).toMatchObject({ type: 'supervised', role: 'co', supervision: { level: 'parent', round: 2 } });
    expect(JSON.stringify(toParent[0].body)).not.toContain('13812345678');

    // 办结 on Friday: the resolve clock is met, late; no further rounds
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'resolve', new Date('2026-12-04T10:00:00+08:00')));
    h.clock.set('2026-12-09T00:00:01+08:00');
    expect((await h.timers.sweep()).due).toBe(0);
    const [row] = (await h.ds.query(`SELECT state, missed_at IS NOT NULL AS late, supervise_count FROM ticket_clocks WHERE ticket_id = $1 AND type = 'resolve'`, [t.id])) as Array<Record<string, unknown>>;
    expect(row).toEqual({ state: 'met', late: true, supervise_count: 4 });
  });

  it('after downtime the missed rounds collapse into one, at the level reached; no parent → the authority', async () => {
    const t = await insertDispatchedTicket(h.ds, { unitCode: BLOCK_UNIT });
    await dispatchClocks(h, t, RECEIVED);
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'contact', new Date('2026-11-24T09:00:00+08:00')));
    // the router was down from before the warning until after round 2 was due
    h.clock.set('2026-12-02T08:00:00+08:00');
    const report = await h.timers.sweep();
    expect(report.fired).toEqual({ supervised: 1 });
    const events = await eventsOfType(h.ds, t.id, 'supervised');
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ round: 2, level: 'parent', notifiedUnit: { code: AUTHORITY }, skippedRounds: 1 });
    expect(await eventsOfType(h.ds, t.id, 'warning')).toEqual([]); // a warning after the due is pointless
    expect((await clockStates(h.ds, t.id)).resolve.superviseCount).toBe(2);
  });

  it('reopen (重办) starts a fresh resolve clock; stop ends every timer', async () => {
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'contact', new Date('2026-11-24T09:00:00+08:00')));
    await h.ds.transaction((tx) => h.clocks.meet(tx, t.id, 'resolve', new Date('2026-11-27T16:00:00+08:00')));
    const due = await h.ds.transaction((tx) => h.clocks.restartResolve(tx, t, new Date('2026-12-01T11:00:00+08:00')));
    expect(due).toEqual({ resolve: '2026-12-08T23:59:59+08:00' });
    const history = (await h.ds.query(`SELECT type, state, due_date::text AS d FROM ticket_clocks WHERE ticket_id = $1 ORDER BY id`, [t.id])) as unknown[];
    expect(history).toEqual([
      { type: 'contact', state: 'met', d: '2026-11-24' },
      { type: 'resolve', state: 'met', d: '2026-11-30' },
      { type: 'resolve', state: 'running', d: '2026-12-08' },
    ]);
    expect(await h.ds.transaction((tx) => h.clocks.stop(tx, t.id, ['contact', 'resolve'], new Date('2026-12-02T09:00:00+08:00')))).toBe(1);
    h.clock.set('2026-12-20T00:00:00+08:00');
    expect((await h.timers.sweep()).due).toBe(0);
  });
});
