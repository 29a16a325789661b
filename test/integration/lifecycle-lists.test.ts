/**
 * The units' list of work orders (filters, keyset pages with a total), the office's lists, the
 * validation of their query strings, and the API's description at /docs.
 */
import {
  UNIT_A,
  UNIT_B,
  intakeOrder,
  order,
  resetWorld,
  startLifecycleHub,
  type Body,
  type LifecycleHub,
} from './lifecycle-kit';

jest.setTimeout(180_000);

interface Page {
  items: Body[];
  total: number;
  nextCursor: string | null;
}

describe('work-order lists and the API description', () => {
  let h: LifecycleHub;

  beforeAll(async () => {
    h = await startLifecycleHub();
  });
  beforeEach(() => resetWorld(h));
  afterAll(() => h?.close());

  it('my work orders: newest first, paged by cursor with a total; filters by state, source, due soon and overdue', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await intakeOrder(h, order())).ticketId);
    const a = await h.unit(UNIT_A);
    await a.post(`/work-orders/${ids[0]}/sign`);
    await a.post(`/work-orders/${ids[1]}/sign`);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: Page } = await a.get<Page>(`/work-orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(5);
      seen.push(...r.body.items.map((i) => String(i.id)));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const signed = await a.get<Page>(`/work-orders?state=signed`);
    expect(signed.body.total).toBe(2);
    expect(signed.body.items.map((i) => i.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect((await a.get<Page>(`/work-orders?state=signed,dispatched&source=hotline`)).body.total).toBe(5);
    expect((await a.get<Page>(`/work-orders?source=national`)).body.total).toBe(0);

    // Time passes for two of them (the clocks are the truth): one in its warning window, one overdue.
    await h.hub.ds.query(`UPDATE ticket_clocks SET warn_at = now() - interval '1 hour' WHERE ticket_id = $1 AND type = 'resolve'`, [ids[2]]);
    await h.hub.ds.query(`UPDATE ticket_clocks SET warn_at = now() - interval '2 days', due = now() - interval '1 hour' WHERE ticket_id = $1 AND type = 'resolve'`, [ids[3]]);
    const soon = await a.get<Page>(`/work-orders?dueSoon=true`);
    expect(soon.body.items.map((i) => i.id)).toEqual([ids[2]]);
    expect(soon.body.items[0]).toMatchObject({ dueSoon: true, overdue: false, due: { contact: expect.any(String), resolve: expect.any(String) } });
    const late = await a.get<Page>(`/work-orders?overdue=true`);
    expect(late.body.items.map((i) => i.id)).toEqual([ids[3]]);
    expect(late.body.items[0]).toMatchObject({ overdue: true });

    // Another unit's list is its own.
    expect((await (await h.unit(UNIT_B)).get<Page>(`/work-orders`)).body).toEqual({ items: [], total: 0, totalExact: true, nextCursor: null });
    // The office sees all, and can ask per unit.
    expect((await h.office.get<Page>(`/office/tickets?unit=${UNIT_A}&state=signed`)).body.total).toBe(2);
    expect((await h.office.get<Page>(`/office/tickets?flagged=true`)).body.total).toBe(0);
  });

  it('a bad query string is a 400 naming each parameter', async () => {
    const a = await h.unit(UNIT_A);
    const r = await a.get<{ error: string; fields: Array<{ path: string }> }>(`/work-orders?state=nope&limit=0&dueSoon=yes&cursor=abc&unit=${UNIT_B}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('validation_failed');
    expect(r.body.fields.map((f) => f.path).sort()).toEqual(['cursor', 'dueSoon', 'limit', 'state', 'unit']);
  });

  it('roles: units cannot use the office API, the office cannot act as a unit', async () => {
    const { ticketId } = await intakeOrder(h, order());
    const a = await h.unit(UNIT_A);
    expect((await a.post(`/office/tickets/${ticketId}/supervise`, { reason: 'x' })).status).toBe(403);
    expect((await a.get(`/office/tickets/${ticketId}`)).status).toBe(403);
    expect((await h.office.post(`/work-orders/${ticketId}/sign`)).status).toBe(403);
    expect((await a.get(`/work-orders/not-a-uuid`)).status).toBe(404);
    expect((await h.office.get(`/office/tickets/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('every route is described at /docs', async () => {
    const res = await fetch(`${h.hub.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const p of [
      '/work-orders',
      '/work-orders/{id}',
      '/work-orders/{id}/sign',
      '/work-orders/{id}/contact',
      '/work-orders/{id}/reply',
      '/work-orders/{id}/objection',
      '/work-orders/{id}/extension-requests',
      '/work-orders/{id}/appeal',
      '/work-orders/{id}/co-input',
      '/office/disputes',
      '/office/tickets',
      '/office/tickets/{id}',
      '/office/tickets/{id}/designate',
      '/office/objections/{id}/review',
      '/office/extension-requests/{id}/review',
      '/office/appeals/{id}/review',
      '/office/tickets/{id}/callback',
      '/office/tickets/{id}/reopen',
      '/office/tickets/{id}/terminate',
      '/office/tickets/{id}/supervise',
      '/office/tickets/{id}/units',
      '/office/tickets/{id}/merge',
      '/office/tickets/{id}/unmerge',
    ]) {
      expect({ p, described: doc.paths[p] !== undefined }).toEqual({ p, described: true });
    }
    const reply = doc.paths['/work-orders/{id}/reply'].post as { requestBody?: unknown; security?: unknown };
    expect(reply.requestBody).toBeDefined();
    expect(reply.security).toBeDefined();
  });
});
