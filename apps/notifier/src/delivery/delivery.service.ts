import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, deliveries, deliveryDuration } from '@hub/common';
import { KeyRing, parseKeyRing } from '@hub/connectors/signing';
import { SignedSender, type DeliveryResult } from '@hub/connectors/delivery';
import { OutboxRow, loadOutboxes, recordAttempts, type AttemptOutcome, type AttemptRecord, type RecordedAttempt } from '@hub/store';
import { RetryPolicy, retriesExhausted, retryDelayMs } from '@hub/queues';
import { UnitEndpoints } from './unit-endpoints.service';
import { MicroBatcher } from './micro-batcher';

export type DeliveryJobResult = 'delivered' | 'retry' | 'failed' | 'skipped' | 'waiting';

type UpstreamName = 'hotline' | 'ywtb' | 'national';
const UPSTREAMS: readonly UpstreamName[] = ['hotline', 'ywtb', 'national'];

/**
 * How many messages of one ticket a job delivers back to back before it hands the rest to the
 * relay, and for how long: a busy ticket keeps one worker slot for a while, never indefinitely.
 */
const CHAIN_MAX_MESSAGES = 200;
const CHAIN_MAX_MS = 5_000;

/**
 * Delivers one outbox message to the outside system it is for, signed with that system's first
 * key (contracts §1, §8), and records the attempt. The row is reloaded: a message already
 * delivered, or a job for an attempt the row has moved past, does nothing.
 *
 * When a message leaves `pending`, the statement that records it claims the next message of the
 * same ticket and target, and this job delivers it too (see recordAttempts): a ticket's events are
 * strictly sequential, so what bounds their rate is the round trips between two of them. The
 * loads and records of the deliveries in flight are joined into shared statements (MicroBatcher).
 */
