import { HubError } from '../errors/hub-error';
import { HashGate, addressKey, loginDelayMs } from './login-guard';

describe('login guard', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('slows a username down after a few failures, up to a cap, never refusing', () => {
    expect(loginDelayMs(0)).toBe(0);
    expect(loginDelayMs(4)).toBe(0);
    expect(loginDelayMs(5)).toBe(250);
    expect(loginDelayMs(6)).toBe(500);
    expect(loginDelayMs(100)).toBe(4000);
  });

  it('runs at most max hashes at once, queues a few, answers 503 beyond', async () => {
    const gate = new HashGate(2, 1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let peak = 0;
    let now = 0;
    const job = async (): Promise<void> => {
      peak = Math.max(peak, ++now);
      await held;
      now--;
    };
    const running = [gate.run(job, 'a'), gate.run(job, 'b'), gate.run(job, 'c')];
    const refused = await gate.run(job, 'd').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HubError);
    expect((refused as HubError).status).toBe(503);
    release();
    await Promise.all(running);
    expect(peak).toBe(2);
    await gate.run(job);
  });

  it('one hash per address at a time: a burst from one address does not hold up another', async () => {
    const gate = new HashGate(2, 10);
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const burst = [1, 2, 3].map((i) =>
      gate.run(async () => {
        order.push(`a${i}`);
        await held;
      }, 'a'),
    );
    const other = gate.run(async () => void order.push('b1'), 'b');
    await new Promise((r) => setImmediate(r));
    // a1 holds one slot; a2 and a3 wait in a's line although a slot is free; b1 runs at once
    expect(order).toEqual(['a1', 'b1']);
    release();
    await Promise.all([...burst, other]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
  });
});
