import { closeObjection } from '@hub/store';
import { defineAction } from './action';

/** 指定: the office names the unit (a disputed ticket, or an objection it settles, 沪府办〔2020〕49号 Art. 7(二)). */
export const designate = defineAction({
  type: 'designate',
  event: 'designated',
  settles: ['objection'],
  check: ({ action }, c) => {
    c.unit('unit', action.unit);
    c.units('coUnits', action.coUnits);
  },
  record: async ({ tx, ticket, ctx, action, by, at }) => {
    if (ctx.state !== 'objected') return null;
    const o = await closeObjection(tx, ticket.id, { status: 'settled', by, at, note: `designated ${action.unit}`, redispatchedTo: action.unit });
    return o?.id ?? null;
  },
});
