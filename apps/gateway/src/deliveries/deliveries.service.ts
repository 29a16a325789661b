import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, ValidationFailed, maskPii, type FieldError, type HubConfig } from '@hub/common';
import { DataProtection, outboxPayloadContext } from '@hub/common/crypto';
import { attemptsOf, discardFailed, listDeliveries, loadOutbox, retryFailed, type AttemptLog, type OutboxRow } from '@hub/store';
import {
  checkDeliveryId,
  checkLimit,
  checkStatus,
  checkTarget,
  deliveryNotFailed,
  deliveryNotFound,
} from './delivery.errors';
import type { DiscardDto, RetryTargetDto } from './deliveries.dto';

/** One outbox message as the office sees it in a list. */
export interface DeliverySummary {
  id: string;
  eventId: string;
  ticketId: string | null;
  target: string;
  /** status | receipt | return | result | work_order | route */
  type: string;
  /** the path under the target's base URL */
  path: string | null;
  status: OutboxRow['status'];
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  firstAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  discardReason: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  /** the body as sent, citizens' phone and ID numbers masked */
  body: unknown;
  log: Array<Omit<AttemptLog, 'at'> & { at: string }>;
}

export interface DeliveryPage {
  items: DeliverySummary[];
  /** pass as `after` for the next page; null on the last one */
  nextAfter: string | null;
  /** delivered messages are deleted this many days after delivery (HUB_OUTBOX_RETENTION_DAYS; 0: kept) */
  retentionDays: number;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function summary(r: OutboxRow): DeliverySummary {
  return {
    id: r.id,
    eventId: r.eventId,
    ticketId: r.ticketId,
    target: r.target,
    type: r.type,
    path: r.payload.segments ? `/${r.payload.segments.map(encodeURIComponent).join('/')}` : null,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    createdAt: iso(r.createdAt)!,
    firstAttemptAt: iso(r.firstAttemptAt),
    nextAttemptAt: r.status === 'pending' ? iso(r.nextAttemptAt) : null,
    deliveredAt: iso(r.deliveredAt),
    discardReason: r.discardReason,
  };
}

/**
 * Dead letters (a 4xx other than 408/409/429 fails for good, docs/contracts.md#delivery-and-retries; and messages whose 72 hours of
 * retries ran out): the office lists them per target, reads each one's delivery log, sends one or
 * all of a target again, or gives one up with a reason. Retrying puts a message back at the head of
 * its ticket's queue for that target, with a fresh retry window.
 */
@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly protection: DataProtection,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async list(query: { status?: string; target?: string; after?: string; limit?: string }): Promise<DeliveryPage> {
    const fields: FieldError[] = [];
    const status = query.status === undefined ? 'failed' : checkStatus(query.status, 'status', fields);
    const target = query.target === undefined ? undefined : checkTarget(query.target, 'target', fields);
    const afterId = query.after === undefined ? undefined : checkDeliveryId(query.after, 'after', fields);
    const limit = query.limit === undefined ? 100 : checkLimit(query.limit, 'limit', fields);
    if (fields.length || status === undefined || limit === undefined) throw new ValidationFailed(fields);
    // One more than asked tells whether there is a next page.
    const rows = await listDeliveries(this.ds, { status, target, afterId, limit: limit + 1 });
    const items = rows.slice(0, limit).map(summary);
    return { items, nextAfter: rows.length > limit ? items[items.length - 1].id : null, retentionDays: this.config.delivery.retentionDays };
  }

  async get(rawId: string): Promise<DeliveryDetail> {
    const id = this.id(rawId);
    const row = await loadOutbox(this.ds, id);
    if (!row) throw deliveryNotFound(id);
    const log = await attemptsOf(this.ds, id);
    return {
      ...summary(row),
      // sealed at rest (outboxValues): opened to be masked, as every reader outside the chain sees it
      body: maskPii((this.protection.openDeep(row.payload, outboxPayloadContext(row.eventId)) as OutboxRow['payload']).body ?? null),
      log: log.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
    };
  }

  async retry(rawId: string, by: string): Promise<DeliverySummary> {
    const id = this.id(rawId);
    const n = await retryFailed(this.ds, { id });
    const row = await loadOutbox(this.ds, id);
    if (!row) throw deliveryNotFound(id);
    if (n === 0) throw deliveryNotFailed(id, row.status, 'retry');
    this.logger.log({ outboxId: id, target: row.target, by }, 'dead letter sent again');
    return summary(row);
  }

  async retryTarget({ target }: RetryTargetDto, by: string): Promise<{ target: string; retried: number }> {
    const retried = await retryFailed(this.ds, { target });
    this.logger.log({ target, retried, by }, 'dead letters of a target sent again');
    return { target, retried };
  }

  async discard(rawId: string, { reason }: DiscardDto, by: string): Promise<DeliverySummary> {
    const fields: FieldError[] = [];
    const id = checkDeliveryId(rawId, 'id', fields);
    if (id === undefined) throw new ValidationFailed(fields);
    const done = await discardFailed(this.ds, id, reason);
    const row = await loadOutbox(this.ds, id);
    if (!row) throw deliveryNotFound(id);
    if (!done) throw deliveryNotFailed(id, row.status, 'discard');
    // The reason is the operator's free text: kept on the row, not in the log.
    this.logger.log({ outboxId: id, target: row.target, by }, 'dead letter discarded');
    return summary(row);
  }

  private id(raw: string): string {
    const fields: FieldError[] = [];
    const id = checkDeliveryId(raw, 'id', fields);
    if (id === undefined) throw new ValidationFailed(fields);
    return id;
  }
}
