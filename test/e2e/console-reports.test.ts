/**
 * The office's dashboard (统计报表, docs/reports.md) in the browser: the period's totals, the three
 * rates' trend (ECharts), the units' ranking, and from a number to the tickets behind it.
 */
import { REPLY, SATISFIED, UNIT_A, intakeOrder, order } from '../integration/lifecycle-kit';
import { PASSWORD, consoleJourneys } from './e2e-kit';
import { signIn } from './browser';

const w = consoleJourneys([{ username: 'operator-1', role: 'operator' }]);

it('the office reads a month: totals, rates, trend, ranking, and the tickets behind a number', async () => {
  // Two hotline orders received in November 2026 (the factory's receipt time); one handled and called back.
  const one = await intakeOrder(w.h, order());
  const two = await intakeOrder(w.h, order());
  const a = await w.h.unit(UNIT_A);
  for (const step of ['sign', 'contact']) expect((await a.post(`/work-orders/${one.ticketId}/${step}`, {})).status).toBe(200);
  expect((await a.post(`/work-orders/${one.ticketId}/reply`, REPLY)).status).toBe(200);
  expect((await w.h.office.post(`/office/tickets/${one.ticketId}/callback`, { ...SATISFIED, resolved: true })).status).toBe(200);

  const p = await w.open('reports');
  const { page } = p;
  await page.goto(`${w.url}/desk/reports?period=2026-11`);
  await signIn(p, 'operator-1', PASSWORD);
  await page.waitForURL(/\/desk\/reports/);
  await page.getByTestId('total-received').filter({ hasText: '2' }).waitFor();
  expect(await page.getByTestId('total-dispatched').innerText()).toContain('2');
  expect(await page.getByTestId('total-callbacks').innerText()).toContain('1');
  // one callback, satisfied and solved
  expect(await page.getByTestId('rate-satisfaction').innerText()).toBe('100.0%');
  expect(await page.getByTestId('rate-resolution').innerText()).toBe('100.0%');
  expect(await page.getByTestId('report-range').innerText()).toContain('2026-11-01 至 2026-11-30');
  // the trend is drawn (a canvas inside the chart)
  await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
  // the ranking lists the unit with its figures
  const ranking = page.getByTestId('ranking');
  await ranking.getByText('徐汇区市场监督管理局').first().waitFor();
  expect(await page.getByTestId(`unit-dispatched-${UNIT_A}`).innerText()).toBe('2');
  await p.shoot('dashboard');

  // From a number to its tickets: the office's total, then the unit's own number.
  await page.getByTestId('total-dispatched').click();
  const drill = page.getByTestId('drill');
  await drill.getByRole('link', { name: one.ticketId }).waitFor();
  await drill.getByRole('link', { name: two.ticketId }).waitFor();
  await p.shoot('drill');
  await page.keyboard.press('Escape');
  await page.getByTestId('total-callbacks').click();
  await drill.getByRole('link', { name: one.ticketId }).waitFor();
  expect(await drill.getByRole('link').count()).toBe(1);
  await drill.getByRole('link', { name: one.ticketId }).click();
  await page.waitForURL(new RegExp(`/desk/tickets/${one.ticketId}$`));
});
