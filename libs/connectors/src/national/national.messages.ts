import { randomUUID } from 'node:crypto';
import type { OutboundMessage } from '../common/outbound-message';

/** The national platform's paths for a transfer (docs/contracts.md#national-messages). */
export const nationalTransferPath = (transferId: string, call: 'receipt' | 'return' | 'result'): string[] => ['api', 'v1', 'transfers', transferId, call];

/** The receipt, written at intake in the same transaction as the ticket. */
export function nationalReceipt(ticketId: string, transferId: string, receivedAt: string): OutboundMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: 'national', type: 'receipt', payload: { segments: nationalTransferPath(transferId, 'receipt'), body: { eventId, receivedAt, ticketId } } };
}

export function nationalReturn(ticketId: string, transferId: string, reason: 'out_of_jurisdiction' | 'incomplete_elements', detail: string, returnedAt: string): OutboundMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: 'national', type: 'return', payload: { segments: nationalTransferPath(transferId, 'return'), body: { eventId, reason, detail, returnedAt } } };
}

/** The result's content; the message adds its eventId. */
export interface NationalResultContent {
  report: string;
  replyPoints: string;
  approvedBy: string;
  sealedDocument: { name: string; sha256: string; url: string };
  visit: { satisfied: boolean; result: number; efficiency: number; attitude: number; note: string };
  concludedAt: string;
}

export function nationalResult(ticketId: string, transferId: string, result: NationalResultContent): OutboundMessage {
  const eventId = randomUUID();
  return { eventId, ticketId, target: 'national', type: 'result', payload: { segments: nationalTransferPath(transferId, 'result'), body: { eventId, ...result } } };
}
