import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { GENERIC_PLAN_POOL, HUB_CONFIG, HubConfig, deliveries, deliveryDuration, pinnedLookup } from '@hub/common';
import { DataProtection, outboxPayloadContext } from '@hub/common/crypto';
import { KeyRing, parseKeyRing, unitKeyRing } from '@hub/connectors/signing';
import { SignedHttpTransport, SignedSender, type DeliveryResult } from '@hub/connectors/delivery';
import { OutboxRow, loadOutboxes, recordSteps, releaseClaim, type AttemptOutcome, type Queryable, type DeliveryStep, type StepResult } from '@hub/store';
import { RetryPolicy, retriesExhausted, retryDelayMs } from '@hub/queues';
import { UnitEndpoints } from './unit-endpoints.service';
import { MicroBatcher } from '@hub/common';
import { DeliveryChain, type DeliveryJobResult, type SendOutcome } from './delivery-chain';

export type { DeliveryJobResult } from './delivery-chain';

type UpstreamName = 'hotline' | 'ywtb' | 'national';
const UPSTREAMS: readonly UpstreamName[] = ['hotline', 'ywtb', 'national'];

/**
 * Delivers one outbox message to the outside system it is for, signed with that system's first
 * key (docs/contracts.md#signed-requests, #connection-settings), and records the attempt. The row is reloaded: a message already
 * delivered, or a job for an attempt the row has moved past, does nothing.
 *
 * The job then goes on with the ticket's next messages for that target (DeliveryChain): the
 * statement that records a message claims a window of the ones behind it, and the job sends them
 * one after the other, recording them ~100 at a time while it sends. A ticket's events are
 * strictly sequential, so what bounds their rate is what stands between two of them: now one HTTP
 * exchange, not an exchange and a statement. The loads and the steps of the chains in flight are
 * joined into shared statements (MicroBatcher).
 */
