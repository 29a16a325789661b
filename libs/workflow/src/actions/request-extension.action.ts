import { defineAction } from './action';

/**
 * 延期申请 (沪府办〔2020〕49号 Art. 5): logged as `extension_filed` (the clock logs `extension_requested` with the
 * deadline arithmetic). The clock checks the date against the policy's cap now, so the unit learns
 * at once that it is impossible (422), and keeps the request for the office.
 */
export const requestExtension = defineAction({
  type: 'request_extension',
  event: 'extension_filed',
  afterClocks: async ({ tx, ticket, ctx, action, clocks }) => {
    const request = await clocks.requestExtension(tx, ticket.id, ctx.unit ?? '', action.dueDate, action.reason);
    return { recordId: request.id };
  },
});
