import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubError, type HubActor } from '@hub/common';
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

  contact(actor: HubActor, id: string, body: ContactDto): Promise<ActionAnswer> {
    return this.act(actor, id, 'unit', { type: 'contact' }, { contactNote: body.note });
  }

  reply(actor: HubActor, id: string, body: ReplyDto): Promise<ActionAnswer> {
    return this.act(
      actor,
      id,
      'unit',
      { type: 'reply', replyPoints: body.replyPoints, maintainsPreviousAnswer: body.maintainsPreviousAnswer, onTheSpot: body.onTheSpot },
      { report: body.report, attachments: body.attachments, approvedBy: body.approvedBy, sealedDocument: body.sealedDocument },
    );
  }

  object(actor: HubActor, id: string, body: ObjectionDto): Promise<ActionAnswer> {
    return this.act(actor, id, 'unit', { type: 'object', reason: body.reason, suggestedUnit: body.suggestedUnit }, { legalBasis: body.legalBasis });
  }

  requestExtension(actor: HubActor, id: string, body: ExtensionRequestDto): Promise<ActionAnswer> {
    return this.act(actor, id, 'unit', { type: 'request_extension', dueDate: body.dueDate, reason: body.reason });
  }

  appeal(actor: HubActor, id: string, body: AppealDto): Promise<ActionAnswer> {
    return this.act(actor, id, 'unit', { type: 'appeal', reason: body.reason }, { evidence: body.evidence });
  }

  coInput(actor: HubActor, id: string, body: CoInputDto): Promise<ActionAnswer> {
    return this.act(actor, id, 'co', { type: 'co_input', content: body.content }, { attachments: body.attachments });
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
