import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ValidationFailed, type HubActor } from '@hub/common';
import type { Actor } from '@hub/rules/lifecycle';
import { ReadReplica, isTicketId, loadTicket, officeTodoCounts, ticketOfRecord, type OfficeTodoCounts, type ReviewedRecord } from '@hub/store';
import { WorkOrderService, recordNotFound, ticketNotFound, type ActionDetails, type ExecutorAction } from '@hub/workflow';
import { parseListQuery, type RawListQuery } from '../work-orders/work-order-list.query';
import { WorkOrderViews, type WorkOrderPage } from '../work-orders/work-order-views.service';
import { answerOf, performerOf, type ActionAnswer } from '../work-orders/work-orders.service';
import {
  AppealReviewDto,
  CallbackDto,
  VISIT_FIELDS,
  DesignateDto,
  ExtensionReviewDto,
  MergeDto,
  ObjectionReviewDto,
  ReasonDto,
  ReturnDto,
  UnitsDto,
} from './office-work-orders.dto';

const RECORD_NAMES: Record<ReviewedRecord, string> = { objection: 'objection', appeal: 'appeal', extension: 'extension request' };

/**
 * The hotline office's side of a work order (热线管理办公室, docs/domain.md#work-order-life):
 * designation, reviews, callbacks, reopening, termination, supervision, the handling units of a
 * multi-unit matter, merging. Reviews that belong to a unit's service authority (沪府办〔2020〕49号 Art. 6–7)
 * are recorded here by the office on its behalf.
 */
