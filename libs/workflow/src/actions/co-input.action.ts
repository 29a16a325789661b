import { insertCoInput } from '@hub/store';
import { defineAction } from './action';

/** 协办意见: a co-handling unit's contribution to the lead unit. */
export const coInput = defineAction({
  type: 'co_input',
  event: 'co_input',
  record: async ({ tx, ticket, ctx, action, opts, by, at }) => {
    const c = await insertCoInput(tx, { ticketId: ticket.id, unitCode: opts.performer?.unitCode ?? '', leadUnitCode: ctx.unit ?? '', content: action.content, attachments: opts.details?.attachments ?? [], submittedBy: by, at });
    return c.id;
  },
});
