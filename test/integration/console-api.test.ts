/**
 * What the console needed from the API (docs/console.md): the units picker (GET /directory/units),
 * the office's to-do counts (GET /office/todo) and the office's ticket search (q, phone, district,
 * category, dates, pending extensions) on GET /office/tickets.
 */
import { testPhone } from '../factories/tickets.factory';
import { REPLY, UNIT_A, UNIT_B, intakeOrder, order, resetWorld, startLifecycleHub, type Body, type LifecycleHub } from './lifecycle-kit';

let h: LifecycleHub;
beforeAll(async () => {
  h = await startLifecycleHub();
}, 120_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await resetWorld(h);
});

type Page = { items: Array<Body & { id: string; externalId: string }>; total: number };

it('GET /directory/units finds units of the active directory by name or code, for units and the office', async () => {
  const unit = await h.unit(UNIT_A);
  const byName = await unit.get<{ items: Array<{ code: string; name: string; regionName: string }> }>(`/directory/units?q=${encodeURIComponent('徐汇区人民政府')}`);
  expect(byName.status).toBe(200);
  expect(byName.body.items.map((u) => u.code)).toContain(UNIT_B);
  expect(byName.body.items.every((u) => u.name.includes('徐汇区人民政府'))).toBe(true);
  const byCode = await h.office.get<{ items: Array<{ code: string }> }>(`/directory/units?q=${UNIT_A}&limit=5`);
  expect(byCode.body.items[0].code).toBe(UNIT_A);
  const some = await h.office.get<{ items: unknown[] }>('/directory/units?limit=3');
  expect(some.body.items).toHaveLength(3);
  const bad = await h.office.get('/directory/units?limit=0');
  expect(bad.status).toBe(400);
  expect(bad.body.fields).toEqual([{ path: 'limit', message: expect.any(String) }]);
});

it('GET /office/todo counts what waits for the office, and the office searches its tickets', async () => {
  const phone = testPhone(4242);
  const a = await intakeOrder(h, order({ citizen: { name: '李四', phone, anonymous: false, confidential: false } }));
  const b = await intakeOrder(h, order());
  const c = await intakeOrder(h, order());
  const unit = await h.unit(UNIT_A);
  const before = await h.office.get<Record<string, number>>('/office/todo');
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({ disputes: 0, objections: 0, extensions: 0, appeals: 0, callbacks: 0, overdue: 0, deadLetters: 0 });

  // b: objected; c: replied (waits for the callback); a: an extension request
  expect((await unit.post(`/work-orders/${b.ticketId}/objection`, { reason: '不属于本单位职责', legalBasis: '三定方案', suggestedUnit: UNIT_B })).status).toBe(200);
  for (const step of ['sign', 'contact']) expect((await unit.post(`/work-orders/${c.ticketId}/${step}`, {})).status).toBe(200);
  expect((await unit.post(`/work-orders/${c.ticketId}/reply`, REPLY)).status).toBe(200);
  await unit.post(`/work-orders/${a.ticketId}/sign`, {});
  const wo = await unit.get<{ clocks: Array<{ type: string; state: string; dueDate: string }> }>(`/work-orders/${a.ticketId}`);
  let day = wo.body.clocks.find((k) => k.type === 'resolve' && k.state === 'running')!.dueDate;
  for (let i = 0; i < 10; i++) {
    day = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if ((await unit.get<{ workingDay: boolean }>(`/calendar/days/${day}`)).body.workingDay) break;
  }
  const ext = await unit.post(`/work-orders/${a.ticketId}/extension-requests`, { dueDate: day, reason: '需多部门会商' });
  expect(ext.status).toBe(201);

  const after = await h.office.get<Record<string, number>>('/office/todo');
  expect(after.body).toMatchObject({ objections: 1, callbacks: 1, extensions: 1, disputes: 0 });

  const search = async (qs: string): Promise<string[]> => {
    const r = await h.office.get<Page>(`/office/tickets?${qs}`);
    expect([r.status, r.body]).toEqual([200, expect.objectContaining({ items: expect.any(Array) })]);
    return r.body.items.map((i) => i.id).sort();
  };
  expect(await search(`q=${a.orderNo}`)).toEqual([a.ticketId]);
  expect(await search(`q=${b.ticketId}`)).toEqual([b.ticketId]);
  expect(await search(`phone=${phone}`)).toEqual([a.ticketId]);
  expect(await search(`phone=13900000001`)).toEqual([]);
  expect(await search('district=310104')).toEqual([a.ticketId, b.ticketId, c.ticketId].sort());
  expect(await search('district=310105')).toEqual([]);
  expect(await search('category=0101&state=replied')).toEqual([c.ticketId]);
  expect(await search('extension=pending')).toEqual([a.ticketId]);
  // the factory's orders were received on 2026-11-20 (Shanghai)
  expect(await search('from=2026-11-20&to=2026-11-20')).toHaveLength(3);
  expect(await search('from=2026-11-21')).toEqual([]);

  const bad = await h.office.get('/office/tickets?district=31&from=2026-13-01&extension=yes');
  expect(bad.status).toBe(400);
  expect((bad.body.fields as Array<{ path: string }>).map((f) => f.path).sort()).toEqual(['district', 'extension', 'from']);
  // a unit sees its own work orders: no office search
  expect((await unit.get(`/work-orders?q=${a.orderNo}`)).status).toBe(400);
});
