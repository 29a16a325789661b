import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { replicaFallbacks, replicaInUse, replicaLag, type DbReplicaStatus, type ReplicaConfig } from '@hub/common';
import type { DataProtection } from '@hub/common/crypto';
import { createDataSource, type SessionLimits } from '../data-source';
import { bindProtection, queryRows } from '../db';
import { isReplicaFault, lagOf, lsnValue, type LsnSample } from './replica-lag';

export interface ReadReplicaOptions extends ReplicaConfig {
  appName: string;
  poolSize: number;
  limits: SessionLimits;
}

/**
 * Reads that may be a little stale (the office's lists, reports, Open311 lists) on a PostgreSQL
 * streaming replica, with the primary as the fallback (docs/reliability.md#postgresql-read-replica).
 * Nothing that writes, nothing inside a write's transaction and nothing that decides a write reads
 * here: those take the primary DataSource. Without DATABASE_REPLICA_URL, read() is the primary.
 *
 * Every `checkMs` the primary's WAL position is sampled and compared with what the replica has
 * replayed; the lag is the age of the oldest sample the replica has not reached, so an idle primary
 * does not look like a lagging replica. Reads go to the replica only while its last check found it
 * up and at most `maxLagMs` behind; a read that fails there for the replica's sake (down, shutting
 * down, a recovery conflict) runs again on the primary.
 */
export class ReadReplica {
  private readonly logger = new Logger('ReadReplica');
  private replica?: DataSource;
  private samples: LsnSample[] = [];
  private state: { serving: 'replica' | 'primary'; reason?: string; lagMs: number | null; checkedAt: Date | null } = { serving: 'primary', reason: 'starting', lagMs: null, checkedAt: null };
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private connecting?: Promise<DataSource>;

  constructor(
    private readonly primary: DataSource,
    private readonly opts: ReadReplicaOptions | undefined,
    private readonly protection: DataProtection,
  ) {}

  get configured(): boolean {
    return this.opts !== undefined;
  }

  /** Starts the checks (the first at once); reads use the primary until one finds the replica fit. */
  start(): void {
    if (!this.opts || this.timer) return;
    replicaInUse.set(0);
    this.timer = setInterval(() => void this.check(), this.opts.checkMs);
    this.timer.unref();
    void this.check();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking?.catch(() => undefined);
    await this.connecting?.catch(() => undefined);
    if (this.replica?.isInitialized) await this.replica.destroy().catch(() => undefined);
  }

  /** Runs a read-only `fn` on the replica when it is fit, else (or when it fails there for the replica's sake) on the primary. */
  async read<T>(fn: (db: DataSource) => Promise<T>): Promise<T> {
    const replica = this.replica;
    if (!this.opts) return fn(this.primary);
    if (this.state.serving !== 'replica' || !replica) {
      replicaFallbacks.inc({ reason: this.state.reason ?? 'down' });
      return fn(this.primary);
    }
    try {
      return await fn(replica);
    } catch (e) {
      const fault = isReplicaFault(e);
      if (!fault) throw e;
      replicaFallbacks.inc({ reason: 'failed' });
      // a dead replica is marked at once (logged once); a recovery conflict only retries this read
      if (fault === 'down') this.set({ serving: 'primary', reason: 'down', lagMs: null }, e);
      return fn(this.primary);
    }
  }

  status(): DbReplicaStatus | undefined {
    if (!this.opts) return undefined;
    const s = this.state;
    return { serving: s.serving, ...(s.reason ? { reason: s.reason } : {}), lagMs: s.lagMs, maxLagMs: this.opts.maxLagMs, checkedAt: s.checkedAt?.toISOString() ?? null };
  }

  /** One check now (tests, and the timer); checks never overlap. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const opts = this.opts!;
    let primaryLsn: bigint;
    try {
      primaryLsn = lsnValue((await queryRows<{ lsn: string }>(this.primary, `SELECT pg_current_wal_lsn()::text AS lsn`))[0]!.lsn);
    } catch {
      return; // the primary is away: nothing reads anywhere until it is back, and the state stays as it was
    }
    const now = Date.now();
    this.samples.push({ lsn: primaryLsn, at: now });
    // enough history to tell a lag of maxLag from a longer one
    const keepFrom = now - opts.maxLagMs - 4 * opts.checkMs;
    while (this.samples.length > 2 && this.samples[1]!.at < keepFrom) this.samples.shift();
    try {
      const [r] = await withDeadline(this.replayPosition(), Math.max(1_000, Math.min(10_000, opts.checkMs * 5)));
      if (!r || r.replay === null) return this.set({ serving: 'primary', reason: 'not_standby', lagMs: null });
      const lagMs = lagOf(this.samples, lsnValue(r.replay), Date.now());
      this.set(lagMs <= opts.maxLagMs ? { serving: 'replica', lagMs } : { serving: 'primary', reason: 'lagging', lagMs });
    } catch (e) {
      this.set({ serving: 'primary', reason: 'down', lagMs: null }, e);
    }
  }

  private async replayPosition(): Promise<Array<{ replay: string | null }>> {
    let replica = this.replica;
    if (!replica) {
      // one attempt at a time: a check that gave up on its deadline may leave one running
      this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
      replica = await this.connecting;
    }
    return queryRows<{ replay: string | null }>(replica, `SELECT pg_last_wal_replay_lsn()::text AS replay`);
  }

  /** The replica's DataSource, made on first success: a replica down at boot must not stop the app. */
  private async connect(): Promise<DataSource> {
    const o = this.opts!;
    const ds = createDataSource({ url: o.url, poolSize: o.poolSize, appName: o.appName, limits: o.limits, connectTimeoutMs: Math.max(1_000, Math.min(5_000, o.checkMs * 2)) });
    bindProtection(ds, this.protection);
    try {
      await ds.initialize();
    } catch (e) {
      await ds.destroy().catch(() => undefined);
      throw e;
    }
    this.replica = ds;
    return ds;
  }

  private set(next: { serving: 'replica' | 'primary'; reason?: string; lagMs: number | null }, error?: unknown): void {
    const before = this.state;
    this.state = { ...next, checkedAt: new Date() };
    replicaLag.set(next.lagMs === null ? -1 : next.lagMs / 1000);
    replicaInUse.set(next.serving === 'replica' ? 1 : 0);
    // logged on a change only: a replica down for an hour is one line, not one per read
    if (before.serving === next.serving && before.reason === next.reason) return;
    if (next.serving === 'replica') this.logger.log({ lagMs: next.lagMs }, 'reads go to the replica');
    else this.logger.warn({ reason: next.reason, lagMs: next.lagMs, maxLagMs: this.opts!.maxLagMs, error: describe(error) }, 'reads go to the primary');
  }
}

/** A replica that stops answering (a host gone silent) is found down within the deadline, not after TCP gives up. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** The driver's words, or its code (a refused connection can be an AggregateError without a message). */
function describe(e: unknown): string | undefined {
  if (e === undefined) return undefined;
  const err = e as { message?: string; code?: string; name?: string };
  return (err.message || err.code || err.name || String(e)).slice(0, 200);
}
