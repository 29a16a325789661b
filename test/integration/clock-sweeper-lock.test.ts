/**
 * One sweeper at a time (docs/clock.md#timers): the advisory lock lasts as long as its session, so
 * a pass whose lock connection is terminated mid-way stops at its next page instead of firing the
 * rest unlocked, beside the router that takes the lock over.
 */
import { CLOCK_SWEEPER_LOCK } from '../../apps/router/src/clock/clock-timers.service';
import { ClockHub, dispatchClocks, insertDispatchedTicket, resetWorld, startClockHub } from './clock-test-kit';

const RECEIVED = '2026-11-23T10:00:00+08:00';
/** contact warnings of the tickets below fall due at 11-24 00:00 (clock-timers.test.ts) */
const WARN_AT = '2026-11-24T00:00:00+08:00';

describe('the clock sweeper and its lock', () => {
  let h: ClockHub;

  beforeAll(async () => {
    // two due timers a page, one at a time
    h = await startClockHub(RECEIVED, { sweepBatch: 2, sweepConcurrency: 1 });
  });
  beforeEach(async () => {
    h.clock.set(RECEIVED);
    await resetWorld(h);
  });
  afterAll(() => h.close());

  const warned = async (): Promise<number> =>
    ((await h.ds.query(`SELECT count(*)::int AS n FROM ticket_clocks WHERE type = 'contact' AND warned_at IS NOT NULL`)) as Array<{ n: number }>)[0].n;

  it('the lock connection terminated during the first page: the pass stops there; the next pass fires the rest', async () => {
    for (let i = 0; i < 6; i++) await dispatchClocks(h, await insertDispatchedTicket(h.ds), RECEIVED);
    h.clock.set(WARN_AT);
    // while the first page fires, the backend holding the sweeper's lock is terminated
    const fire = h.clocks.fire.bind(h.clocks);
    let terminated = 0;
    const spy = jest.spyOn(h.clocks, 'fire').mockImplementation(async (...args) => {
      if (terminated === 0) {
        const rows = (await h.ds.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND granted`,
          [CLOCK_SWEEPER_LOCK],
        )) as Array<{ ok: boolean }>;
        terminated = rows.filter((r) => r.ok).length;
      }
      return fire(...args);
    });
    try {
      await expect(h.timers.sweep()).rejects.toThrow();
      expect(terminated).toBe(1);
      // the first page (2 of the 6 warnings) was fired; nothing after the lock was gone
      expect(await warned()).toBe(2);
    } finally {
      spy.mockRestore();
    }
    const next = await h.timers.sweep();
    expect(next).toMatchObject({ locked: true, due: 4, fired: { warned: 4 } });
    expect(await warned()).toBe(6);
  });
});
