/**
 * PostgreSQL is the truth, Redis is transport (README.md#architecture): with timers queued in Redis and
 * Redis wiped (FLUSHDB), the sweeper — running on its own interval here, as in production —
 * notices, queues them again, and fires whatever falls due from the deadline table.
 */
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@hub/queues';
import { INSTALLATION_ID } from '@hub/common';
import { clockJobId } from '../../apps/router/src/clock/clock-timers.service';
import { eventually, flushRedis } from '../support/harness';
import { ClockHub, UNIT, clockStates, dispatchClocks, eventsOfType, insertDispatchedTicket, resetWorld, startClockHub, waitForStatus, workOrdersAt } from './clock-test-kit';

const RECEIVED = '2026-11-23T10:00:00+08:00';

describe('clock timers survive a wiped Redis', () => {
  let h: ClockHub;
  let queue: Queue;

  beforeAll(async () => {
    h = await startClockHub('2026-11-23T23:30:00+08:00', { sweepIntervalMs: 150 });
    queue = h.router.get<Queue>(getQueueToken(QUEUES.clock));
  });
  beforeEach(() => resetWorld(h));
  afterAll(() => h.close());

  it('FLUSHDB with a warning and a miss queued: both are queued again and fire on time, from the table', async () => {
    h.clock.set('2026-11-23T23:30:00+08:00');
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    const [{ id: contactId }] = (await h.ds.query(`SELECT id::text AS id FROM ticket_clocks WHERE ticket_id = $1 AND type = 'contact'`, [t.id])) as Array<{ id: string }>;
    const warnJob = clockJobId(h.router.get<string>(INSTALLATION_ID), contactId, new Date('2026-11-24T00:00:00+08:00'));

    // the sweeper queues the contact warning (due in 30 min, inside the 1 h horizon)
    const queued = await eventually(() => queue.getJob(warnJob));
    await flushRedis();
    // the marker went with the data: the next pass sees it and queues the timer again (a new job)
    const requeued = await eventually(async () => {
      const job = await queue.getJob(warnJob);
      return job && job.timestamp > queued.timestamp ? job : undefined;
    });
    expect(requeued.data).toEqual({ clockId: contactId, at: new Date('2026-11-24T00:00:00+08:00').toISOString() });

    // wiped again, and this time nobody gets to queue it before it is due: the table still has it
    await flushRedis();
    h.clock.set('2026-11-24T00:00:02+08:00');
    await eventually(async () => (await eventsOfType(h.ds, t.id, 'warning')).length === 1);
    const [order] = await eventually(async () => {
      const got = workOrdersAt(h.units, UNIT);
      return got.length ? got : undefined;
    });
    expect(order.body).toMatchObject({ type: 'warning', clock: 'contact' });

    // the contact clock's miss, a day later, with Redis wiped once more right before it
    h.clock.set('2026-11-24T23:59:00+08:00');
    await eventually(async () => (await queue.getJob(clockJobId(h.router.get<string>(INSTALLATION_ID), contactId, new Date('2026-11-25T00:00:00+08:00')))) ?? undefined);
    await flushRedis();
    h.clock.set('2026-11-25T00:00:01+08:00');
    await eventually(async () => (await clockStates(h.ds, t.id)).contact?.state === 'missed');
    const [status] = await waitForStatus(h.hotline, t.externalId, 'supervised');
    expect(status.reason).toContain('先行联系时限（2026-11-24）已超期，第1次督办');
    expect(await eventsOfType(h.ds, t.id, 'warning')).toHaveLength(1); // fired once, not once per path
  });
});

describe('a wiped Redis is noticed within seconds, not at the next sweep', () => {
  let h: ClockHub;

  // the sweeper's own pass comes once an hour here: only the marker watch can queue the timer again
  beforeAll(async () => {
    h = await startClockHub('2026-11-23T23:30:00+08:00', { sweepIntervalMs: 3_600_000 });
  });
  beforeEach(() => resetWorld(h));
  afterAll(() => h.close());

  it('FLUSHDB with a warning queued: the watch sees the marker gone and a sweep queues it again', async () => {
    const queue = h.router.get<Queue>(getQueueToken(QUEUES.clock));
    h.clock.set('2026-11-23T23:30:00+08:00');
    const t = await insertDispatchedTicket(h.ds);
    await dispatchClocks(h, t, RECEIVED);
    const [{ id: contactId }] = (await h.ds.query(`SELECT id::text AS id FROM ticket_clocks WHERE ticket_id = $1 AND type = 'contact'`, [t.id])) as Array<{ id: string }>;
    const warnJob = clockJobId(h.router.get<string>(INSTALLATION_ID), contactId, new Date('2026-11-24T00:00:00+08:00'));
    await h.timers.sweep();
    const queued = await eventually(() => queue.getJob(warnJob));
    await flushRedis();
    const requeued = await eventually(async () => {
      const job = await queue.getJob(warnJob);
      return job && job.timestamp > queued.timestamp ? job : undefined;
    });
    expect(requeued.data.clockId).toBe(contactId);
  });
});
