import type { DeliveryResult } from '../delivery/delivery-result.types';
import { classifyExchange } from '../delivery/classify-exchange.util';
import { type ConnectorClientOptions, SignedSender } from '../delivery/signed-sender';
import { checkBaseUrl } from '../delivery/target-url.util';
import { type TransferPageItem, validateTransferPage } from './national-page.util';

/** `POST /api/v1/transfers/{transferId}/receipt`, on intake (docs/contracts.md#national-messages). */
export interface NationalReceiptBody {
  eventId: string;
  receivedAt: string;
  ticketId: string;
}

export const NATIONAL_RETURN_REASONS = ['out_of_jurisdiction', 'incomplete_elements'] as const;
export type NationalReturnReason = (typeof NATIONAL_RETURN_REASONS)[number];

/** `POST /api/v1/transfers/{transferId}/return`, within 5 working days of receipt (docs/contracts.md#national-messages). */
export interface NationalReturnBody {
  eventId: string;
  reason: NationalReturnReason;
  detail: string;
  returnedAt: string;
}

/** 回访 scores, each 1..5 */
export interface NationalVisit {
  satisfied: number;
  result: number;
  efficiency: number;
  attitude: number;
  note: string;
}

/** `POST /api/v1/transfers/{transferId}/result`, after the callback (回访), docs/contracts.md#national-messages. */
export interface NationalResultBody {
  eventId: string;
  /** 办结报告 */
  report: string;
  /** 答复要点 */
  replyPoints: string;
  /** 审核人 */
  approvedBy: string;
  sealedDocument: { name: string; sha256: string; url: string };
  visit: NationalVisit;
  concludedAt: string;
}

export interface PullTransfersRequest {
  /** omitted on the very first call (docs/contracts.md#national-pull) */
  cursor?: string | null;
  /** 1..100 */
  limit: number;
}

export type PullTransfersResult =
  | { outcome: 'fetched'; status: number; durationMs: number; items: TransferPageItem[]; nextCursor: string | null }
  | Exclude<DeliveryResult, { outcome: 'delivered' }>;

export class NationalClient {
  private readonly sender: SignedSender;
  private readonly baseUrl: string;

  constructor(options: ConnectorClientOptions) {
    checkBaseUrl(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.sender = new SignedSender(options);
  }

  sendReceipt(transferId: string, body: NationalReceiptBody): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ['api', 'v1', 'transfers', transferId, 'receipt'], body);
  }

  sendReturn(transferId: string, body: NationalReturnBody): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ['api', 'v1', 'transfers', transferId, 'return'], body);
  }

  sendResult(transferId: string, body: NationalResultBody): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ['api', 'v1', 'transfers', transferId, 'result'], body);
  }

  /**
   * One page of `GET /api/v1/transfers`. 429/5xx/timeouts are `retry` (with retryAfterMs from
   * Retry-After); a 2xx whose body is not a page is `permanent` (a contract breach to alert on, the
   * poller simply tries again on its next tick). Items come back validated one by one.
   */
  async pullTransfers(request: PullTransfersRequest): Promise<PullTransfersResult> {
    if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > 100) {
      throw new RangeError(`limit must be an integer 1..100, got ${request.limit}`);
    }
    const cursor = request.cursor === null || request.cursor === '' ? undefined : request.cursor;
    const exchange = await this.sender.get(this.baseUrl, ['api', 'v1', 'transfers'], { cursor, limit: request.limit });
    const classified = classifyExchange(exchange, { conflictIsDelivered: false });
    if (classified.outcome !== 'delivered') return classified;
    const { status, durationMs } = classified;
    let body: unknown;
    try {
      body = JSON.parse(exchange.kind === 'response' ? exchange.text : '');
    } catch {
      return { outcome: 'permanent', status, error: 'invalid_page: body is not JSON', durationMs };
    }
    const page = validateTransferPage(body);
    if (!page.ok) {
      const first = page.fields[0];
      return { outcome: 'permanent', status, error: `invalid_page: ${first.path || 'body'}: ${first.message}`, durationMs };
    }
    return { outcome: 'fetched', status, durationMs, items: page.items, nextCursor: page.nextCursor };
  }
}
