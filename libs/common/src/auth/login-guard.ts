import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { HubError } from '../errors/hub-error';

/**
 * The throttle key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber usually holds
 * a whole /64, so single IPv6 addresses cost an attacker nothing). IPv4-mapped IPv6 is IPv4.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Bounds the password hashes computed at once (each scrypt costs ~32 MiB and tens to hundreds of
 * ms of CPU): `max` run, at most one per client address, up to `queue` wait; beyond that 503 with
 * Retry-After, so a flood of logins cannot take the gateway's threads and memory. One address's
 * burst waits in its own line, served round-robin with the others, so a real user signing in
 * from elsewhere during an attack waits for no attacker's hash (docs/security.md "Login").
 */
export class HashGate {
  private running = 0;
  private queued = 0;
  private readonly busy = new Set<string>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    readonly max = Math.max(2, availableParallelism()),
    readonly queue = 64,
  ) {}

  async run<T>(fn: () => Promise<T>, address = ''): Promise<T> {
    if (this.running >= this.max || this.busy.has(address)) {
      if (this.queued >= this.queue) {
        throw new HubError(503, 'busy', 'too many sign-ins at once; retry shortly', { retryAfter: 1 }, { 'Retry-After': '1' });
      }
      this.queued++;
      await new Promise<void>((resolve) => {
        const line = this.waiting.get(address);
        if (line) line.push(resolve);
        else this.waiting.set(address, [resolve]);
      });
    } else {
      this.running++;
      this.busy.add(address);
    }
    try {
      return await fn();
    } finally {
      this.busy.delete(address);
      this.running--;
      this.handOver();
    }
  }

  /** Free slots go to the first waiter of each idle address, longest-waiting address first. */
  private handOver(): void {
    for (const [address, line] of this.waiting) {
      if (this.running >= this.max) return;
      if (this.busy.has(address)) continue;
      const resolve = line.shift()!;
      this.waiting.delete(address);
      if (line.length > 0) this.waiting.set(address, line); // to the back: round-robin
      this.queued--;
      this.running++;
      this.busy.add(address);
      resolve();
    }
  }
}

/** Failures of one username before each further attempt waits; then the wait doubles up to the cap. */
export const LOGIN_FAILURES_FREE = 5;
export const LOGIN_DELAY_BASE_MS = 250;
export const LOGIN_DELAY_MAX_MS = 4_000;

/** How long an attempt on a username with `failures` recent failures waits (slows guessing, never locks out). */
export function loginDelayMs(failures: number): number {
  if (failures < LOGIN_FAILURES_FREE) return 0;
  return Math.min(LOGIN_DELAY_MAX_MS, LOGIN_DELAY_BASE_MS * 2 ** Math.min(10, failures - LOGIN_FAILURES_FREE));
}
