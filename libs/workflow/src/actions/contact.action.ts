import { defineAction } from './action';

/** 先行联系: the unit reached the citizen; how is kept in the log. */
export const contact = defineAction({
  type: 'contact',
  event: 'contacted',
  logged: ({ opts }) => (opts.details?.contactNote ? { note: opts.details.contactNote } : {}),
});
