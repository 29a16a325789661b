import type { AttemptOutcome, ClaimedRef, DeliveryStep, OutboxRow, StepResult } from '@hub/store';

export type DeliveryJobResult = 'delivered' | 'retry' | 'failed' | 'skipped' | 'waiting';

/** One message sent: what to record, and what it means for the job (delivered, retry, failed). */
export interface SendOutcome {
  outcome: AttemptOutcome;
  jobResult: DeliveryJobResult;
}

export interface ChainLimits {
  /** messages one job delivers before it hands the rest of its ticket to the relay */
  maxMessages: number;
  /** …and for how long: a busy ticket keeps one worker slot for a while, never indefinitely */
  maxMs: number;
  /** claimed messages held ahead of the one being sent, at most */
  window: number;
  /** ask for more (in the background) when this few claimed messages are left */
  refillAt: number;
  /** sent messages recorded together at most */
  recordEvery: number;
  /** a sent message waits this long at most for its record (and the held rows' claim is renewed) */
  recordAfterMs: number;
}

/**
 * 2,000 messages or 5 s per job: long enough that the relay hop between two jobs costs little of
 * a busy ticket's rate, short enough to bound how long one ticket keeps a worker slot.
 */
export const CHAIN_MAX_MESSAGES = 2_000;
export const CHAIN_MAX_MS = 5_000;

export const CHAIN_LIMITS: ChainLimits = {
  maxMessages: CHAIN_MAX_MESSAGES,
  maxMs: CHAIN_MAX_MS,
  window: 128,
  refillAt: 32,
  recordEvery: 128,
  recordAfterMs: 250,
};

export interface ChainIo {
  /** sends one message; 'waiting' when its target cannot be reached yet (no attempt made) */
  send(row: OutboxRow): Promise<SendOutcome | 'waiting'>;
  /** records a step (shared statement, see recordSteps) */
  record(step: DeliveryStep): Promise<StepResult>;
  /** the notifier is shutting down: claim no more, give back what is held */
  stopping(): boolean;
  /** a chained step could not be recorded; the rows it held are offered again by the relay later */
  warn(err: unknown, outboxId: string): void;
}

type Stop = 'retry' | 'waiting' | 'lost' | 'limit' | 'error';

interface InFlight {
  /** the rows held (unsent) when the step was issued: the step must find them at the head */
  held: string[];
  /** whether the step carries the job's own row's record */
  hasFirst: boolean;
  settled: Promise<void>;
  result?: StepResult;
  records: Array<{ row: OutboxRow; sent: SendOutcome }>;
  asked: number;
  error?: unknown;
}

/**
 * The messages of one ticket for one target (one order key), delivered one after the other by one
 * job: message k+1 leaves only after message k was acknowledged (2xx/409), or failed for good.
 *
 * The chain holds a window of claimed messages (up to `window`, claimed by the statement that
 * records the earlier ones, see recordSteps) and sends them back to back. When it has `refillAt`
 * left, the next step goes to PostgreSQL in the background while it sends them: it records what was
 * sent since the last step, checks that the messages still held are the head of the ticket's queue
 * (renewing their claim if it is getting old) and claims the ones behind them. So one statement
 * serves ~100 messages and the chain waits for PostgreSQL only when it runs out of claimed messages.
 * Sent messages are also recorded at least every `recordAfterMs`.
 *
 * At most one step is in flight: a step's claim starts from the key's head and must see every
 * earlier step committed. If the step does not find exactly the messages held when it was issued
 * (they may have been sent meanwhile) at the head, something else moved this key: the chain stops
 * and gives back what it holds. Records and sends overlap, never two sends: message k+1 leaves after
 * message k's answer whatever the state of k's record, and each attempt is recorded once, under the
 * same condition as ever (still pending at that attempt).
 *
 * It stops sending at a retry (the key is held back until the retry comes due; the rest is given
 * back), at a target that cannot be reached yet ('waiting': that message stays claimed and is
 * offered again after requeueAfterMs, the rest is given back), when another worker recorded one of
 * its messages first, at its limits, at shutdown, or when a step could not be recorded (what it
 * holds stays claimed, and the relay offers it again after requeueAfterMs). A failure for good
 * does not stop it: that message no longer holds the ticket's later ones back.
 */
export class DeliveryChain {
  private queue: OutboxRow[];
  private unrecorded: Array<{ row: OutboxRow; sent: SendOutcome; at: number }> = [];
  /** claimed rows not in the queue (cut off from a window): given back with the next step */
  private strays: ClaimedRef[] = [];
  private inFlight?: InFlight;
  private stop?: Stop;
  private sent = 0;
  private moreMayExist = true;
  private readonly started = Date.now();
  private firstResult: DeliveryJobResult = 'skipped';

  constructor(
    private readonly first: OutboxRow,
    private readonly io: ChainIo,
    private readonly limits: ChainLimits = CHAIN_LIMITS,
  ) {
    this.queue = [first];
  }

