import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubError, ValidationFailed, pgSafe, pgSafeText, ticketsReceived } from '@hub/common';
import { validateBody, contentHash } from '@hub/connectors/common';
import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { OutboxMessage, routeJob, storeTicket, storeEvaluationRecord, storeInboundEvent, evaluationKeptAs } from '@hub/store';
import { nationalReceipt } from '@hub/connectors';

type DtoClass<T> = new () => T;

export interface IntakeAnswer {
  status: 200 | 201 | 202;
  body: Record<string, unknown>;
}

/**
 * The front door (docs/contracts.md#inbound-answers): validate, store durably with the first event and the routing
 * job in one transaction, answer. A 4xx stores nothing; a 2xx is durable before it is sent.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(private readonly ds: DataSource) {}

  validate<T extends object>(dto: DtoClass<T>, body: unknown): T {
    const v = validateBody(dto, body);
    if (!v.ok) throw new ValidationFailed(v.fields);
    return v.value;
  }

  /** Stores a new ticket (or recognises a retry) and answers as docs/contracts.md#inbound-answers says. */
  async receive(ticket: CanonicalTicket, dto: object, raw: unknown, actor: string, problems?: Array<{ path: string; message: string }>): Promise<IntakeAnswer> {
    const hash = contentHash(dto);
    const r = await storeTicket(this.ds, {
      ticket,
      contentHash: hash,
      rawPayload: raw,
      intakeProblems: problems,
      actor,
      outbox: (id) => this.firstMessages(id, ticket),
    });
    const labels = { source: ticket.source, record: ticket.sourceRecord };
    if (r.created) {
      ticketsReceived.inc({ ...labels, answer: '201' });
      this.logger.log({ ticketId: r.ticketId, source: ticket.source, externalId: ticket.externalId }, 'ticket received');
      return { status: 201, body: { ticketId: r.ticketId, status: 'received' } };
    }
    if (r.sameContent) {
      ticketsReceived.inc({ ...labels, answer: '200' });
      return { status: 200, body: { ticketId: r.ticketId, status: 'received', redelivered: true } };
    }
    ticketsReceived.inc({ ...labels, answer: '409' });
    throw new HubError(409, 'conflict', `${ticket.sourceRecord} ${ticket.externalId} was already received with different content`, { ticketId: r.ticketId });
  }

  /** What commits with every new ticket: the routing job, and for national transfers the receipt (docs/contracts.md#national-messages). */
  firstMessages(ticketId: string, t: CanonicalTicket): OutboxMessage[] {
    const msgs: OutboxMessage[] = [routeJob(ticketId)];
    if (t.source === 'national') msgs.push(nationalReceipt(ticketId, t.externalId, new Date().toISOString()));
    return msgs;
  }

  /**
   * 意见建议类评价 (3–5 with a comment, docs/rules.md item 6): a suggestion ticket like any other, but
   * answered as the agreement answers every 3–5 rating, 202 `recorded`, with the ticket's id added
   * (docs/contracts.md#ywtb-evaluations). A conflict stays 409.
   */
  async receiveEvaluationSuggestion(t: CanonicalTicket, dto: object, raw: unknown): Promise<IntakeAnswer> {
    if ((await evaluationKeptAs(this.ds, t.externalId))?.as === 'record') {
      throw new HubError(409, 'conflict', `evaluation ${t.externalId} was already received with different content`, { ticketId: null });
    }
    const a = await this.receive(t, dto, raw, 'ywtb');
    return a.status === 201 || a.status === 200 ? { status: 202, body: { recorded: true, ...a.body } } : a;
  }

  /** 好差评 ratings 3–5: recorded for statistics, 202 (docs/contracts.md#ywtb-evaluations). */
  async record(r: { evaluationId: string; rating: number; unitCode: string; serviceItemCode: string; evaluatedAt: string }, dto: object, raw: unknown): Promise<IntakeAnswer> {
    const kept = await evaluationKeptAs(this.ds, r.evaluationId);
    if (kept?.as === 'ticket') throw new HubError(409, 'conflict', `evaluation ${r.evaluationId} was already received with different content`, { ticketId: kept.ticketId });
    // U+0000 / unpaired surrogates cannot be stored: replaced, as for tickets (storeTicket).
    const res = await storeEvaluationRecord(this.ds, { ...pgSafe(r), contentHash: contentHash(dto), payload: pgSafe(raw) });
    if (!res.created && !res.sameContent) {
      throw new HubError(409, 'conflict', `evaluation ${r.evaluationId} was already received with different content`, { ticketId: null });
    }
    ticketsReceived.inc({ source: 'ywtb', record: 'evaluation', answer: '202' });
    return { status: 202, body: { recorded: true, ticketId: null } };
  }

  /**
   * 补充 / 催办 / 撤诉 for a hotline order, idempotent on eventId. What is kept (and reaches units'
   * history and systems) is the validated event, never the raw body: unknown fields are dropped.
   */
  async orderEvent(orderNo: string, e: { eventId: string; type: string; occurredAt: string; content?: string }): Promise<IntakeAnswer> {
    const kept = { eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, ...(e.content !== undefined ? { content: e.content } : {}) };
    // U+0000 / unpaired surrogates cannot be stored (nor looked up): replaced, as for tickets (storeTicket).
    const res = await storeInboundEvent(
      this.ds,
      { source: 'hotline', record: 'order', externalId: pgSafeText(orderNo), eventId: pgSafeText(e.eventId), type: e.type, occurredAt: e.occurredAt, contentHash: contentHash(e), payload: pgSafe(kept), actor: 'hotline' },
      (ticketId, inboundId) => [{ ...routeJob(ticketId), type: 'citizen_event', payload: { inboundEventId: inboundId } }],
    );
    switch (res.outcome) {
      case 'no_ticket':
        throw new HubError(404, 'not_found', `order ${orderNo} is not known to the hub`);
      case 'conflict':
        throw new HubError(409, 'conflict', `event ${e.eventId} was already received with different content`, { ticketId: res.ticketId });
      case 'redelivered':
        return { status: 200, body: { ticketId: res.ticketId, eventId: e.eventId, status: 'received', redelivered: true } };
      case 'created':
        return { status: 201, body: { ticketId: res.ticketId, eventId: e.eventId, status: 'received' } };
    }
  }
}
