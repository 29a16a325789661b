import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { HUB_CONFIG, HubConfig, ticketsReceived } from '@hub/common';
import { parseKeyRing } from '@hub/connectors/signing';
import { NationalClient, TransferPageItem, mapNationalTransfer } from '@hub/connectors/national';
import { contentHash } from '@hub/connectors/common';
import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { advisoryUnlock, advisoryUnlockAll, pollCursor, releaseSavepoint, rollbackToSavepoint, routeJob, savePollCursor, savepoint, storeTicket, tryAdvisoryLock, type StoreResult } from '@hub/store';
import { nationalReceipt } from '@hub/connectors';

/**
 * Advisory lock key of the poller; unique among the hub's keys: sharing CALENDAR_LOCK's would make a
 * poll hold up every clock write, and any clock write make the poll stand aside as 'locked'.
 */
export const POLL_LOCK = 72012351;
const MIN_RETRY_MS = 1000;

export interface PollReport {
  outcome: 'done' | 'locked' | 'not_configured' | 'retry_later' | 'failed';
  pages: number;
  stored: number;
  duplicates: number;
  conflicts: number;
  incomplete: number;
  skipped: number;
  retryInMs?: number;
}

/**
 * Pulls transfers from the national platform (docs/contracts.md#national-pull). One poller at a time across all
 * gateway replicas (advisory lock); each page's tickets, receipts, routing jobs and the cursor
 * commit together, so a restart resumes after the last stored page and nothing is lost or
 * duplicated. Obeys Retry-After on 429 and backs off on 5xx.
 */
