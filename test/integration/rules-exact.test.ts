/**
 * Issue 12 "The rules, exactly": one story per item, on the real servers (PostgreSQL, Redis, the
 * three apps) with the fake upstreams. Each test names the article it checks; docs/rules.md maps
 * rule → article → code → test.
 */
import { NationalPollerService } from '../../apps/gateway/src/intake/national-poller.service';
import { shanghaiCalendar } from '@hub/rules/calendar/shanghai-calendar.fixture';
import { nationalTransfer, ywtbEvaluation } from '../factories/tickets.factory';
import { REPLY, UNIT_A, UNSATISFIED, order, resetWorld, startLifecycleHub, waitState, type Body, type LifecycleHub } from './lifecycle-kit';

jest.setTimeout(180_000);

const cal = shanghaiCalendar();
const SEALED = { approvedBy: '李局长', sealedDocument: { name: '办结报告（盖章）.pdf', url: 'https://files.example.gov.cn/sealed.pdf', sha256: 'b'.repeat(64) } };

/** A transfer instant (08:00 Shanghai) whose 25th working day after is `ceilingDate`. */
function transferredFor(ceilingDate: string): string {
  for (let back = 0; back < 120; back++) {
    const d = new Date(Date.now() - back * 86_400_000);
    const day = cal.dateOf(d);
    const t = new Date(`${day}T08:00:00+08:00`);
    if (cal.addWorkingDays(t, 25).dueDate === ceilingDate) return `${day}T08:00:00+08:00`;
  }
  throw new Error(`no transfer day found for a ceiling on ${ceilingDate}`);
}

describe('issue 12: the rules, exactly', () => {
  let h: LifecycleHub;

  beforeAll(async () => {
    h = await startLifecycleHub();
  });
  afterAll(() => h?.close());

  const pollTransfer = async (transfer: Body): Promise<string> => {
    h.national.setTransfers([transfer]);
    await h.hub.apps.gateway!.get(NationalPollerService).pollOnce();
    const [row] = (await h.hub.ds.query(`SELECT id::text AS id FROM tickets WHERE external_id = $1`, [transfer.transferId])) as Array<{ id: string }>;
    return row.id;
  };
  const openResolve = async (ticketId: string): Promise<Body[]> =>
    (await h.hub.ds.query(
      `SELECT due_date::text AS "dueDate", days, ceiling_days AS "ceilingDays" FROM ticket_clocks WHERE ticket_id = $1 AND type = 'resolve' AND state IN ('running','missed')`,
      [ticketId],
    )) as Body[];

  it('item 1 (003 Art. 5): a national 一般 item runs on 1/5/15 under a 25-WD ceiling from the transfer; reopen and extension never pass it', async () => {
    await resetWorld(h);
    // The ceiling falls 2 working days from now, before the unit's own 5 working days would end.
    const ceiling = cal.addWorkingDays(new Date(), 2).dueDate;
    const own = cal.addWorkingDays(new Date(), 5).dueDate;
    const transfer = nationalTransfer({ transferredAt: transferredFor(ceiling), regionCode: '310104', categoryCode: '0101' });
    const ticketId = await pollTransfer(transfer);
    await waitState(h, ticketId, 'dispatched');
    expect(await openResolve(ticketId)).toEqual([{ dueDate: ceiling, days: 5, ceilingDays: 25 }]);
    expect(own > ceiling).toBe(true);

    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ticketId}/sign`);
    // An extension past the ceiling is refused, naming the ceiling as the cap.
    const later = cal.addWorkingDays(new Date(), 4).dueDate;
    const asked = await a.post(`/work-orders/${ticketId}/extension-requests`, { dueDate: later, reason: '涉及多个部门' });
    expect(asked).toMatchObject({ status: 422, body: { error: 'extension_beyond_cap', cap: ceiling } });

    await a.post(`/work-orders/${ticketId}/contact`);
    expect((await a.post(`/work-orders/${ticketId}/reply`, { ...REPLY, ...SEALED })).body).toMatchObject({ state: 'replied' });
    // Unsatisfied callback → 重办: a fresh resolve clock, still ending at the ceiling (not 5 WD on).
    expect((await h.office.post(`/office/tickets/${ticketId}/callback`, UNSATISFIED)).body).toMatchObject({ state: 'signed' });
    expect(await openResolve(ticketId)).toEqual([{ dueDate: ceiling, days: 5, ceilingDays: 25 }]);
    const history = (await h.hub.ds.query(`SELECT count(*)::int AS n FROM ticket_clocks WHERE ticket_id = $1 AND type = 'resolve'`, [ticketId])) as Body[];
    expect(history[0].n).toBe(2);
  });

  it('item 3 (003 Art. 3(二)(三), 7): a 差评 goes to the evaluated unit before any override; the trace states the order', async () => {
    await resetWorld(h);
    const ev = ywtbEvaluation({ unitCode: UNIT_A, comment: '在地铁站旁的窗口办理，等候太久', rating: 1 });
    const posted = await h.ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', ev);
    expect(posted.status).toBe(201);
    await waitState(h, posted.body.ticketId, 'dispatched');
    const [t] = (await h.hub.ds.query(`SELECT unit_code FROM tickets WHERE id = $1`, [posted.body.ticketId])) as Body[];
    expect(t.unit_code).toBe(UNIT_A);
    const routing = await h.office.get<{ decisions: Array<{ rule: string; trace: Body[] }> } & Body>(`/office/tickets/${posted.body.ticketId}/routing`);
    expect(routing.status).toBe(200);
    expect(JSON.stringify(routing.body)).toContain('"order":"evaluation"');

    // The same words in a hotline complaint still follow the office's override (地铁 → SH-TRANSPORT).
    const complaint = order({ content: '地铁站出口附近商户占道经营，影响通行', respondent: { unitCode: UNIT_A } });
    const r = await h.hotline.post<{ ticketId: string }>('/connectors/hotline/orders', complaint);
    await waitState(h, r.body.ticketId, 'dispatched');
    const [c] = (await h.hub.ds.query(`SELECT unit_code FROM tickets WHERE id = $1`, [r.body.ticketId])) as Body[];
    expect(c.unit_code).toBe('SH-TRANSPORT');
  });
});
