/**
 * 沪府办〔2020〕49号 Art. 4(二): "对争议事项，由热线管理办公室指定转送" — a ticket the hub cannot route is the office's
 * to designate; it must not sit in `received` while a job retries silently.
 */
import fc from 'fast-check';
import { DEFAULT_ROUTING_FAILURE_POLICY, routingFailureReason, routingFailureVerdict } from './routing-failure';

describe('routingFailureVerdict', () => {
  it('retries twice, then hands the ticket to the office (default 3 failures)', () => {
    expect([1, 2, 3, 4].map((n) => routingFailureVerdict(n))).toEqual(['retry', 'retry', 'dispute', 'dispute']);
    expect(routingFailureVerdict(1, { maxFailures: 1 })).toBe('dispute');
  });

  it('is monotone: once disputed, more failures never mean retry (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 100 }), (max, n) => {
        const v = routingFailureVerdict(n, { maxFailures: max });
        expect(v).toBe(n >= max ? 'dispute' : 'retry');
      }),
    );
    expect(DEFAULT_ROUTING_FAILURE_POLICY.maxFailures).toBe(3);
  });

  it('refuses a nonsense count', () => {
    expect(() => routingFailureVerdict(0)).toThrow(RangeError);
  });

  it('the reason names the count and a one-line, bounded error', () => {
    expect(routingFailureReason(3, 'boom\n  at x')).toBe('自动派单连续失败 3 次（boom at x），转热线管理办公室指定承办单位或退回');
    expect(routingFailureReason(3, 'x'.repeat(500)).length).toBeLessThan(260);
  });
});