@Injectable()
export class NationalPollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NationalPollerService.name);
  private client?: NationalClient;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  private current: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    const n = config.upstreams.national;
    if (n.url && n.keys) {
      this.client = new NationalClient({ baseUrl: n.url, keyRing: parseKeyRing('HUB_NATIONAL_KEYS', n.keys), timeoutMs: config.delivery.timeoutMs });
    }
  }

  onApplicationBootstrap(): void {
    if (this.client && !this.config.disablePoller) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.pollOnce()
        .then((r) => this.schedule(r.retryInMs ?? this.config.nationalPollMs))
        .catch((err) => {
          this.logger.error({ err }, 'national poll failed');
          this.schedule(this.backoff());
        });
    }, ms);
  }

  private backoff(): number {
    this.failures += 1;
    return Math.min(1000 * 2 ** Math.min(this.failures - 1, 16), this.config.nationalPollMs);
  }

  /** One cycle: pages until `nextCursor` is null. Public for tests and operators. */
  async pollOnce(): Promise<PollReport> {
    const report: PollReport = { outcome: 'done', pages: 0, stored: 0, duplicates: 0, conflicts: 0, incomplete: 0, skipped: 0 };
    if (!this.client) return { ...report, outcome: 'not_configured' };
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      if (!(await tryAdvisoryLock(qr, POLL_LOCK))) return { ...report, outcome: 'locked' };
      try {
        await this.pages(qr, report);
      } finally {
        // A failed unlock must not hide the poll's own outcome or error. A terminated connection
        // took the lock with it; on a live one, unlocking everything once more is the last resort.
        await advisoryUnlock(qr, POLL_LOCK).catch(async (err: unknown) => {
          this.logger.warn({ err }, 'national poll lock release failed');
          await advisoryUnlockAll(qr).catch(() => undefined);
        });
      }
      if (report.outcome === 'done') this.failures = 0;
      return report;
    } finally {
      await qr.release();
    }
  }

  private async pages(qr: QueryRunner, report: PollReport): Promise<void> {
    for (let guard = 0; guard < 10_000 && !this.stopped; guard++) {
      const cursor = await pollCursor(qr, 'national');
      const page = await this.client!.pullTransfers({ cursor, limit: this.config.nationalPageLimit });
      if (page.outcome === 'retry') {
        report.outcome = 'retry_later';
        // Retry-After obeyed, but never below a second: "Retry-After: 0" on every answer would
        // otherwise have the poller hammer a platform that is already overloaded.
        report.retryInMs = page.retryAfterMs === undefined ? this.backoff() : Math.max(page.retryAfterMs, MIN_RETRY_MS);
        this.logger.warn({ status: page.status, error: page.error, retryInMs: report.retryInMs }, 'national platform asked us to wait');
        return;
      }
      if (page.outcome === 'permanent') {
        report.outcome = 'failed';
        report.retryInMs = this.backoff();
        this.logger.error({ status: page.status, error: page.error }, 'national platform answered something we cannot use');
        return;
      }
      report.pages += 1;
      await qr.startTransaction();
      try {
        for (const item of page.items) await this.storeItem(qr, item, report);
        // On the last page keep the cursor we used: the next poll asks again from there and the
        // platform appends new transfers after it (already stored ones collapse on their id).
        const next = page.nextCursor ?? cursor;
        await savePollCursor(qr, 'national', next);
        await qr.commitTransaction();
      } catch (e) {
        await qr.rollbackTransaction();
        throw e;
      }
      if (page.nextCursor === null || page.nextCursor === cursor) return;
    }
  }

  private async storeItem(qr: QueryRunner, item: TransferPageItem, report: PollReport): Promise<void> {
    let ticket: CanonicalTicket;
    let hash: string;
    let raw: unknown;
    let problems: Array<{ path: string; message: string }> | undefined;
    if (item.ok) {
      ticket = mapNationalTransfer(item.value);
      hash = item.contentHash;
      raw = item.value;
    } else if (item.transferId) {
      // A transfer lacking required elements is still ours to answer: stored with its problems,
      // the router returns it as incomplete_elements within 5 working days (沪府办〔2020〕49号 Art. 4(一)).
      ticket = lenientTransfer(item.transferId, item.raw);
      hash = contentHash(item.raw);
      raw = item.raw;
      problems = item.fields;
    } else {
      report.skipped += 1;
      this.logger.error({ fields: item.fields }, 'national transfer without a usable transferId skipped');
      return;
    }
    const store = (t: CanonicalTicket, p: typeof problems): Promise<StoreResult> =>
      storeTicket(qr, {
        ticket: t,
        contentHash: hash,
        rawPayload: raw,
        intakeProblems: p,
        actor: 'national',
        outbox: (id) => [routeJob(id), nationalReceipt(id, t.externalId, new Date().toISOString())],
      });
    // Each transfer behind its own savepoint: a value PostgreSQL cannot hold (a date in year 0000
    // passes the wire format) would otherwise fail the page on every poll and block the feed
    // behind it. Such a transfer is kept as incomplete with neutral dates, the router returns it.
    let r: StoreResult;
    await savepoint(qr, 'national_transfer');
    try {
      r = await store(ticket, problems);
      await releaseSavepoint(qr, 'national_transfer');
    } catch (e) {
      const code = sqlState(e);
      if (code === undefined || !code.startsWith('22')) throw e;
      await rollbackToSavepoint(qr, 'national_transfer');
      this.logger.error({ transferId: ticket.externalId, sqlState: code }, 'national transfer refused by the store as sent; kept as incomplete');
      const { transferredAt: _at, dueAt: _due, ...rest } = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      problems = [...(problems ?? []), { path: '', message: `could not be stored as sent (SQLSTATE ${code}); times replaced by the time of receipt` }];
      ticket = lenientTransfer(ticket.externalId, rest);
      r = await store(ticket, problems);
    }
    if (r.created) {
      report.stored += 1;
      // Counted when stored, not when seen: the last page is read again on every poll.
      if (problems) report.incomplete += 1;
      ticketsReceived.inc({ source: 'national', record: 'transfer', answer: 'stored' });
    } else if (r.sameContent) {
      report.duplicates += 1;
    } else {
      report.conflicts += 1;
      this.logger.warn({ transferId: ticket.externalId, ticketId: r.ticketId }, 'national transfer redelivered with different content; first version kept');
    }
  }
}

/** The SQLSTATE of a PostgreSQL error (TypeORM copies the driver's fields onto its own error). */
function sqlState(e: unknown): string | undefined {
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function text(v: unknown, max: number): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

/** The best canonical reading of a transfer that failed validation (kept for the return). */
export function lenientTransfer(transferId: string, raw: unknown): CanonicalTicket {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const region = typeof r.regionCode === 'string' && /^[0-9]{6}([0-9]{3}){0,2}$/.test(r.regionCode) ? r.regionCode : undefined;
  const at = typeof r.transferredAt === 'string' && !Number.isNaN(Date.parse(r.transferredAt)) ? r.transferredAt : new Date().toISOString();
  const level = r.level === 'special' || r.level === 'urgent' ? r.level : 'general';
  return {
    source: 'national',
    sourceRecord: 'transfer',
    externalId: transferId,
    kind: 'complaint',
    channel: 'national',
    title: text(r.title, 200),
    content: text(r.content, 20000),
    citizen: { anonymous: true, confidential: false },
    location: region ? { regionCode: region } : undefined,
    urgency: level === 'general' ? 'normal' : 'urgent',
    complex: false,
    attachments: [],
    receivedAt: at,
    national: { level, transferredAt: at },
  };
}
