import type { ActionName, WorkOrderAction, WorkOrderActionOf, WorkOrderContext, WorkOrderState } from '@hub/rules/lifecycle';
import type { Attachment } from '@hub/rules/model/ticket';
import type { SealedDocument, StoredWorkOrder, TicketRow } from '@hub/store';

/**
 * An action as callers give it to the executor. `object` comes without `withinWindow`: whether the
 * objection window (沪府办〔2020〕49号 Art. 7(二), 5 working days) is still open is the executor's to find out from
 * the clocks, never the caller's to claim.
 */
export type ExecutorAction = Exclude<WorkOrderAction, { type: 'object' }> | Omit<WorkOrderActionOf<'object'>, 'withinWindow'>;

/** Who did it, for the event log (Yunnan Measures Art. 17: who, what, when). */
export interface Performer {
  /** user id, API key id, or the app (`router`) */
  id: string;
  /** the hub role (unit_staff, operator, …) or `system` */
  role: string;
  unitCode?: string;
  name?: string;
}

/**
 * What an action records besides the machine's own input: the reply's report and documents, the
 * objection's legal basis, the appeal's evidence, which record a review is about. Only the fields
 * of the action at hand are read.
 */
export interface ActionDetails {
  /** reply: 办结报告 */
  report?: string;
  /** reply and co_input: documents */
  attachments?: Attachment[];
  /** reply of a national transfer: 审核人 (docs/contracts.md#national-messages `approvedBy`) */
  approvedBy?: string;
  /** reply of a national transfer: the sealed conclusion (docs/contracts.md#national-messages `sealedDocument`) */
  sealedDocument?: SealedDocument;
  /** object: 载明相关依据 (沪府办〔2020〕49号 Art. 7(一)) */
  legalBasis?: string;
  /** appeal: the evidence for 不属实 (沪府办〔2020〕49号 Art. 6(一)) */
  evidence?: Attachment[];
  /** review_objection: the objection reviewed */
  objectionId?: string;
  /** review_appeal: the appeal reviewed */
  appealId?: string;
  /** review_extension: the request decided */
  extensionRequestId?: string;
  /** review_extension: the office's note (approved or refused) */
  note?: string;
  /** contact: how the unit reached the citizen (kept in the log) */
  contactNote?: string;
}

export interface ApplyOptions {
  /** the event log's actor; default from `performer` (`unit:<code>:<id>`, `office:<id>`, `system`) */
  by?: string;
  performer?: Performer;
  /** default: the injected NOW */
  at?: Date;
  /** more data for the action's event (a routing decision's rule and trace, …) */
  data?: Record<string, unknown>;
  /** the directory version a routing decision used (tickets.directory_version) */
  directoryVersion?: string | null;
  details?: ActionDetails;
  /** fields added to every unit work order this action sends (a citizen's supplement, …) */
  workOrderBody?: Record<string, unknown>;
  /** the ticket as WorkOrderService.lock read it in this transaction, nothing changed since (saves reading it again) */
  locked?: LockedTicket;
}

/**
 * A ticket locked and read by WorkOrderService.lock in the caller's transaction, with its work
 * order. Opaque to callers but for `ticket`; valid until the transaction changes the ticket.
 */
export interface LockedTicket {
  readonly ticket: TicketRow;
  readonly stored: StoredWorkOrder;
  readonly ctx: WorkOrderContext;
}

export interface ApplyResult {
  ticketId: string;
  /** `unmerge` is the office's, outside the machine */
  action: ActionName | 'unmerge';
  before: WorkOrderState;
  state: WorkOrderState;
  unit: string | null;
  coUnits: readonly string[];
  /** the wire `due` of deadlines this action started or moved (docs/contracts.md#hotline-status-events), null when none */
  due: Record<string, string> | null;
  /** the record the action created: reply, objection, appeal, callback, co-input or extension request */
  recordId: string | null;
  context: WorkOrderContext;
}
