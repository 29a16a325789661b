import { HubError, type FieldError } from '@hub/common';
import type { ActionName, WorkOrderState } from '@hub/rules/lifecycle';

/**
 * The lifecycle's error codes (one enum per feature; the global filter turns HubError into
 * `{error, message, ...details}`).
 */
export enum WorkOrderErrorCode {
  /** no such ticket — and also a ticket the calling unit does not handle: nothing is revealed */
  NotFound = 'not_found',
  /** the action is not allowed in the ticket's current state (or its context forbids it) */
  NotAllowed = 'not_allowed',
  /** the caller is on the ticket but in another role (a co-handler replying, the lead giving co-input) */
  Forbidden = 'forbidden',
  /** the action's input is unusable; `fields` name what */
  InvalidInput = 'invalid_input',
  /** a stored ticket in a state the executor cannot rebuild a context for */
  ContextMissing = 'work_order_context_missing',
}

/** The same answer for "no such ticket" and "not yours", so a unit cannot probe for tickets. */
export const ticketNotFound = (id: string): HubError => new HubError(404, WorkOrderErrorCode.NotFound, `work order ${id} not found`);

export const recordNotFound = (what: string, id: string): HubError => new HubError(404, WorkOrderErrorCode.NotFound, `${what} ${id} not found`);

/** 409: what the ticket is now and what this caller may do instead. */
export function notAllowed(message: string, state: WorkOrderState | string, allowed: readonly ActionName[] | readonly string[]): HubError {
  return new HubError(409, WorkOrderErrorCode.NotAllowed, message, { state, allowed: [...allowed] });
}

export function forbidden(message: string, state: WorkOrderState, allowed: readonly ActionName[]): HubError {
  return new HubError(403, WorkOrderErrorCode.Forbidden, message, { state, allowed: [...allowed] });
}

export function invalidInput(fields: FieldError[]): HubError {
  return new HubError(400, WorkOrderErrorCode.InvalidInput, fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; '), { fields });
}

export const contextMissing = (id: string, state: string): HubError =>
  new HubError(500, WorkOrderErrorCode.ContextMissing, `work order ${id} is in state ${state} without a stored context`);

/**
 * The field a machine refusal of kind `invalid_input` is about. The machine speaks in messages,
 * the API in field paths; DTO validation catches almost everything first, so this only has to be
 * good enough for the rest.
 */
export function fieldOfMachineMessage(action: ActionName, message: string): string {
  const m = message.toLowerCase();
  const named: Array<[RegExp, string]> = [
    [/visit\.(result|efficiency|attitude|note|satisfied)/, '$1'],
    [/counits|co-handler/, 'coUnits'],
    [/duedate/, 'dueDate'],
    [/suggested unit|建议承办单位/, 'suggestedUnit'],
    [/答复要点|replypoints/, 'replyPoints'],
    [/maintainspreviousanswer/, 'maintainsPreviousAnswer'],
  ];
  for (const [re, path] of named) {
    const hit = re.exec(m);
    if (hit) return path.replace('$1', hit[1] ?? '');
  }
  if (/\breason\b|grounds|依据|defence|申辩/.test(m)) return 'reason';
  if (action === 'set_lead' && /lead|does not handle/.test(m)) return 'lead';
  if (/\bunit\b/.test(m) && (action === 'designate' || action === 'review_objection' || action === 'dispatch')) return 'unit';
  if (action === 'co_input') return 'content';
  if (action === 'merge') return 'into';
  return '';
}
