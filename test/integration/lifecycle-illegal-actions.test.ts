/**
 * Story 9 of issue 6: in every state a work order can be in, every action of the HTTP API that is
 * not allowed there answers 409 `not_allowed` with the current state and the allowed actions — and
 * changes nothing: no state, event, message, clock or record moves. A unit acting on a ticket no
 * unit handles (disputed, merged) gets 404 instead, revealing nothing.
 *
 * The states are reached through the API itself, each with a co-handler where a unit holds it, and
 * with already-decided records where a state can have them, so that the reviews are tried too.
 */
import { ywtbEvaluation } from '../factories/tickets.factory';
import {
  REPLY,
  SATISFIED,
  UNIT_A,
  UNIT_B,
  UNIT_C,
  UNSATISFIED,
  footprint,
  intakeOrder,
  order,
  resetWorld,
  startLifecycleHub,
  waitState,
  type Answer,
  type Body,
  type HubApi,
  type LifecycleHub,
} from './lifecycle-kit';

jest.setTimeout(300_000);

type Who = 'lead' | 'co' | 'office';

interface Ids {
  ticket: string;
  /** an open ticket to merge into */
  other: string;
  objection?: string;
  extension?: string;
  appeal?: string;
}

interface HttpAction {
  name: string;
  who: Who;
  /** null: not applicable here (a review of a record this ticket does not have) */
  call(ids: Ids): { path: string; body?: unknown } | null;
}

const EVIDENCE = [{ name: '办件记录.pdf', url: 'https://files.example.gov.cn/case.pdf' }];

