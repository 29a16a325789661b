/**
 * Browser journeys of the hotline office (热线管理办公室) with the units, from sign-in, by clicks
 * and typing: designating a disputed ticket; an objection accepted, the ticket at the suggested
 * unit; an unsatisfied callback reopening the work order, which turns up again in the unit's list.
 */
import { REPLY, UNIT_A, UNIT_B, hotlineTypes, intakeOrder, order, waitState, workOrdersAt } from '../integration/lifecycle-kit';
import { eventually } from '../support/harness';
import { PASSWORD, consoleJourneys } from './e2e-kit';
import { signIn, type WatchedPage } from './browser';

const w = consoleJourneys([
    { username: 'staff-a', role: 'unit_staff', unitCode: UNIT_A },
    { username: 'staff-b', role: 'unit_staff', unitCode: UNIT_B },
    { username: 'operator-1', role: 'operator' },
  ]);

/** Picks a unit in a UnitPicker by typing part of its name. */
async function pickUnit(p: WatchedPage, label: string, text: string, code: string): Promise<void> {
  const input = p.page.getByLabel(label, { exact: true }).first();
  await input.click();
  await input.pressSequentially(text, { delay: 20 });
  await p.page.getByRole('option', { name: new RegExp(code) }).first().click();
}

it('the office designates a disputed ticket; the unit and the hotline hear of it', async () => {
  const { ticketId, orderNo } = await intakeOrder(w.h, order({ location: undefined }), 'disputed');
  const p = await w.open('office-designate');
  const { page } = p;
  await page.goto(`${w.url}/`);
  await signIn(p, 'operator-1', PASSWORD);
  await page.waitForURL(/\/desk\/todo/);
  await page.getByTestId('tab-disputes').filter({ hasText: '1' }).waitFor();
  await page.getByRole('link', { name: orderNo }).waitFor();
  await p.shoot('todo');

  await page.getByRole('link', { name: orderNo }).click();
  await page.waitForURL(new RegExp(`/desk/tickets/${ticketId}$`));
  await page.getByTestId('order-state').filter({ hasText: '争议待指定' }).waitFor();
  // the office sees the citizen in full (an unmasked read, logged by the API)
  expect(await page.getByTestId('citizen').innerText()).toMatch(/张三 1390000\d{4}/);
  await page.getByTestId('action-designate').click();
  await pickUnit(p, '承办单位', '徐汇区人民政府', UNIT_B);
  await p.shoot('designate-form');
  await page.getByTestId('action-submit').click();
  await page.getByTestId('order-state').filter({ hasText: '待签收' }).waitFor();
  expect(await page.getByTestId('order-unit').innerText()).toContain(UNIT_B);
  await page.getByText('指定承办').first().waitFor();
  await p.shoot('designated');

  await eventually(async () => workOrdersAt(w.h, UNIT_B, ticketId).length > 0, 30_000);
  expect(await hotlineTypes(w.h, ticketId, orderNo)).toContain('dispatched');
});

it('a unit objects, the office accepts, and the ticket appears at the suggested unit', async () => {
  const { ticketId, orderNo } = await intakeOrder(w.h, order());
  const unitA = await w.open('objection-unit');
  await unitA.page.goto(`${w.url}/my/orders/${ticketId}`);
  await unitA.page.waitForURL(/\/login\?redirect=/);
  await signIn(unitA, 'staff-a', PASSWORD);
  // back to the page asked for before signing in
  await unitA.page.waitForURL(new RegExp(`/my/orders/${ticketId}$`));
  await unitA.page.getByTestId('action-object').click();
  await unitA.page.getByLabel('退单理由').fill('该餐馆位于长宁区辖区，非本单位管辖');
  await unitA.page.getByLabel('法定依据').fill('《上海市市场监督管理局职能配置》属地管辖原则');
  await pickUnit(unitA, '建议承办单位', '徐汇区人民政府', UNIT_B);
  await unitA.shoot('objection-form');
  await unitA.page.getByTestId('action-submit').click();
  await unitA.page.getByTestId('order-state').filter({ hasText: '退单审核中' }).waitFor();
  await unitA.page.getByTestId('sign-out').click();
  await unitA.page.waitForURL(/\/login$/);

  const office = await w.open('objection-office');
  await office.page.goto(`${w.url}/login`);
  await signIn(office, 'operator-1', PASSWORD);
  await office.page.waitForURL(/\/desk\/todo/);
  await office.page.getByTestId('tab-objections').click();
  await office.page.getByRole('link', { name: orderNo }).click();
  await office.page.getByTestId('records').getByText('建议单位：' + UNIT_B).waitFor();
  await office.page.getByTestId('action-review_objection').click();
  await office.shoot('review-form');
  await office.page.getByTestId('action-submit').click();
  await office.page.getByTestId('order-state').filter({ hasText: '待签收' }).waitFor();
  expect(await office.page.getByTestId('order-unit').innerText()).toContain(UNIT_B);

  const unitB = await w.open('objection-unit-b');
  await unitB.page.goto(`${w.url}/login`);
  await signIn(unitB, 'staff-b', PASSWORD);
  await unitB.page.getByRole('link', { name: orderNo }).waitFor();
  await unitB.shoot('at-suggested-unit');
  await eventually(async () => workOrdersAt(w.h, UNIT_B, ticketId).length > 0, 30_000);
  expect(await hotlineTypes(w.h, ticketId, orderNo)).toEqual(expect.arrayContaining(['objected', 'redispatched']));
});

