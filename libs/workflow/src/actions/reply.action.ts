import { insertReply } from '@hub/store';
import { defineAction } from './action';
import { nonEmpty } from './checks';

/** 答复: the unit's conclusion report and answer points (谁承办，谁答复). */
export const reply = defineAction({
  type: 'reply',
  event: 'replied',
  check: async ({ opts }, c) => {
    const d = opts.details ?? {};
    if (!nonEmpty(d.report)) c.fields.push({ path: 'report', message: 'a reply carries its conclusion report (办结报告)' });
    if (await c.concernsNational()) {
      // The national platform's `result` wants who approved it and the sealed document (docs/contracts.md).
      if (!nonEmpty(d.approvedBy)) c.fields.push({ path: 'approvedBy', message: 'required for a national transfer (审核人, docs/contracts.md#national-messages)' });
      if (!d.sealedDocument) c.fields.push({ path: 'sealedDocument', message: 'required for a national transfer (盖章文书, docs/contracts.md#national-messages)' });
    }
  },
  record: async ({ tx, ticket, ctx, action, opts, by, at }) => {
    const d = opts.details ?? {};
    const r = await insertReply(tx, {
      ticketId: ticket.id,
      unitCode: ctx.unit ?? '',
      report: d.report ?? '',
      replyPoints: action.replyPoints,
      attachments: d.attachments ?? [],
      approvedBy: d.approvedBy ?? null,
      sealedDocument: d.sealedDocument ?? null,
      maintainsPrevious: action.maintainsPreviousAnswer === true && ctx.lastReplyPoints !== null,
      repliedBy: by,
      at,
    });
    return r.id;
  },
});