@Injectable()
export class DeliveryService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly senders = new Map<UpstreamName, SignedSender>();
  /** HUB_UNITS_KEYS: the master keys each unit's own key is derived from (unitKeyRing) */
  private readonly unitsMaster?: KeyRing;
  private readonly unitSenders = new Map<string, SignedSender>();
  /** units' systems get their own pool whose sockets connect only to addresses the policy allows */
  private readonly unitsTransport: SignedHttpTransport;
  private readonly policy: RetryPolicy;
  private readonly loads: MicroBatcher<string, (OutboxRow & { behind: boolean }) | undefined>;
  private readonly steps: MicroBatcher<DeliveryStep, StepResult>;
  private stopping = false;

  constructor(
    private readonly ds: DataSource,
    @Inject(GENERIC_PLAN_POOL) genericPool: Pool,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly units: UnitEndpoints,
    private readonly protection: DataProtection,
  ) {
    this.policy = { baseMs: config.delivery.backoffBaseMs, maxMs: config.delivery.backoffMaxMs, retryHours: config.delivery.retryHours };
    this.loads = new MicroBatcher((ids) => loadOutboxes(ds, ids));
    // The record statement runs on its generic plan (see createGenericPlanPool): planning it cost
    // more than running it.
    this.steps = new MicroBatcher((items) => recordOnce(genericPool, items, config.delivery.requeueAfterMs));
    // Parsed at boot: a malformed HUB_*_KEYS stops the notifier with a message naming the variable,
    // instead of every delivery to that system failing later.
    for (const name of UPSTREAMS) this.addSender(name, config.upstreams[name].keys, `HUB_${name.toUpperCase()}_KEYS`);
    const master = parseKeyRing('HUB_UNITS_KEYS', config.upstreams.units.keys);
    if (master.size > 0) this.unitsMaster = master;
    this.unitsTransport = new SignedHttpTransport({ lookup: pinnedLookup(config.unitEndpoints) });
  }

  /** Finish the message in hand; claim no more, give back what is claimed (the relay offers it again). */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * The outside systems this notifier can send to: a URL and at least one key (docs/contracts.md#connection-settings).
   * The others' messages wait in the outbox, unclaimed, until a restart with their settings.
   */
  deliverableTargets(): { targets: string[]; units: boolean } {
    return { targets: UPSTREAMS.filter((n) => this.config.upstreams[n].url && this.senders.has(n)), units: this.unitsMaster !== undefined };
  }

  async deliver(outboxId: string, attempt: number, now: () => Date = () => new Date()): Promise<DeliveryJobResult> {
    const found = await this.loads.call(outboxId);
    // A job of this installation whose row does not exist (a database restored from an older
    // backup?) is reported; there is nothing to send.
    if (!found) this.logger.error({ outboxId, attempt }, 'a delivery job for an outbox row that does not exist');
    // internal work (target `router`) is never sent out, whatever queue its job reached
    if (!found || found.status !== 'pending' || found.attempts !== attempt || found.target === 'router') return 'skipped';
    const { behind, ...row } = found;
    if (behind) {
      // Not the head of its key: an older message goes first (order per ticket and target).
      await releaseClaim(this.ds, row.id, attempt);
      return 'skipped';
    }
    return new DeliveryChain(row, {
      send: (r) => this.send(r, now),
      record: (step) => this.steps.call(step),
      stopping: () => this.stopping,
      warn: (err, id) => this.logger.warn({ err, outboxId: id }, 'chained deliveries could not be recorded; the relay will offer them again'),
    }).run();
  }

  /** One attempt at one pending row, not recorded yet; 'waiting' if its target cannot be reached yet. */
  private async send(row: OutboxRow, now: () => Date): Promise<SendOutcome | 'waiting'> {
    const where = await this.resolve(row);
    if (where && 'refused' in where) return this.refused(row, where.refused, now());
    if (!where) {
      // A unit whose system is not (yet) in the directory: the message waits in the outbox and goes
      // once it is; the relay offers it again after requeueAfterMs (docs/contracts.md#unit-systems).
      return 'waiting';
    }
    let result: DeliveryResult;
    try {
      // personal data is sealed at rest (outboxValues); opened here, only to be sent
      const payload = this.protection.openDeep(row.payload, outboxPayloadContext(row.eventId)) as OutboxRow['payload'];
      result = await where.sender.post(where.baseUrl, payload.segments ?? [], payload.body ?? {});
    } catch (e) {
      result = { outcome: 'retry', error: e instanceof Error ? e.message : String(e), durationMs: 0 };
    }
    const kind = row.target.startsWith('unit:') ? 'unit' : row.target;
    deliveries.inc({ target: kind, outcome: result.outcome });
    deliveryDuration.observe({ target: kind }, result.durationMs / 1000);

    const consequence = this.consequence(row, result, now());
    const { outcome } = consequence;
    if (outcome.outcome === 'permanent' || outcome.outcome === 'exhausted') {
      // `error` is `http_<status>[: <target's code>]` or a connection error: no citizen data.
      const msg = outcome.outcome === 'exhausted' ? 'delivery retries exhausted' : 'delivery failed for good';
      this.logger.warn({ outboxId: row.id, target: row.target, status: outcome.status, error: outcome.error }, msg);
    }
    return consequence;
  }

  /** The delivery rules (docs/contracts.md#delivery-and-retries) applied to one answer: delivered, retry later, or failed. */
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

  private async resolve(row: OutboxRow): Promise<{ baseUrl: string; sender: SignedSender } | { refused: string } | undefined> {
    if (row.target.startsWith('unit:')) {
      const sender = this.unitSender(row.target.slice(5));
      const endpoint = sender && (await this.units.endpointOf(row.target.slice(5)));
      if (endpoint && 'refused' in endpoint) return endpoint;
      return endpoint && sender ? { baseUrl: endpoint.url, sender } : undefined;
    }
    if (!(UPSTREAMS as readonly string[]).includes(row.target)) return undefined;
    const name = row.target as UpstreamName;
    const baseUrl = this.config.upstreams[name].url;
    const sender = this.senders.get(name);
    return baseUrl && sender ? { baseUrl, sender } : undefined;
  }

  /** A unit's endpoint the policy refuses (docs/security.md "Units' endpoints"): failed for good; the reason is for operators. */
  private refused(row: OutboxRow, reason: string, t: Date): SendOutcome {
    const result: DeliveryResult = { outcome: 'permanent', error: `endpoint_refused: ${reason}`, durationMs: 0 };
    deliveries.inc({ target: 'unit', outcome: result.outcome });
    this.logger.warn({ outboxId: row.id, target: row.target, error: result.error }, 'delivery failed for good');
    return this.consequence(row, result, t);
  }

  private addSender(name: UpstreamName, keys: string, variable: string): void {
    const ring: KeyRing = parseKeyRing(variable, keys);
    if (ring.size === 0) return;
    this.senders.set(name, new SignedSender({ keyRing: ring, timeoutMs: this.config.delivery.timeoutMs }));
  }

  /** Signs with the unit's own key, derived from HUB_UNITS_KEYS: a unit cannot forge another's work orders. */
  private unitSender(unitCode: string): SignedSender | undefined {
    if (!this.unitsMaster) return undefined;
    let sender = this.unitSenders.get(unitCode);
    if (!sender) {
      sender = new SignedSender({ keyRing: unitKeyRing(this.unitsMaster, unitCode), timeoutMs: this.config.delivery.timeoutMs, transport: this.unitsTransport });
      this.unitSenders.set(unitCode, sender);
    }
    return sender;
  }
}

/**
 * Records a batch of steps with the commit not waiting for the WAL flush (see recordSteps: a lost
 * record only means the same message, same eventId, is sent again). A row is named once per
 * statement: the same record in two steps (a duplicate job finishing with the original) is made
 * by the first, and the other step is answered "not recorded" for it.
 */
async function recordOnce(db: Queryable, items: DeliveryStep[], requeueAfterMs: number): Promise<StepResult[]> {
  const seen = new Set<string>();
  const dropped: boolean[][] = [];
  const steps = items.map((step, k) => {
    dropped[k] = step.records.map((r) => {
      if (seen.has(r.id)) return true;
      seen.add(r.id);
      return false;
    });
    return { ...step, records: step.records.filter((_, i) => !dropped[k][i]) };
  });
  const results = await recordSteps(db, steps, { asyncCommit: true, requeueAfterMs });
  return results.map((result, k) => {
    if (!dropped[k].some(Boolean)) return result;
    let next = 0;
    return { ...result, recorded: dropped[k].map((d) => (d ? false : result.recorded[next++])) };
  });
}
