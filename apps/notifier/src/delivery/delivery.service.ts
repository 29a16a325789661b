import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, deliveries, deliveryDuration } from '@hub/common';
import { KeyRing, parseKeyRing } from '@hub/connectors/signing';
import { SignedSender, type DeliveryResult } from '@hub/connectors/delivery';
import { OutboxRow, loadOutbox, recordAttempt } from '@hub/store';
import { RetryPolicy, retriesExhausted, retryDelayMs } from '@hub/queues';
import { UnitEndpoints } from './unit-endpoints.service';

export type DeliveryJobResult = 'delivered' | 'retry' | 'failed' | 'skipped' | 'waiting';

/**
 * Delivers one outbox message to the outside system it is for, signed with that system's first
 * key (contracts §1, §8), and records the attempt. The row is reloaded: a message already
 * delivered, or a job for an attempt the row has moved past, does nothing.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly senders = new Map<string, SignedSender>();
  private readonly policy: RetryPolicy;

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly units: UnitEndpoints,
  ) {
    this.policy = { baseMs: config.delivery.backoffBaseMs, maxMs: config.delivery.backoffMaxMs, retryHours: config.delivery.retryHours };
  }

  async deliver(outboxId: string, attempt: number, now: () => Date = () => new Date()): Promise<DeliveryJobResult> {
    const row = await loadOutbox(this.ds, outboxId);
    if (!row || row.status !== 'pending' || row.attempts !== attempt) return 'skipped';
    const where = await this.resolve(row);
    if (!where) {
      // Not configured (yet): the message waits in the outbox and goes once it is (contracts §8).
      return 'waiting';
    }
    const body = row.payload.body ?? {};
    const segments = row.payload.segments ?? [];
    let result: DeliveryResult;
    try {
      result = await where.sender.post(where.baseUrl, segments, body);
    } catch (e) {
      result = { outcome: 'retry', error: e instanceof Error ? e.message : String(e), durationMs: 0 };
    }
    const kind = row.target.startsWith('unit:') ? 'unit' : row.target;
    deliveries.inc({ target: kind, outcome: result.outcome });
    deliveryDuration.observe({ target: kind }, result.durationMs / 1000);

    if (result.outcome === 'delivered') {
      await recordAttempt(this.ds, row.id, attempt, result);
      return 'delivered';
    }
    if (result.outcome === 'permanent') {
      this.logger.warn({ outboxId: row.id, target: row.target, status: result.status, error: result.error }, 'delivery failed for good');
      await recordAttempt(this.ds, row.id, attempt, { outcome: 'permanent', status: result.status, error: result.error, durationMs: result.durationMs });
      return 'failed';
    }
    const t = now();
    if (retriesExhausted(row.firstAttemptAt ?? t, t, this.policy)) {
      this.logger.warn({ outboxId: row.id, target: row.target, error: result.error }, 'delivery retries exhausted');
      await recordAttempt(this.ds, row.id, attempt, { outcome: 'exhausted', status: result.status, error: result.error, durationMs: result.durationMs });
      return 'failed';
    }
    const delay = retryDelayMs(attempt + 1, this.policy, Math.random(), result.retryAfterMs);
    await recordAttempt(this.ds, row.id, attempt, {
      outcome: 'retry',
      status: result.status,
      error: result.error,
      durationMs: result.durationMs,
      nextAttemptAt: new Date(t.getTime() + delay),
    });
    return 'retry';
  }

  private async resolve(row: OutboxRow): Promise<{ baseUrl: string; sender: SignedSender } | undefined> {
    if (row.target.startsWith('unit:')) {
      const baseUrl = await this.units.endpointOf(row.target.slice(5));
      const sender = this.sender('units', this.config.upstreams.units.keys, 'HUB_UNITS_KEYS');
      return baseUrl && sender ? { baseUrl, sender } : undefined;
    }
    const up = this.config.upstreams[row.target as 'hotline' | 'ywtb' | 'national'];
    if (!up?.url) return undefined;
    const sender = this.sender(row.target, up.keys, `HUB_${row.target.toUpperCase()}_KEYS`);
    return sender ? { baseUrl: up.url, sender } : undefined;
  }

  private sender(name: string, keys: string, variable: string): SignedSender | undefined {
    if (!keys) return undefined;
    let s = this.senders.get(name);
    if (!s) {
      const ring: KeyRing = parseKeyRing(variable, keys);
      s = new SignedSender({ keyRing: ring, timeoutMs: this.config.delivery.timeoutMs });
      this.senders.set(name, s);
    }
    return s;
  }
}