/** Every action of the API, with a body that is valid, so a refusal can only be about the state. */
const ACTIONS: HttpAction[] = [
  { name: 'sign', who: 'lead', call: (i) => ({ path: `/work-orders/${i.ticket}/sign` }) },
  { name: 'contact', who: 'lead', call: (i) => ({ path: `/work-orders/${i.ticket}/contact`, body: { note: '电话联系' } }) },
  { name: 'reply', who: 'lead', call: (i) => ({ path: `/work-orders/${i.ticket}/reply`, body: REPLY }) },
  {
    name: 'object',
    who: 'lead',
    call: (i) => ({ path: `/work-orders/${i.ticket}/objection`, body: { reason: '不属本单位职责', legalBasis: '三定方案', suggestedUnit: UNIT_C } }),
  },
  { name: 'request_extension', who: 'lead', call: (i) => ({ path: `/work-orders/${i.ticket}/extension-requests`, body: { dueDate: '2099-01-05', reason: '特别疑难' } }) },
  { name: 'appeal', who: 'lead', call: (i) => ({ path: `/work-orders/${i.ticket}/appeal`, body: { reason: '差评不属实', evidence: EVIDENCE } }) },
  { name: 'co_input', who: 'co', call: (i) => ({ path: `/work-orders/${i.ticket}/co-input`, body: { content: '协办意见' } }) },
  { name: 'designate', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/designate`, body: { unit: UNIT_C } }) },
  { name: 'review_objection', who: 'office', call: (i) => (i.objection ? { path: `/office/objections/${i.objection}/review`, body: { decision: 'accepted' } } : null) },
  { name: 'review_extension', who: 'office', call: (i) => (i.extension ? { path: `/office/extension-requests/${i.extension}/review`, body: { decision: 'approved' } } : null) },
  { name: 'review_appeal', who: 'office', call: (i) => (i.appeal ? { path: `/office/appeals/${i.appeal}/review`, body: { decision: 'upheld' } } : null) },
  { name: 'callback', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/callback`, body: SATISFIED }) },
  { name: 'reopen', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/reopen`, body: { reason: '问题未解决' } }) },
  { name: 'terminate', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/terminate`, body: { reason: '多次答复' } }) },
  { name: 'supervise', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/supervise`, body: { reason: '督办' } }) },
  { name: 'units', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/units`, body: { lead: UNIT_A, coUnits: [UNIT_B, UNIT_C] } }) },
  { name: 'merge', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/merge`, body: { into: i.other } }) },
  { name: 'unmerge', who: 'office', call: (i) => ({ path: `/office/tickets/${i.ticket}/unmerge`, body: { reason: '并非同一事项' } }) },
];

interface Fixture {
  ids: Omit<Ids, 'other'>;
  /** a unit handles it (lead UNIT_A, co-handler UNIT_B); otherwise unit calls are 404 */
  handled: boolean;
}

type Build = (h: LifecycleHub, k: Kit) => Promise<Fixture>;

interface Kit {
  a: HubApi;
  office: HubApi;
  ok(r: Promise<Answer>): Promise<Body>;
}

/** A hotline complaint dispatched to UNIT_A with UNIT_B as co-handler. */
async function handledTicket(h: LifecycleHub, k: Kit): Promise<string> {
  const { ticketId } = await intakeOrder(h, order());
  await k.ok(k.office.post(`/office/tickets/${ticketId}/units`, { lead: UNIT_A, coUnits: [UNIT_B] }));
  return ticketId;
}

async function signedWithDecidedExtension(h: LifecycleHub, k: Kit): Promise<{ ticket: string; extension: string }> {
  const ticket = await handledTicket(h, k);
  await k.ok(k.a.post(`/work-orders/${ticket}/sign`));
  const due = await k.ok(k.office.get(`/calendar/deadline?from=${encodeURIComponent(new Date().toISOString())}&days=8`));
  const asked = await k.ok(k.a.post(`/work-orders/${ticket}/extension-requests`, { dueDate: due.dueDate, reason: '特别疑难' }));
  await k.ok(k.office.post(`/office/extension-requests/${String(asked.recordId)}/review`, { decision: 'approved' }));
  return { ticket, extension: String(asked.recordId) };
}

async function replied(h: LifecycleHub, k: Kit): Promise<string> {
  const ticket = await handledTicket(h, k);
  await k.ok(k.a.post(`/work-orders/${ticket}/sign`));
  await k.ok(k.a.post(`/work-orders/${ticket}/contact`));
  await k.ok(k.a.post(`/work-orders/${ticket}/reply`, REPLY));
  return ticket;
}

async function evaluationTicket(h: LifecycleHub, k: Kit): Promise<string> {
  const posted = await h.ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ywtbEvaluation({ unitCode: UNIT_A, applicant: { name: '李四', phone: '13900009902' } }));
  await waitState(h, posted.body.ticketId, 'dispatched');
  await k.ok(k.office.post(`/office/tickets/${posted.body.ticketId}/units`, { lead: UNIT_A, coUnits: [UNIT_B] }));
  await k.ok(k.a.post(`/work-orders/${posted.body.ticketId}/sign`));
  return posted.body.ticketId;
}

/** The HTTP actions allowed in each state (the rest must be refused). */
const STATES: Array<{ state: string; label: string; allowed: string[]; build: Build }> = [
  {
    state: 'disputed',
    label: 'disputed (no unit fits)',
    allowed: ['designate', 'units', 'merge'],
    build: async (h) => {
      const { ticketId } = await intakeOrder(h, order({ location: undefined }), 'disputed');
      return { ids: { ticket: ticketId }, handled: false };
    },
  },
  {
    state: 'dispatched',
    label: 'dispatched',
    allowed: ['sign', 'object', 'co_input', 'designate', 'supervise', 'units'],
    build: async (h, k) => ({ ids: { ticket: await handledTicket(h, k) }, handled: true }),
  },
  {
    state: 'dispatched',
    label: 'dispatched again after a refused objection',
    allowed: ['sign', 'co_input', 'designate', 'supervise', 'units'],
    build: async (h, k) => {
      const ticket = await handledTicket(h, k);
      const o = await k.ok(k.a.post(`/work-orders/${ticket}/objection`, { reason: '不属本单位', legalBasis: '三定方案', suggestedUnit: UNIT_C }));
      await k.ok(k.office.post(`/office/objections/${String(o.recordId)}/review`, { decision: 'refused', reason: '属本单位职责' }));
      return { ids: { ticket, objection: String(o.recordId) }, handled: true };
    },
  },
  {
    state: 'signed',
    label: 'signed (an extension already decided)',
    allowed: ['contact', 'reply', 'object', 'request_extension', 'co_input', 'designate', 'supervise', 'units'],
    build: async (h, k) => {
      const { ticket, extension } = await signedWithDecidedExtension(h, k);
      return { ids: { ticket, extension }, handled: true };
    },
  },
  {
    state: 'contacted',
    label: 'contacted',
    allowed: ['reply', 'object', 'request_extension', 'co_input', 'designate', 'supervise', 'units'],
    build: async (h, k) => {
      const { ticket, extension } = await signedWithDecidedExtension(h, k);
      await k.ok(k.a.post(`/work-orders/${ticket}/contact`));
      return { ids: { ticket, extension }, handled: true };
    },
  },
  {
    state: 'objected',
    label: 'objected',
    allowed: ['review_objection', 'designate', 'supervise'],
    build: async (h, k) => {
      const ticket = await handledTicket(h, k);
      const o = await k.ok(k.a.post(`/work-orders/${ticket}/objection`, { reason: '不属本单位', legalBasis: '三定方案', suggestedUnit: UNIT_C }));
      return { ids: { ticket, objection: String(o.recordId) }, handled: true };
    },
  },
  {
    state: 'replied',
    label: 'replied',
    allowed: ['callback', 'reopen', 'supervise'],
    build: async (h, k) => ({ ids: { ticket: await replied(h, k) }, handled: true }),
  },
  {
    state: 'closed',
    label: 'closed',
    allowed: ['reopen'],
    build: async (h, k) => {
      const ticket = await replied(h, k);
      await k.ok(k.office.post(`/office/tickets/${ticket}/callback`, SATISFIED));
      return { ids: { ticket }, handled: true };
    },
  },
  {
    state: 'terminated',
    label: 'terminated',
    allowed: [],
    build: async (h, k) => {
      const ticket = await replied(h, k);
      await k.ok(k.office.post(`/office/tickets/${ticket}/callback`, UNSATISFIED));
      await k.ok(k.a.post(`/work-orders/${ticket}/reply`, { ...REPLY, maintainsPreviousAnswer: true }));
      await k.ok(k.office.post(`/office/tickets/${ticket}/callback`, UNSATISFIED));
      await k.ok(k.office.post(`/office/tickets/${ticket}/terminate`, { reason: '多次答复仍不满意' }));
      return { ids: { ticket }, handled: true };
    },
  },
  {
    state: 'appealed',
    label: 'appealed (a 差评)',
    allowed: ['review_appeal', 'supervise'],
    build: async (h, k) => {
      const ticket = await evaluationTicket(h, k);
      const ap = await k.ok(k.a.post(`/work-orders/${ticket}/appeal`, { reason: '差评不属实', evidence: EVIDENCE }));
      return { ids: { ticket, appeal: String(ap.recordId) }, handled: true };
    },
  },
  {
    state: 'unfounded',
    label: 'unfounded (appeal upheld)',
    allowed: [],
    build: async (h, k) => {
      const ticket = await evaluationTicket(h, k);
      const ap = await k.ok(k.a.post(`/work-orders/${ticket}/appeal`, { reason: '差评不属实', evidence: EVIDENCE }));
      await k.ok(k.office.post(`/office/appeals/${String(ap.recordId)}/review`, { decision: 'upheld' }));
      return { ids: { ticket, appeal: String(ap.recordId) }, handled: true };
    },
  },
  {
    state: 'merged',
    label: 'merged by the office',
    allowed: ['unmerge'],
    build: async (h, k) => {
      const { ticketId } = await intakeOrder(h, order({ location: undefined }), 'disputed');
      const into = await handledTicket(h, k);
      await k.ok(k.office.post(`/office/tickets/${ticketId}/merge`, { into, reason: '同一事项' }));
      return { ids: { ticket: ticketId }, handled: false };
    },
  },
];

describe('story 9: every action that is not allowed in a state answers 409 and changes nothing', () => {
  let h: LifecycleHub;
  let k: Kit;

  beforeAll(async () => {
    h = await startLifecycleHub();
    k = {
      a: await h.unit(UNIT_A),
      office: h.office,
      async ok(r) {
        const a = await r;
        if (a.status >= 300) throw new Error(`setup step refused: ${a.status} ${JSON.stringify(a.body)}`);
        return a.body;
      },
    };
  });
  afterAll(() => h?.close());

  it.each(STATES.map((s) => [s.label, s] as const))('%s', async (_label, s) => {
    await resetWorld(h);
    const fixture = await s.build(h, k);
    const other = await handledTicket(h, k);
    const ids: Ids = { ...fixture.ids, other };
    const [row] = (await h.hub.ds.query(`SELECT state FROM tickets WHERE id = $1`, [ids.ticket])) as Array<{ state: string }>;
    expect(row.state).toBe(s.state);
    const apis: Record<Who, HubApi> = { lead: k.a, co: await h.unit(UNIT_B), office: h.office };

    const tried: string[] = [];
    for (const action of ACTIONS) {
      if (s.allowed.includes(action.name)) continue;
      const call = action.call(ids);
      if (call === null) continue;
      tried.push(action.name);
      const before = await footprint(h, ids.ticket);
      const r = await apis[action.who].post(call.path, call.body);
      const unitOnUnhandled = action.who !== 'office' && !fixture.handled;
      const label = `${action.name} in ${s.label}`;
      if (unitOnUnhandled) {
        expect({ label, status: r.status, error: r.body.error }).toEqual({ label, status: 404, error: 'not_found' });
      } else {
        expect({ label, status: r.status, error: r.body.error, state: r.body.state }).toEqual({ label, status: 409, error: 'not_allowed', state: s.state });
        expect(Array.isArray(r.body.allowed)).toBe(true);
        expect(r.body.allowed).not.toContain(action.name);
      }
      expect({ label, after: await footprint(h, ids.ticket) }).toEqual({ label, after: before });
    }
    // Every action the state does not allow was tried, bar reviews of records the ticket has none of.
    expect(tried.length).toBeGreaterThanOrEqual(ACTIONS.length - s.allowed.length - 3);
  });
});