  async run(): Promise<DeliveryJobResult> {
    for (;;) {
      this.settle();
      if (!this.stop && (this.io.stopping() || Date.now() - this.started >= this.limits.maxMs)) this.stop = 'limit';
      if (!this.stop && this.shouldIssue()) this.issue();
      if (this.stop || this.queue.length === 0) {
        if (this.inFlight) {
          await this.inFlight.settled;
          continue;
        }
        break;
      }
      await this.sendNext();
    }
    // What was sent and not recorded, and what is held and will not be sent: one last step.
    if (this.stop !== 'error' && (this.unrecorded.length > 0 || this.queue.length > 0 || this.strays.length > 0)) {
      this.issue(true);
      await this.inFlight!.settled;
      this.settle();
    }
    return this.firstResult;
  }

  private async sendNext(): Promise<void> {
    const row = this.queue.shift()!;
    // The next message goes once the answers that came in together have been taken in: the sends of
    // the chains in flight then leave together, and the target (and the notifier) are woken once
    // for them rather than once each (~5% more messages/s with many tickets on the bench machine).
    if (row !== this.first) await new Promise<void>((resolve) => setImmediate(resolve));
    const sent = await this.io.send(row);
    if (sent === 'waiting') {
      if (row === this.first) this.firstResult = 'waiting';
      this.stop = 'waiting';
      return;
    }
    this.sent++;
    if (row === this.first) this.firstResult = sent.jobResult;
    this.unrecorded.push({ row, sent, at: Date.now() });
    if (sent.outcome.outcome === 'retry') this.stop = 'retry';
  }

  /** Whether to send a step now (none in flight, and the chain goes on). */
  private shouldIssue(): boolean {
    // The job's own message goes first, alone: most tickets have no other message waiting, and a
    // claim before it would cost them a statement for nothing.
    if (this.inFlight || this.sent === 0) return false;
    // With nothing sent and nothing held, a step would not know its order key: the chain is done.
    if (this.queue.length === 0) return this.unrecorded.length > 0;
    const canClaim = this.claimable() > 0 && this.moreMayExist;
    if (canClaim && this.queue.length <= this.limits.refillAt) return true;
    if (this.unrecorded.length === 0) return false;
    return this.unrecorded.length >= this.limits.recordEvery || Date.now() - this.unrecorded[0].at >= this.limits.recordAfterMs;
  }

  /** New messages this chain may still take on. */
  private claimable(): number {
    return Math.max(0, Math.min(this.limits.window - this.queue.length, this.limits.maxMessages - this.sent - this.queue.length));
  }

  /**
   * Sends a step in the background: records what was sent, keeps the queue (claiming behind it)
   * or, if final, gives it back, and gives back strays.
   */
  private issue(final = false): void {
    const records = this.unrecorded.splice(0);
    const held = final ? [] : this.queue.map((r) => ({ id: r.id, attempt: r.attempts }));
    const unsent = [...(final ? this.queue.map((r) => ({ id: r.id, attempt: r.attempts })) : []), ...this.strays.splice(0)];
    const asked = final ? 0 : this.claimable();
    if (final) this.queue = [];
    const step: DeliveryStep = {
      records: records.map((r) => ({ id: r.row.id, attempt: r.row.attempts, outcome: r.sent.outcome })),
      held,
      unsent,
      claim: final ? 0 : held.length + asked,
    };
    const flight: InFlight = { held: held.map((h) => h.id), hasFirst: records.some((r) => r.row === this.first), records, asked, settled: Promise.resolve() };
    flight.settled = this.io.record(step).then(
      (result) => {
        flight.result = result;
      },
      (error: unknown) => {
        flight.error = error;
      },
    );
    this.inFlight = flight;
  }

  /** Takes in the answer of the step in flight, once it has come. */
  private settle(): void {
    const flight = this.inFlight;
    if (!flight || (!flight.result && flight.error === undefined)) return;
    this.inFlight = undefined;
    if (flight.error !== undefined) {
      // The job's own message: the job fails, as when a lone message cannot be recorded. A chained
      // one: what was sent is sent again with the same eventId once the relay offers it again.
      if (flight.hasFirst) throw flight.error;
      this.io.warn(flight.error, (flight.records[0]?.row ?? this.queue[0] ?? this.first).id);
      this.stop = 'error';
      return;
    }
    const result = flight.result!;
    flight.records.forEach((r, i) => {
      if (r.row === this.first && !result.recorded[i]) this.firstResult = 'skipped';
    });
    // Another worker recorded one of these attempts first (a duplicate job): it owns what follows.
    if (result.recorded.some((ok) => !ok)) this.stop ??= 'lost';
    this.strays.push(...result.strays);
    const fresh = result.window;
    if (result.held.length !== flight.held.length || result.held.some((id, i) => id !== flight.held[i])) {
      // What this chain holds is no longer the head of its ticket's queue (another worker moved
      // it): stop, and give back what was claimed behind it.
      this.stop ??= 'lost';
      this.strays.push(...fresh.map((r) => ({ id: r.id, attempt: r.attempts })));
      return;
    }
    if (this.stop) {
      this.strays.push(...fresh.map((r) => ({ id: r.id, attempt: r.attempts })));
      return;
    }
    this.queue.push(...fresh);
    // A full window: more may wait. Fewer: the backlog is claimed, and the step that records the last
    // ones looks again, unless this is a busy ticket (a window's worth sent already) whose messages
    // keep coming: then a step goes on in the background while the chain sends, so that it does not
    // stop to wait for PostgreSQL each time it catches up.
    this.moreMayExist = fresh.length >= flight.asked || (fresh.length > 0 && this.sent >= this.limits.window);
  }
}
