import type { HotlineStatusType, StatusEventBody } from '../common/status-event.types';
import type { DeliveryResult } from '../delivery/delivery-result.types';
import { type ConnectorClientOptions, SignedSender } from '../delivery/signed-sender';
import { checkBaseUrl } from '../delivery/target-url.util';

/** Body of `POST {hotline}/api/orders/{orderNo}/status` (contracts §3). */
export interface HotlineStatusEvent extends StatusEventBody<HotlineStatusType> {
  orderNo: string;
}

/**
 * Status events to the 12345 hotline. Ordering per order (§3 "must arrive in the order they
 * happened") is the notifier's job: it sends one event of an order at a time.
 */
export class HotlineStatusClient {
  private readonly sender: SignedSender;
  private readonly baseUrl: string;

  constructor(options: ConnectorClientOptions) {
    checkBaseUrl(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.sender = new SignedSender(options);
  }

  sendStatus(event: HotlineStatusEvent): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ['api', 'orders', event.orderNo, 'status'], event);
  }
}
