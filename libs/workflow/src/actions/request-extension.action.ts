import { defineAction } from './action';

/**
 * 延期申请 (沪府办〔2020〕49号 Art. 5): logged as `extension_filed` (the clock logs `extension_requested` with the
 * deadline arithmetic). The clock checks the date against the policy's cap now, so the unit learns
 * at once that it is impossible (422), and keeps the request for the office. Under a policy that
 * extends on notice (Yunnan Measures Art. 13(二) "并告知投诉人") it takes effect at once and the
 * source hears `extended` (docs/clock.md#yunnan).
 */
export const requestExtension = defineAction({
  type: 'request_extension',
  event: 'extension_filed',
  complete: async ({ tx, ticket, clocks }, input) => ({ ...input, byNotice: (await clocks.policyFor(tx, ticket)).extensionByNotice === true }),
  afterClocks: async ({ tx, ticket, ctx, action, clocks }) => {
    const request = await clocks.requestExtension(tx, ticket.id, ctx.unit ?? '', action.dueDate, action.reason);
    if (!action.byNotice) return { recordId: request.id };
    const decided = await clocks.decideExtension(tx, request.id, true, 'policy:extension-by-notice', null, true);
    return { recordId: request.id, due: decided.due };
  },
});
