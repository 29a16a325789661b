import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RedisClient } from '../core/redis-client';
import { HUB_CONFIG, REQUEST_REDIS } from '../core/tokens';
import type { HubConfig, RateLimitConfig } from '../config';
import { HubError } from '../errors/hub-error';

/**
 * GCRA (generic cell rate algorithm) in one Lua call: `limit` requests per minute with a burst of
 * the whole minute's allowance, exact Retry-After, and one key per caller holding one number. The
 * clock is Redis's own (TIME), so every gateway replica counts against the same budget.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
local allowAt = nextTat - window
if allowAt > now then return math.ceil(allowAt - now) end
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now) + 1)
return 0`;

const WINDOW_MS = 60_000;
/** Redis slower than this: the request goes on (availability first; the limit is a guard, not a gate). */
const REDIS_DEADLINE_MS = 250;

export type RateScope = keyof Omit<RateLimitConfig, 'enabled'>;

@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private lastWarning = 0;

  constructor(
    @Inject(REQUEST_REDIS) private readonly redis: RedisClient,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /**
   * Counts one request of `caller` against `scope`'s budget; throws 429 `rate_limited` with
   * Retry-After when it is spent. `factor` scales the configured limit (a wider budget for a
   * coarser caller, e.g. a username from every address).
   */
  async hit(scope: RateScope, caller: string, factor = 1): Promise<void> {
    const rl = this.config.security.rateLimit;
    const limit = rl[scope] * factor;
    if (!rl.enabled || limit <= 0) return;
    // Callers may be attacker-chosen strings (usernames): hash them to bound the key size.
    const id = createHash('sha256').update(caller).digest('base64url').slice(0, 22);
    const key = `${this.config.queuePrefix}:rl:${scope}:${factor}:${id}`;
    let waitMs: number;
    try {
      waitMs = await withDeadline(this.redis.eval(GCRA, 1, key, String(WINDOW_MS / limit), String(WINDOW_MS)) as Promise<number>, REDIS_DEADLINE_MS);
    } catch (err) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ err, scope }, 'rate limiter unavailable; requests pass unlimited');
      }
      return;
    }
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new HubError(429, 'rate_limited', `too many requests; retry after ${seconds} s`, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
    }
  }
}

/** Recent failures per subject (a username), kept this long after the last one. */
const FAILURE_MEMORY_MS = 15 * 60_000;

export interface FailureCounter {
  failures(subject: string): Promise<number>;
  recordFailure(subject: string, memoryMs?: number): Promise<void>;
  clearFailures(subject: string): Promise<void>;
}

/** Counters of failed attempts (login slow-down, docs/security.md "Login"); Redis down counts as none. */
@Injectable()
export class FailureCounters implements FailureCounter {
  constructor(
    @Inject(REQUEST_REDIS) private readonly redis: RedisClient,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  private key(subject: string): string {
    return `${this.config.queuePrefix}:fail:${createHash('sha256').update(subject).digest('base64url').slice(0, 22)}`;
  }

  async failures(subject: string): Promise<number> {
    const v = await withDeadline(this.redis.get(this.key(subject)), REDIS_DEADLINE_MS).catch(() => null);
    return Number(v ?? 0) || 0;
  }

  /** One more failure of `subject`, remembered `memoryMs` after this one. */
  async recordFailure(subject: string, memoryMs = FAILURE_MEMORY_MS): Promise<void> {
    const key = this.key(subject);
    await withDeadline(this.redis.multi().incr(key).pexpire(key, memoryMs).exec(), REDIS_DEADLINE_MS).catch(() => undefined);
  }

  async clearFailures(subject: string): Promise<void> {
    await withDeadline(this.redis.del(this.key(subject)), REDIS_DEADLINE_MS).catch(() => undefined);
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
