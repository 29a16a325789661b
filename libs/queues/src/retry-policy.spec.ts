import { DEFAULT_RETRY_POLICY, retriesExhausted, retryDelayMs } from './retry-policy';

describe('delivery retry policy', () => {
  it('doubles the wait up to the maximum, with jitter between half and all of it', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 0)).toBe(2_500);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 0.999999)).toBeCloseTo(5_000, -1);
    expect(retryDelayMs(2, DEFAULT_RETRY_POLICY, 0)).toBe(5_000);
    expect(retryDelayMs(4, DEFAULT_RETRY_POLICY, 0)).toBe(20_000);
    expect(retryDelayMs(30, DEFAULT_RETRY_POLICY, 0)).toBe(15 * 60_000);
    expect(retryDelayMs(500, DEFAULT_RETRY_POLICY, 0.5)).toBe(22.5 * 60_000);
  });

  it('obeys Retry-After as given, capped at a day', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 0.3, 2_000)).toBe(2_000);
    expect(retryDelayMs(9, DEFAULT_RETRY_POLICY, 0.3, 0)).toBe(0);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 0.3, 10 * 86_400_000)).toBe(86_400_000);
  });

  it('keeps retrying for at least 72 hours: the schedule spans the window with attempts to spare', () => {
    let t = 0;
    let n = 0;
    while (!retriesExhausted(new Date(0), new Date(t), DEFAULT_RETRY_POLICY)) {
      n += 1;
      t += retryDelayMs(n, DEFAULT_RETRY_POLICY, 0.5);
    }
    expect(t).toBeGreaterThanOrEqual(72 * 3_600_000);
    // a weekend outage is covered by well over a hundred attempts, none more than 30 min apart
    expect(n).toBeGreaterThan(150);
    expect(retriesExhausted(new Date(0), new Date(72 * 3_600_000 - 1), DEFAULT_RETRY_POLICY)).toBe(false);
  });
});
