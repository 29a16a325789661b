/**
 * Every work-order action the executor runs, one file each. The table is typed by the machine's
 * action names, so a new action in `@hub/rules/lifecycle` does not compile until it has its file
 * here (see the header of work-order.executor.ts).
 */
import type { ActionName } from '@hub/rules/lifecycle';
import type { ActionDef } from './action';
import { accept } from './accept.action';
import { appeal } from './appeal.action';
import { archive } from './archive.action';
import { callback } from './callback.action';
import { coInput } from './co-input.action';
import { contact } from './contact.action';
import { designate } from './designate.action';
import { dispatch } from './dispatch.action';
import { dispute } from './dispute.action';
import { merge } from './merge.action';
import { notAccept } from './not-accept.action';
import { object } from './object.action';
import { reopen } from './reopen.action';
import { reply } from './reply.action';
import { requestExtension } from './request-extension.action';
import { returnNational } from './return.action';
import { reviewAppeal } from './review-appeal.action';
import { reviewExtension } from './review-extension.action';
import { reviewObjection } from './review-objection.action';
import { setLead } from './set-lead.action';
import { sign } from './sign.action';
import { supervise } from './supervise.action';
import { supplement } from './supplement.action';
import { terminate } from './terminate.action';
import { urge } from './urge.action';
import { withdraw } from './withdraw.action';

export const ACTIONS: { readonly [N in ActionName]: ActionDef<N> } = {
  accept,
  not_accept: notAccept,
  archive,
  merge,
  return: returnNational,
  dispatch,
  dispute,
  designate,
  sign,
  contact,
  reply,
  object,
  review_objection: reviewObjection,
  request_extension: requestExtension,
  review_extension: reviewExtension,
  appeal,
  review_appeal: reviewAppeal,
  callback,
  reopen,
  terminate,
  supervise,
  co_input: coInput,
  set_lead: setLead,
  withdraw,
  supplement,
  urge,
};

export * from './action';