@Injectable()
export class DeliveryService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly senders = new Map<UpstreamName | 'units', SignedSender>();
  private readonly policy: RetryPolicy;
  private readonly loads: MicroBatcher<string, OutboxRow | undefined>;
  private readonly records: MicroBatcher<AttemptRecord, RecordedAttempt>;
  private stopping = false;

  constructor(
    ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly units: UnitEndpoints,
  ) {
    this.policy = { baseMs: config.delivery.backoffBaseMs, maxMs: config.delivery.backoffMaxMs, retryHours: config.delivery.retryHours };
    this.loads = new MicroBatcher((ids) => loadOutboxes(ds, ids));
    this.records = new MicroBatcher((items) => recordOnce(ds, items));
    // Parsed at boot: a malformed HUB_*_KEYS stops the notifier with a message naming the variable,
    // instead of every delivery to that system failing later.
    for (const name of UPSTREAMS) this.addSender(name, config.upstreams[name].keys, `HUB_${name.toUpperCase()}_KEYS`);
    this.addSender('units', config.upstreams.units.keys, 'HUB_UNITS_KEYS');
  }

  /** Finish the message in hand; claim no more (the relay and the next start pick them up). */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * The outside systems this notifier can send to: a URL and at least one key (contracts §8).
   * The others' messages wait in the outbox, unclaimed, until a restart with their settings.
   */
  deliverableTargets(): { targets: string[]; units: boolean } {
    return { targets: UPSTREAMS.filter((n) => this.config.upstreams[n].url && this.senders.has(n)), units: this.senders.has('units') };
  }

  async deliver(outboxId: string, attempt: number, now: () => Date = () => new Date()): Promise<DeliveryJobResult> {
    const row = await this.loads.call(outboxId);
    if (!row || row.status !== 'pending' || row.attempts !== attempt) return 'skipped';
    const started = Date.now();
    const first = await this.attempt(row, now, true);
    let next = first.next;
    for (let n = 1; next; n++) {
      const current: OutboxRow = next;
      const more = n + 1 < CHAIN_MAX_MESSAGES && Date.now() - started < CHAIN_MAX_MS;
      try {
        next = (await this.attempt(current, now, more)).next;
      } catch (err) {
        // This job's own message is recorded; the claimed one is offered again by the relay after
        // requeueAfterMs. Failing the job would only make BullMQ retry a message already done.
        this.logger.warn({ err, outboxId: current.id }, 'chained delivery could not be recorded; the relay will offer it again');
        next = undefined;
      }
    }
    return first.result;
  }

  /** One attempt at one pending row; returns the claimed successor when asked for and available. */
  private async attempt(row: OutboxRow, now: () => Date, claimNext: boolean): Promise<{ result: DeliveryJobResult; next?: OutboxRow }> {
    const where = await this.resolve(row);
    if (!where) {
      // A unit whose system is not (yet) in the directory: the message waits in the outbox and goes
      // once it is; the relay offers it again after requeueAfterMs (contracts §6, §8).
      return { result: 'waiting' };
    }
    let result: DeliveryResult;
    try {
      result = await where.sender.post(where.baseUrl, row.payload.segments ?? [], row.payload.body ?? {});
    } catch (e) {
      result = { outcome: 'retry', error: e instanceof Error ? e.message : String(e), durationMs: 0 };
    }
    const kind = row.target.startsWith('unit:') ? 'unit' : row.target;
    deliveries.inc({ target: kind, outcome: result.outcome });
    deliveryDuration.observe({ target: kind }, result.durationMs / 1000);

    const { outcome, jobResult } = this.consequence(row, result, now());
    if (outcome.outcome === 'permanent' || outcome.outcome === 'exhausted') {
      // `error` is `http_<status>[: <target's code>]` or a connection error: no citizen data.
      const msg = outcome.outcome === 'exhausted' ? 'delivery retries exhausted' : 'delivery failed for good';
      this.logger.warn({ outboxId: row.id, target: row.target, status: outcome.status, error: outcome.error }, msg);
    }
    const recorded = await this.records.call({ id: row.id, attempt: row.attempts, outcome, claimNext: claimNext && !this.stopping });
    // Not recorded: another worker recorded this attempt first (a duplicate job); it owns what follows.
    return recorded.recorded ? { result: jobResult, next: recorded.next } : { result: 'skipped' };
  }

  /** Contracts §3's delivery rules applied to one answer: delivered, retry later, or failed. */
  private consequence(row: OutboxRow, result: DeliveryResult, t: Date): { outcome: AttemptOutcome; jobResult: DeliveryJobResult } {
    if (result.outcome === 'delivered') return { outcome: result, jobResult: 'delivered' };
    if (result.outcome === 'permanent') {
      return { outcome: { outcome: 'permanent', status: result.status, error: result.error, durationMs: result.durationMs }, jobResult: 'failed' };
    }
    if (retriesExhausted(row.firstAttemptAt ?? t, t, this.policy)) {
      return { outcome: { outcome: 'exhausted', status: result.status, error: result.error, durationMs: result.durationMs }, jobResult: 'failed' };
    }
    // `attempts` failures so far plus this one; Retry-After, when given, replaces the backoff.
    const delay = retryDelayMs(row.attempts + 1, this.policy, Math.random(), result.retryAfterMs);
    return {
      outcome: { outcome: 'retry', status: result.status, error: result.error, durationMs: result.durationMs, nextAttemptAt: new Date(t.getTime() + delay) },
      jobResult: 'retry',
    };
  }

  private async resolve(row: OutboxRow): Promise<{ baseUrl: string; sender: SignedSender } | undefined> {
    if (row.target.startsWith('unit:')) {
      const sender = this.senders.get('units');
      const baseUrl = sender && (await this.units.endpointOf(row.target.slice(5)));
      return baseUrl && sender ? { baseUrl, sender } : undefined;
    }
    if (!(UPSTREAMS as readonly string[]).includes(row.target)) return undefined;
    const name = row.target as UpstreamName;
    const baseUrl = this.config.upstreams[name].url;
    const sender = this.senders.get(name);
    return baseUrl && sender ? { baseUrl, sender } : undefined;
  }

  private addSender(name: UpstreamName | 'units', keys: string, variable: string): void {
    const ring: KeyRing = parseKeyRing(variable, keys);
    if (ring.size === 0) return;
    this.senders.set(name, new SignedSender({ keyRing: ring, timeoutMs: this.config.delivery.timeoutMs }));
  }
}

/**
 * Records a batch with the commit not waiting for the WAL flush (see recordAttempts: a lost record
 * only means the same message, same eventId, is sent again). The same row twice in one batch (a
 * duplicate job finishing with the original): one record, the other changed nothing.
 */
async function recordOnce(ds: DataSource, items: AttemptRecord[]): Promise<RecordedAttempt[]> {
  const firstIndex = new Map<string, number>();
  items.forEach((it, i) => {
    if (!firstIndex.has(it.id)) firstIndex.set(it.id, i);
  });
  const kept = [...firstIndex.values()];
  const results = await recordAttempts(
    ds,
    kept.map((i) => items[i]),
    { asyncCommit: true },
  );
  const byIndex = new Map(kept.map((i, k) => [i, results[k]]));
  return items.map((_, i) => byIndex.get(i) ?? { recorded: false });
}
