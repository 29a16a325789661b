/**
 * Browser journeys of a unit's staff (承办单位) in the console, from sign-in, by clicks and typing:
 * sign, contact and reply to a new order (the hotline hears each step); another unit's order typed
 * by hand shows the not-found page.
 */
import { UNIT_A, UNIT_B, hotlineTypes, intakeOrder, order } from '../integration/lifecycle-kit';
import { PASSWORD, consoleJourneys } from './e2e-kit';
import { signIn } from './browser';

/** JavaScript the sign-in page may load, uncompressed (docs/console.md has the figures). */
const LOGIN_JS_BUDGET = 600 * 1024;

const w = consoleJourneys([
    { username: 'staff-a', role: 'unit_staff', unitCode: UNIT_A },
    { username: 'staff-b', role: 'unit_staff', unitCode: UNIT_B },
  ]);

it('a unit signs, contacts and replies to a new order; the hotline hears every step', async () => {
  const o = order();
  const { ticketId, orderNo } = await intakeOrder(w.h, o);
  const p = await w.open('unit-reply');
  const { page } = p;
  // code-split: the sign-in page loads the shell and the form, not the work-order pages or exceljs
  const scripts: Array<{ url: string; bytes: number }> = [];
  const onScript = async (r: import('playwright-core').Response) => {
    if (r.url().endsWith('.js')) scripts.push({ url: r.url(), bytes: (await r.body()).length });
  };
  page.on('response', onScript);

  await page.goto(`${w.url}/`);
  await page.waitForURL(/\/login\?redirect=/);
  await page.getByRole('button', { name: '登录' }).waitFor();
  await page.waitForLoadState('networkidle');
  page.off('response', onScript);
  const loginBytes = scripts.reduce((n, s) => n + s.bytes, 0);
  expect(scripts.map((s) => s.url).join(' ')).not.toMatch(/WorkOrderView|MyOrdersView|exceljs|TicketsView/);
  expect(loginBytes).toBeLessThan(LOGIN_JS_BUDGET);
  await p.shoot('login');
  await signIn(p, 'staff-a', PASSWORD);
  await page.waitForURL(/\/my\/orders$/);
  const link = page.getByRole('link', { name: orderNo });
  await link.waitFor();
  const row = page.locator('tr', { has: link });
  await row.getByText('待签收').waitFor();
  expect(await row.locator('[data-test=due]').innerText()).toMatch(/先行联系 剩 \d+ (个工作日|小时)/);
  await p.shoot('my-orders');

  await link.click();
  await page.waitForURL(new RegExp(`/my/orders/${ticketId}$`));
  await page.getByTestId('order-state').filter({ hasText: '待签收' }).waitFor();
  expect(await page.getByTestId('order-content').innerText()).toContain('餐馆');
  // only what the state machine allows now: no reply before signing
  expect(await page.getByTestId('action-reply').count()).toBe(0);
  await p.shoot('order-dispatched');

  await page.getByTestId('action-sign').click();
  await page.getByTestId('action-submit').click();
  await page.getByTestId('order-state').filter({ hasText: '已签收' }).waitFor();

  await page.getByTestId('action-contact').click();
  await page.getByLabel('联系情况').fill('已电话联系市民，约定明日上门核查');
  await page.getByTestId('action-submit').click();
  await page.getByTestId('order-state').filter({ hasText: '已联系' }).waitFor();

  await page.getByTestId('action-reply').click();
  // a reply without its answer points is refused next to the field; the report typed stays
  await page.getByLabel('办结报告').fill('经现场检查，已责令餐馆整改后厨卫生。');
  await page.getByTestId('action-submit').click();
  await page.getByText('请填写答复要点').waitFor();
  expect(await page.getByLabel('办结报告').inputValue()).toBe('经现场检查，已责令餐馆整改后厨卫生。');
  await page.getByLabel('答复要点').fill('已责令整改，整改后复查。');
  // Shanghai's 1/5/15 has no acceptance clocks: no 当场办结 to claim
  expect(await page.getByLabel('当场办结').count()).toBe(0);
  await p.shoot('reply-form');
  await page.getByTestId('action-submit').click();
  await page.getByTestId('order-state').filter({ hasText: '已答复待回访' }).waitFor();
  await page.getByTestId('timeline').getByText('办结答复').first().waitFor();
  expect(await page.getByTestId('no-actions').count()).toBe(1);
  await p.shoot('order-replied');

  expect(await hotlineTypes(w.h, ticketId, orderNo)).toEqual(expect.arrayContaining(['dispatched', 'signed', 'contacted', 'replied']));
  const types = await hotlineTypes(w.h, ticketId, orderNo);
  expect(types.indexOf('signed')).toBeLessThan(types.indexOf('contacted'));
  expect(types.indexOf('contacted')).toBeLessThan(types.indexOf('replied'));
});

it('under Yunnan\'s 2/3/10 a unit that settled the matter on the spot says so with its reply (当场办结)', async () => {
  expect((await w.admin.put('/office/settings/clocks', { policies: [], table: { rules: [], defaultPolicyId: 'yunnan-2-3-10' } })).status).toBe(200);
  const { ticketId, orderNo } = await intakeOrder(w.h, order());
  const p = await w.open('unit-on-the-spot');
  const { page } = p;
  await page.goto(`${w.url}/login`);
  await signIn(p, 'staff-a', PASSWORD);
  await page.getByRole('link', { name: orderNo }).click();
  await page.getByTestId('action-sign').click();
  await page.getByTestId('action-submit').click();
  await page.getByTestId('order-state').filter({ hasText: '已签收' }).waitFor();
  await page.getByTestId('action-reply').click();
  await page.getByLabel('办结报告').fill('接诉后当场到店核查，餐馆已当场整改。');
  await page.getByLabel('答复要点').fill('已当场整改。');
  // the switch as a person clicks it (its input is visually hidden)
  await page.locator('.el-switch', { has: page.getByLabel('当场办结') }).click();
  expect(await page.getByLabel('当场办结').getAttribute('aria-checked')).toBe('true');
  await p.shoot('reply-on-the-spot');
  await page.getByTestId('action-submit').click();
  await page.getByTestId('order-state').filter({ hasText: '已答复待回访' }).waitFor();
  const [reply] = (await w.h.hub.ds.query(`SELECT data FROM ticket_events WHERE ticket_id = $1 AND data->>'action' = 'reply'`, [ticketId])) as Array<{ data: { input: Record<string, unknown> } }>;
  expect(reply.data.input).toMatchObject({ replyPoints: '已当场整改。', onTheSpot: true });
});

it("a unit cannot see or open another unit's work order: typed by hand, it is not found", async () => {
  const { ticketId, orderNo } = await intakeOrder(w.h, order());
  const p = await w.open('unit-not-found');
  const { page } = p;
  p.expect(404, new RegExp(`/work-orders/${ticketId}$`));

  // signed in with the keyboard only
  await page.goto(`${w.url}/login`);
  await page.getByLabel('用户名').focus();
  await page.keyboard.type('staff-b');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/my\/orders$/);
  await page.getByTestId('total').filter({ hasText: '共 0 条' }).waitFor();
  expect(await page.getByRole('link', { name: orderNo }).count()).toBe(0);

  await page.goto(`${w.url}/my/orders/${ticketId}`);
  await page.getByTestId('not-found').getByText('页面不存在').waitFor();
  expect(await page.getByText(orderNo).count()).toBe(0);
  await p.shoot('not-found');
});
