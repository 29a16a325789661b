import type { StatusEventBody, YwtbStatusType } from '../common/status-event.types';
import type { DeliveryResult } from '../delivery/delivery-result.types';
import { type ConnectorClientOptions, SignedSender } from '../delivery/signed-sender';
import { checkBaseUrl } from '../delivery/target-url.util';

/** Body of `POST {ywtb}/api/evaluations/{evaluationId}/status` (contracts §4). */
export interface YwtbEvaluationStatusEvent extends StatusEventBody<YwtbStatusType> {
  evaluationId: string;
}

/** Body of `POST {ywtb}/api/suggestions/{suggestionId}/status` (contracts §4). */
export interface YwtbSuggestionStatusEvent extends StatusEventBody<YwtbStatusType> {
  suggestionId: string;
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
    return this.sender.post(this.baseUrl, ['api', 'evaluations', event.evaluationId, 'status'], event);
  }

  sendSuggestionStatus(event: YwtbSuggestionStatusEvent): Promise<DeliveryResult> {
    return this.sender.post(this.baseUrl, ['api', 'suggestions', event.suggestionId, 'status'], event);
  }
}