@Injectable()
export class OfficeWorkOrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly workOrders: WorkOrderService,
    private readonly views: WorkOrderViews,
    private readonly replica: ReadReplica,
  ) {}

  list(raw: RawListQuery): Promise<WorkOrderPage> {
    const q = parseListQuery(raw, { flagged: true, unit: true, search: true });
    return this.views.list(q, q.unit, true);
  }

  todo(): Promise<OfficeTodoCounts> {
    return this.replica.read((db) => officeTodoCounts(db, new Date()));
  }

  disputes(limit: string | undefined): Promise<{ items: Array<Record<string, unknown>> }> {
    const n = limit === undefined || limit === '' ? 100 : /^\d+$/.test(limit) ? Number(limit) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new ValidationFailed([{ path: 'limit', message: 'must be an integer 1..500' }]);
    return this.views.disputes(n);
  }

  get(actor: HubActor, id: string): Promise<Record<string, unknown>> {
    return this.views.forOffice(actor, id);
  }

  designate(actor: HubActor, id: string, body: DesignateDto): Promise<ActionAnswer> {
    return this.act(actor, id, { type: 'designate', unit: body.unit, coUnits: body.coUnits });
  }

  async reviewObjection(actor: HubActor, objectionId: string, body: ObjectionReviewDto): Promise<ActionAnswer> {
    const ticketId = await this.ticketOf('objection', objectionId);
    const action: ExecutorAction =
      body.decision === 'accepted' ? { type: 'review_objection', decision: 'accepted', unit: body.unit } : { type: 'review_objection', decision: 'refused', reason: body.reason ?? '' };
    return this.act(actor, ticketId, action, { objectionId });
  }

  async reviewExtension(actor: HubActor, requestId: string, body: ExtensionReviewDto): Promise<ActionAnswer> {
    const ticketId = await this.ticketOf('extension', requestId);
    const action: ExecutorAction =
      body.decision === 'approved' ? { type: 'review_extension', decision: 'approved' } : { type: 'review_extension', decision: 'refused', reason: body.reason ?? '' };
    return this.act(actor, ticketId, action, { extensionRequestId: requestId, note: body.note });
  }

  async reviewAppeal(actor: HubActor, appealId: string, body: AppealReviewDto): Promise<ActionAnswer> {
    const ticketId = await this.ticketOf('appeal', appealId);
    return this.act(actor, ticketId, { type: 'review_appeal', decision: body.decision, reason: body.reason }, { appealId });
  }

  callback(actor: HubActor, id: string, body: CallbackDto): Promise<ActionAnswer> {
    if (body.unreachable === true) {
      const present = VISIT_FIELDS.filter((k) => body[k] !== undefined && body[k] !== null);
      if (present.length > 0) throw new ValidationFailed(present.map((path) => ({ path, message: 'a call that reached nobody (unreachable) has no visit: leave it out' })));
      return this.act(actor, id, { type: 'callback', unreachable: { note: body.note } });
    }
    const score = (n: number): 1 | 2 | 3 | 4 | 5 => n as 1 | 2 | 3 | 4 | 5;
    return this.act(actor, id, {
      type: 'callback',
      visit: { satisfied: body.satisfied, ...(typeof body.resolved === 'boolean' ? { resolved: body.resolved } : {}), result: score(body.result), efficiency: score(body.efficiency), attitude: score(body.attitude), note: body.note },
    });
  }

  reopen(actor: HubActor, id: string, body: ReasonDto): Promise<ActionAnswer> {
    return this.act(actor, id, { type: 'reopen', reason: body.reason });
  }

  /** 退回国办: while the 5-WD return clock runs, until the platform has a result (docs/rules.md, item 2). */
  returnNational(actor: HubActor, id: string, body: ReturnDto): Promise<ActionAnswer> {
    return this.act(actor, id, { type: 'return', reason: body.reason, detail: body.detail });
  }

  terminate(actor: HubActor, id: string, body: ReasonDto): Promise<ActionAnswer> {
    return this.act(actor, id, { type: 'terminate', reason: body.reason });
  }

  supervise(actor: HubActor, id: string, body: ReasonDto): Promise<ActionAnswer> {
    return this.act(actor, id, { type: 'supervise', reason: body.reason });
  }

  /**
   * 主办/协办 (Yunnan Measures Art. 15): rearranging the units already on the matter is `set_lead`; naming a
   * lead new to it brings it in by designation (指定谁、谁办理), with the co-handlers given.
   */
  async units(actor: HubActor, id: string, body: UnitsDto): Promise<ActionAnswer> {
    const who = officeActor(actor);
    const r = await this.ds.transaction(async (tx) => {
      const t = isTicketId(id) ? await loadTicket(tx, id, true) : undefined;
      if (!t) throw ticketNotFound(id);
      const ctx = await this.workOrders.contextOf(tx, t);
      const onMatter = ctx.unit === body.lead || ctx.coUnits.includes(body.lead);
      const action: ExecutorAction = onMatter ? { type: 'set_lead', lead: body.lead, coUnits: body.coUnits } : { type: 'designate', unit: body.lead, coUnits: body.coUnits };
      return this.workOrders.apply(tx, id, action, who, { performer: performerOf(actor) });
    });
    return answerOf(r, who);
  }

  merge(actor: HubActor, id: string, body: MergeDto): Promise<ActionAnswer> {
    return this.act(actor, id, { type: 'merge', into: body.into.toLowerCase(), reason: body.reason });
  }

  async unmerge(actor: HubActor, id: string, body: ReasonDto): Promise<ActionAnswer> {
    const who = officeActor(actor);
    const r = await this.ds.transaction((tx) => this.workOrders.unmerge(tx, id, body.reason, performerOf(actor)));
    return answerOf(r, who);
  }

  private async ticketOf(kind: ReviewedRecord, id: string): Promise<string> {
    const ticketId = await ticketOfRecord(this.ds, kind, id);
    if (!ticketId) throw recordNotFound(RECORD_NAMES[kind], id);
    return ticketId;
  }

  private async act(actor: HubActor, id: string, action: ExecutorAction, details?: ActionDetails): Promise<ActionAnswer> {
    const who = officeActor(actor);
    const r = await this.ds.transaction((tx) => this.workOrders.apply(tx, id, action, who, { performer: performerOf(actor), details }));
    return answerOf(r, who);
  }
}

function officeActor(actor: HubActor): Actor {
  return { role: 'office', id: actor.id };
}
