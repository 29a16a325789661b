import { defineAction } from './action';

/** The office names the lead unit (主办) and the co-handlers (协办). */
export const setLead = defineAction({
  type: 'set_lead',
  event: 'lead_set',
  check: ({ action }, c) => {
    c.unit('lead', action.lead);
    c.units('coUnits', action.coUnits);
  },
});
