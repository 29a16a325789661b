import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubError, ValidationFailed, type HubActor } from '@hub/common';
import { validateBody } from '@hub/connectors/common';
import { allowedActions, type Actor } from '@hub/rules/lifecycle';
import { WorkOrderService, type ActionDetails, type ApplyResult, type ExecutorAction, type Performer } from '@hub/workflow';
import { parseListQuery, type RawListQuery } from './work-order-list.query';
import { WorkOrderViews, type WorkOrderPage } from './work-order-views.service';
import { AppealDto, CoInputDto, ContactDto, ExtensionRequestDto, ObjectionDto, ReplyDto } from './work-orders.dto';

/** What every action answers: where the work order stands now and what the caller may do next. */
export interface ActionAnswer {
  ticketId: string;
  action: string;
  previousState: string;
  state: string;
  unit: string | null;
  coUnits: readonly string[];
  /** deadlines this action started or moved (wire form, docs/contracts.md#hotline-status-events) */
  due: Record<string, string> | null;
  /** the record created: reply, objection, appeal, co-input or extension request */
  recordId: string | null;
  allowedActions: string[];
}

/** Validates a JSON body against a DTO (400 validation_failed with the paths); no body counts as `{}`. */
export function parseBody<T extends object>(dto: new () => T, body: unknown): T {
  const v = validateBody(dto, body === undefined ? {} : body);
  if (!v.ok) throw new ValidationFailed(v.fields);
  return v.value;
}

export function performerOf(a: HubActor): Performer {
  return { id: a.id, role: a.role, unitCode: a.unitCode, name: a.name };
}

export function answerOf(r: ApplyResult, actor: Actor): ActionAnswer {
  return {
    ticketId: r.ticketId,
    action: r.action,
    previousState: r.before,
    state: r.state,
    unit: r.unit,
    coUnits: r.coUnits,
    due: r.due,
    recordId: r.recordId,
    allowedActions: allowedActions(r.context, actor),
  };
}

/**
 * The units' side of a work order (承办单位, docs/domain.md#work-order-life): their list, one
 * order with its history, and every action a unit takes. Each action is one transaction through
 * the executor, which records it and reports it to the systems that need to know.
 */
@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly workOrders: WorkOrderService,
    private readonly views: WorkOrderViews,
  ) {}

  list(actor: HubActor, raw: RawListQuery): Promise<WorkOrderPage> {
    return this.views.list(parseListQuery(raw), unitOf(actor), false);
  }

  get(actor: HubActor, id: string): Promise<Record<string, unknown>> {
    return this.views.forUnit(actor, id, unitOf(actor));
  }

  sign(actor: HubActor, id: string): Promise<ActionAnswer> {
    return this.act(actor, id, 'unit', { type: 'sign' });
  }

  contact(actor: HubActor, id: string, body: unknown): Promise<ActionAnswer> {
    const dto = parseBody(ContactDto, body);
    return this.act(actor, id, 'unit', { type: 'contact' }, { contactNote: dto.note });
  }

  reply(actor: HubActor, id: string, body: unknown): Promise<ActionAnswer> {
    const dto = parseBody(ReplyDto, body);
    return this.act(
      actor,
      id,
      'unit',
      { type: 'reply', replyPoints: dto.replyPoints, maintainsPreviousAnswer: dto.maintainsPreviousAnswer },
      { report: dto.report, attachments: dto.attachments, approvedBy: dto.approvedBy, sealedDocument: dto.sealedDocument },
    );
  }

  object(actor: HubActor, id: string, body: unknown): Promise<ActionAnswer> {
    const dto = parseBody(ObjectionDto, body);
    return this.act(actor, id, 'unit', { type: 'object', reason: dto.reason, suggestedUnit: dto.suggestedUnit }, { legalBasis: dto.legalBasis });
  }

  requestExtension(actor: HubActor, id: string, body: unknown): Promise<ActionAnswer> {
    const dto = parseBody(ExtensionRequestDto, body);
    return this.act(actor, id, 'unit', { type: 'request_extension', dueDate: dto.dueDate, reason: dto.reason });
  }

  appeal(actor: HubActor, id: string, body: unknown): Promise<ActionAnswer> {
    const dto = parseBody(AppealDto, body);
    return this.act(actor, id, 'unit', { type: 'appeal', reason: dto.reason }, { evidence: dto.evidence });
  }

  coInput(actor: HubActor, id: string, body: unknown): Promise<ActionAnswer> {
    const dto = parseBody(CoInputDto, body);
    return this.act(actor, id, 'co', { type: 'co_input', content: dto.content }, { attachments: dto.attachments });
  }

  private async act(actor: HubActor, id: string, as: 'unit' | 'co', action: ExecutorAction, details?: ActionDetails): Promise<ActionAnswer> {
    const unitCode = unitOf(actor);
    const who: Actor = { role: as, unitCode, id: actor.id };
    const r = await this.ds.transaction((tx) => this.workOrders.apply(tx, id, action, who, { performer: performerOf(actor), details }));
    return answerOf(r, who);
  }
}

/** The unit a unit account acts for; an account without one cannot act for any. */
function unitOf(actor: HubActor): string {
  if (!actor.unitCode) throw new HubError(403, 'forbidden', 'this account is not bound to a unit (承办单位)');
  return actor.unitCode;
}
