import { allowedActions } from '@hub/rules/lifecycle';
import { notAllowed } from '../work-order.errors';
import { defineAction } from './action';
import { pendingExtensionId } from './checks';

/**
 * The office decides an extension request (沪府办〔2020〕49号 Art. 5). The clock moves the resolve deadline
 * within the policy's cap and tells the source `extended` with the new `due` itself, so the
 * machine's `extended` status is not sent again.
 */
export const reviewExtension = defineAction({
  type: 'review_extension',
  event: 'extension_reviewed',
  settles: ['extension'],
  sendsItself: ['extended'],
  logged: ({ opts }) => (opts.details?.extensionRequestId ? { extensionRequestId: opts.details.extensionRequestId } : {}),
  afterClocks: async ({ tx, ticket, ctx, action, actor, opts, by, clocks }) => {
    const requestId = opts.details?.extensionRequestId ?? (await pendingExtensionId(tx, ticket.id));
    if (requestId === null) throw notAllowed('no extension request is pending', ctx.state, allowedActions(ctx, actor));
    const note = action.decision === 'refused' ? action.reason : (opts.details?.note ?? null);
    const decided = await clocks.decideExtension(tx, requestId, action.decision === 'approved', by, note);
    return { due: decided.due };
  },
});