it('an unsatisfied callback reopens the work order, which turns up again in the unit’s list by itself', async () => {
  const { ticketId, orderNo } = await intakeOrder(w.h, order());
  const api = await w.h.unit(UNIT_A);
  for (const step of ['sign', 'contact']) expect((await api.post(`/work-orders/${ticketId}/${step}`, {})).status).toBe(200);
  expect((await api.post(`/work-orders/${ticketId}/reply`, REPLY)).status).toBe(200);
  await waitState(w.h, ticketId, 'replied');

  const unit = await w.open('callback-unit');
  await unit.page.goto(`${w.url}/login`);
  await signIn(unit, 'staff-a', PASSWORD);
  // the unit's list shows what it still has to do: a replied order is done for it
  await unit.page.getByTestId('total').filter({ hasText: '共 0 条' }).waitFor();

  const office = await w.open('callback-office');
  await office.page.goto(`${w.url}/login`);
  await signIn(office, 'operator-1', PASSWORD);
  await office.page.getByTestId('tab-callbacks').click();
  await office.page.getByRole('link', { name: orderNo }).click();
  await office.page.getByTestId('action-callback').click();
  await office.page.getByRole('radio', { name: '不满意', exact: true }).check({ force: true });
  await office.page.getByRole('radio', { name: '未解决', exact: true }).check({ force: true });
  await office.page.getByLabel('回访记录').fill('市民表示后厨问题依旧');
  await office.shoot('callback-form');
  await office.page.getByTestId('action-submit').click();
  await office.page.getByTestId('timeline').getByText('回访').first().waitFor();
  // unsatisfied: back to the unit, signed, with a fresh resolve deadline (the hotline hears `reopened`)
  await office.page.getByTestId('order-state').filter({ hasText: '已签收' }).waitFor();
  await office.page.getByTestId('timeline').getByText('已答复待回访 → 已签收').first().waitFor();
  // the citizen's "not solved" is recorded apart from the satisfaction (the resolution rate reads it)
  expect(await w.h.hub.ds.query(`SELECT resolved FROM work_order_callbacks WHERE ticket_id = $1`, [ticketId])).toEqual([{ resolved: false }]);

  // the unit's list polls: the reopened order appears without a reload
  await unit.page.getByRole('link', { name: orderNo }).waitFor({ timeout: 40_000 });
  await unit.shoot('reopened-in-list');
  expect(await hotlineTypes(w.h, ticketId, orderNo)).toEqual(expect.arrayContaining(['replied', 'reopened']));
});

it('a callback that reaches an anonymous citizen nobody (回访未接通) closes the order, recorded apart from the satisfaction', async () => {
  const { ticketId, orderNo } = await intakeOrder(w.h, order({ citizen: { anonymous: true, confidential: false } }));
  const api = await w.h.unit(UNIT_A);
  expect((await api.post(`/work-orders/${ticketId}/sign`, {})).status).toBe(200);
  expect((await api.post(`/work-orders/${ticketId}/reply`, REPLY)).status).toBe(200);
  await waitState(w.h, ticketId, 'replied');

  const office = await w.open('callback-unreachable');
  await office.page.goto(`${w.url}/login`);
  await signIn(office, 'operator-1', PASSWORD);
  await office.page.getByTestId('tab-callbacks').click();
  await office.page.getByRole('link', { name: orderNo }).click();
  await office.page.getByTestId('action-callback_unreachable').click();
  await office.page.getByLabel('未接通情况').fill('匿名来电，无回访号码');
  await office.shoot('callback-unreachable-form');
  await office.page.getByTestId('action-submit').click();
  // anonymous: nobody can be called, so the first call closes it (docs/rules.md item 9b)
  await office.page.getByTestId('order-state').filter({ hasText: '已办结' }).waitFor();
  await office.page.getByTestId('timeline').getByText('回访未接通').first().waitFor();
  await office.shoot('callback-unreachable-closed');
  expect(await w.h.hub.ds.query(`SELECT count(*)::int AS n FROM work_order_callbacks WHERE ticket_id = $1`, [ticketId])).toEqual([{ n: 0 }]);
  expect(await hotlineTypes(w.h, ticketId, orderNo)).toEqual(expect.arrayContaining(['replied', 'closed']));
});
