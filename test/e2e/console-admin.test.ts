/**
 * The office's and the administrator's other pages, from sign-in, by clicks and typing: an
 * administrator creates a unit's user through the form (who can then sign in), a unit key is
 * created and shown once; the office tries the routing of a hypothetical ticket, looks at the
 * calendar and the deliveries.
 */
import { readFileSync } from 'node:fs';
import { UNIT_A } from '../integration/lifecycle-kit';
import { PASSWORD, consoleJourneys } from './e2e-kit';
import { signIn } from './browser';

const w = consoleJourneys([
    { username: 'admin-1', role: 'admin' },
    { username: 'supervisor-1', role: 'supervisor' },
  ]);

it('an administrator creates a unit user through the form, who then signs in; a unit key is shown once', async () => {
  const admin = await w.open('admin-users');
  const { page } = admin;
  // a refused user (password too short) is explained next to the field; what was typed stays
  admin.expect(400, /\/auth\/users$/);
  await page.goto(`${w.url}/login`);
  await signIn(admin, 'admin-1', PASSWORD);
  await page.waitForURL(/\/admin\/users$/);
  await page.getByRole('button', { name: '新建用户' }).click();
  await page.getByLabel('用户名').fill('staff-new');
  await page.getByLabel('初始密码').fill('short');
  const unit = page.getByLabel('所属单位', { exact: true }).first();
  await unit.click();
  await unit.pressSequentially(UNIT_A, { delay: 20 });
  await page.getByRole('option', { name: new RegExp(UNIT_A) }).first().click();
  await page.getByRole('button', { name: '创建' }).click();
  await page.getByText('请按提示修改后再提交').waitFor();
  expect(await page.getByLabel('用户名').inputValue()).toBe('staff-new');
  await admin.shoot('user-refused');
  await page.getByLabel('初始密码').fill(PASSWORD);
  await page.getByRole('button', { name: '创建' }).click();
  await page.getByTestId('users').getByText('staff-new').waitFor();
  await admin.shoot('users');

  await page.getByRole('menuitem', { name: '单位接口密钥' }).click();
  const keyUnit = page.getByLabel('单位', { exact: true }).first();
  await keyUnit.click();
  await keyUnit.pressSequentially(UNIT_A, { delay: 20 });
  await page.getByRole('option', { name: new RegExp(UNIT_A) }).first().click();
  await page.getByRole('button', { name: '新建密钥' }).click();
  await page.getByLabel('新密钥', { exact: true }).waitFor();
  expect(await page.getByLabel('新密钥', { exact: true }).inputValue()).toMatch(/^\S+\.\S+$/);
  await admin.shoot('new-key');
  await page.getByRole('button', { name: '我已保存' }).click();
  await page.getByTestId('keys').getByText(UNIT_A).waitFor();

  const staff = await w.open('admin-new-user');
  await staff.page.goto(`${w.url}/login`);
  await signIn(staff, 'staff-new', PASSWORD);
  await staff.page.waitForURL(/\/my\/orders$/);
  await staff.page.getByTestId('total').waitFor();
});

it('the office tries the routing of a ticket, reads the calendar and the deliveries', async () => {
  const p = await w.open('office-pages');
  const { page } = p;
  await page.goto(`${w.url}/login`);
  await signIn(p, 'supervisor-1', PASSWORD);
  await page.waitForURL(/\/desk\/todo/);
  await page.getByRole('menuitem', { name: '单位目录' }).click();
  await page.getByTestId('versions').getByText('生效中').waitFor();
  await page.getByLabel('分类代码').fill('0101');
  await page.getByLabel('区划代码').fill('310104');
  await page.getByLabel('标题', { exact: true }).fill('餐馆卫生问题');
  await page.getByLabel('诉求内容').fill('市民反映某餐馆后厨卫生条件差');
  await page.getByRole('button', { name: '试算' }).click();
  await page.getByTestId('try-result').getByText(`派往 ${UNIT_A}`).waitFor();
  await p.shoot('directory-try');

  await page.getByRole('menuitem', { name: '工作日历' }).click();
  await page.getByText('12 月').first().waitFor();
  expect(await page.locator('.cell.holiday').count()).toBeGreaterThan(0);
  await p.shoot('calendar');

  await page.getByRole('menuitem', { name: '消息投递' }).click();
  await page.getByTestId('deliveries').waitFor();
  await page.getByRole('radio', { name: '已投递' }).check({ force: true });
  // how long delivered messages stay (HUB_OUTBOX_RETENTION_DAYS, 30 by default)
  await page.getByTestId('retention').filter({ hasText: '保留 30 天' }).waitFor();
  await p.shoot('deliveries');

  // the current list as an .xlsx file
  await page.getByRole('menuitem', { name: '全部工单' }).click();
  await page.getByTestId('total').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  expect(download.suggestedFilename()).toMatch(/^工单导出-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const file = await download.path();
  expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');

  await page.getByRole('menuitem', { name: '统计报表' }).click();
  // the reports dashboard (its figures are checked in console-reports.test.ts)
  await page.waitForURL(/\/desk\/reports/);
  await page.getByTestId('total-received').waitFor();
  await page.getByRole('menuitem', { name: '业务设置' }).click();
  await page.getByLabel('受理规则（JSON）').waitFor();
  await p.shoot('settings');
  // the clock tables: a policy that does not exist is refused, naming where; Yunnan's is taken
  await page.getByRole('tab', { name: '办理时限' }).click();
  const clocks = page.getByLabel('办理时限（JSON）');
  await clocks.waitFor();
  expect(JSON.parse(await clocks.inputValue())).toHaveProperty('table.defaultPolicyId');
  p.expect(400, /\/office\/settings\/clocks$/);
  await clocks.fill(JSON.stringify({ policies: [], table: { rules: [], defaultPolicyId: 'nope' } }));
  await page.getByRole('tabpanel', { name: '办理时限' }).getByRole('button', { name: '保存' }).click();
  await page.getByText(/table\.defaultPolicyId：/).waitFor();
  await clocks.fill(JSON.stringify({ policies: [], table: { rules: [], defaultPolicyId: 'yunnan-2-3-10' } }));
  await page.getByRole('tabpanel', { name: '办理时限' }).getByRole('button', { name: '保存' }).click();
  await page.getByText('设置已保存').waitFor();
  expect((await w.admin.get<{ table: { defaultPolicyId: string } }>('/office/settings/clocks')).body.table.defaultPolicyId).toBe('yunnan-2-3-10');
  await p.shoot('settings-clocks');
});
