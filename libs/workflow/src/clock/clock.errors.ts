import { HubError, ValidationFailed } from '@hub/common';
import { isValidDay } from '@hub/rules/calendar';
import type { ExtensionError } from '@hub/rules/deadlines';

/** The clock's error codes (one enum per feature; the global filter maps HubError to `{error, message, ...}`). */
export enum ClockErrorCode {
  TicketNotFound = 'ticket_not_found',
  NotHandlingUnit = 'not_handling_unit',
  NoResolveClock = 'no_resolve_clock',
  ClockMissed = 'clock_missed',
  NotExtendable = 'extension_not_extendable',
  NotAWorkingDay = 'extension_not_a_working_day',
  NotLater = 'extension_not_later',
  BeyondCap = 'extension_beyond_cap',
  ExtensionPending = 'extension_pending',
  ExtensionNotFound = 'extension_not_found',
  AlreadyDecided = 'extension_already_decided',
}

export const ticketNotFound = (id: string): HubError => new HubError(404, ClockErrorCode.TicketNotFound, `ticket ${id} not found`);

export const notHandlingUnit = (unitCode: string): HubError =>
  new HubError(403, ClockErrorCode.NotHandlingUnit, `${unitCode} 不是该工单的承办单位，不能申请延期 (only the handling unit may request an extension)`);

export const noResolveClock = (ticketId: string): HubError =>
  new HubError(409, ClockErrorCode.NoResolveClock, `工单 ${ticketId} 没有正在计时的办结时限 (no running resolve clock)`);

export const clockMissed = (dueDate: string): HubError =>
  new HubError(409, ClockErrorCode.ClockMissed, `办结时限 ${dueDate} 已过，已进入督办，不能再延期 (the resolve deadline has passed)`, { dueDate });

export const extensionPending = (requestId: string | null): HubError =>
  new HubError(409, ClockErrorCode.ExtensionPending, '该工单已有待审批的延期申请 (an extension request is already pending)', { requestId });

export const extensionNotFound = (id: string): HubError => new HubError(404, ClockErrorCode.ExtensionNotFound, `extension request ${id} not found`);

export const alreadyDecided = (id: string, status: string): HubError =>
  new HubError(409, ClockErrorCode.AlreadyDecided, `延期申请 ${id} 已${status === 'approved' ? '批准' : '驳回'} (already ${status})`, { status });

/** A refused extension (applyExtension's verdict) as a precise, actionable error. */
export function extensionError(error: ExtensionError, requestedDueDate: string, currentDueDate: string, cap: string): HubError {
  const details = { requestedDueDate, currentDueDate, cap };
  switch (error) {
    case 'not_a_working_day':
      return new HubError(422, ClockErrorCode.NotAWorkingDay, `${requestedDueDate} 不是工作日：延期后的办结日期须为工作日 (not a working day)`, details);
    case 'not_later':
      return new HubError(422, ClockErrorCode.NotLater, `${requestedDueDate} 不晚于当前办结日期 ${currentDueDate} (not later than the current due date)`, details);
    case 'beyond_cap':
      return new HubError(
        422,
        ClockErrorCode.BeyondCap,
        `${requestedDueDate} 超过延期上限 ${cap}：累计办理时限不得超过政策上限 (beyond the policy's cap; latest allowed ${cap})`,
        details,
      );
    case 'not_extendable':
      return new HubError(422, ClockErrorCode.NotExtendable, '该工单的办结时限不可延期（如国办转办件最长25个工作日；按小时或自然日计的紧急时限）(this deadline cannot be extended)', details);
  }
}

/** Malformed extension input (400 with the field paths). */
export function checkExtensionInput(requestedDueDate: unknown, reason: unknown): void {
  const fields: Array<{ path: string; message: string }> = [];
  if (typeof requestedDueDate !== 'string' || !isValidDay(requestedDueDate)) {
    fields.push({ path: 'requestedDueDate', message: `must be a YYYY-MM-DD date, got ${JSON.stringify(requestedDueDate)}` });
  }
  if (typeof reason !== 'string' || reason.trim() === '') fields.push({ path: 'reason', message: 'is required: why the matter needs more time' });
  else if (reason.length > 2000) fields.push({ path: 'reason', message: `must be at most 2000 characters, got ${reason.length}` });
  if (fields.length) throw new ValidationFailed(fields);
}
