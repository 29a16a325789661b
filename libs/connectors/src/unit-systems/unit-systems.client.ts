import type { DeliveryResult } from '../delivery/delivery-result.types';
import { SignedSender, type SignedSenderOptions } from '../delivery/signed-sender';
import type { UnitWorkOrderBody } from './unit-work-order.types';

/**
 * Work orders to units' own business systems (contracts §6). One client for all units: each unit
 * registered its own base URL, all share the HUB_UNITS_KEYS ring. A bad registered URL is a
 * `permanent` failure without status, not an exception, so one unit's typo cannot wedge a queue.
 */
export class UnitSystemsClient {
  private readonly sender: SignedSender;

  constructor(options: SignedSenderOptions) {
    this.sender = new SignedSender(options);
  }

  sendWorkOrder(unitBaseUrl: string, body: UnitWorkOrderBody): Promise<DeliveryResult> {
    return this.sender.post(unitBaseUrl, ['work-orders'], body);
  }
}
