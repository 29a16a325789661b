/**
 * Senders of single status events and work orders, for tests of the outbound path (signing,
 * classification, retries) against fakes. The hub itself sends what the outbox holds (the
 * notifier); the paths come from the same builders in libs/connectors that fill the outbox.
 */
import {
  SignedSender,
  checkBaseUrl,
  hotlineStatusPath,
  ywtbStatusPath,
  type ConnectorClientOptions,
  type DeliveryResult,
  type HotlineStatusType,
  type SignedSenderOptions,
  type StatusEventBody,
  type UnitWorkOrderBody,
  type YwtbStatusType,
} from '@hub/connectors';

/** Body of `POST {hotline}/api/orders/{orderNo}/status` (docs/contracts.md#hotline-status-events). */
export interface HotlineStatusEvent extends StatusEventBody<HotlineStatusType> {
  orderNo: string;
}

export interface YwtbEvaluationStatusEvent extends StatusEventBody<YwtbStatusType> {
  evaluationId: string;
}

export interface YwtbSuggestionStatusEvent extends StatusEventBody<YwtbStatusType> {
  suggestionId: string;
}

export class HotlineStatusClient {
  private readonly sender: SignedSender;
  private readonly baseUrl: string;

  constructor(options: ConnectorClientOptions) {
    checkBaseUrl(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.sender = new SignedSender(options);
  }

  sendStatus(event: HotlineStatusEvent): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, hotlineStatusPath(event.orderNo), event);
  }
}

export class YwtbStatusClient {
  private readonly sender: SignedSender;
  private readonly baseUrl: string;

  constructor(options: ConnectorClientOptions) {
    checkBaseUrl(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.sender = new SignedSender(options);
  }

  sendEvaluationStatus(event: YwtbEvaluationStatusEvent): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ywtbStatusPath('evaluation', event.evaluationId).segments, event);
  }

  sendSuggestionStatus(event: YwtbSuggestionStatusEvent): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ywtbStatusPath('suggestion', event.suggestionId).segments, event);
  }
}

/** Work orders to units' own systems: one sender for all units, each with its own base URL. */
export class UnitSystemsClient {
  private readonly sender: SignedSender;

  constructor(options: SignedSenderOptions) {
    this.sender = new SignedSender(options);
  }

  sendWorkOrder(unitBaseUrl: string, body: UnitWorkOrderBody): Promise<DeliveryResult> {
    return this.sender.post(unitBaseUrl, ['work-orders'], body);
  }
}
