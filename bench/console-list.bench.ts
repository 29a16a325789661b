/**
 * The unit's 我的工单 with 1,000 open work orders, rendered in a real browser (Debian's Chromium
 * through playwright-core, as the browser tests): the time from navigating to /my/orders until the
 * table shows its rows and the total of 1,000. Target: under 1 s (issue #15; figures in
 * docs/console.md). The whole hub (gateway, router, notifier; real PostgreSQL and Redis; fake upstreams) runs in this process
 * on its own database; the orders come in through the signed hotline intake and the router.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/console-list.bench.ts
 *   BENCH_ORDERS=1000 BENCH_RUNS=7 BENCH_REDIS_URL=redis://127.0.0.1:6379/12
 */
import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { migrate } from '../libs/store/src/data-source';
import { generateSecrets } from '../libs/common/src/secrets';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 1000;
/** evaluated in the page: rows the table shows */
const ROWS = `document.querySelectorAll('[data-test=work-order-table] tbody tr').length`;
const DB = `hub_bench_console_${process.pid}`;
const BASE = process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: BASE });
  await c.connect();
  await c.query(sql);
  await c.end();
}

const POOL = '市民反映餐馆后厨卫生条件差存在食品安全隐患噪音扰民道路积水路灯损坏占道经营垃圾清运不及时违章停车油烟排放楼道堆物绿化养护井盖缺失施工夜间作业宠物扰民消防通道堵塞广告牌松动';

/** Seeded words from a pool of Chinese characters: different texts share few trigrams. */
function words(seed: number, len: number): string {
  let a = (seed * 2654435761) >>> 0;
  let out = '';
  for (let i = 0; i < len; i++) {
    a = (Math.imul(a ^ (a >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    out += POOL[a % POOL.length];
  }
  return out;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, min ${s[0].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const url = new URL(BASE);
  url.pathname = `/${DB}`;
  await admin(`CREATE DATABASE "${DB}"`);
  await migrate(url.toString());
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
  process.env.LOG_LEVEL ??= 'silent';
  // this run's own secrets, as the test run's global setup gives them (none is written in the repository)
  for (const [k, v] of Object.entries(generateSecrets())) process.env[k] ??= v;
  // loaded after the environment is set: the harness reads it
  const kit = await import('../test/integration/lifecycle-kit');
  const { ensureConsoleBuilt, openBrowser, watchedPage, signIn } = await import('../test/e2e/browser');
  const { authHeader } = await import('../test/support/auth');
  const { eventually } = await import('../test/support/harness');
  ensureConsoleBuilt();
  const h = await kit.startLifecycleHub(['gateway', 'router', 'notifier'], { console: true });
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  try {
    await kit.resetWorld(h);
    const adminApi = new kit.HubApi(h.hub.url, await authHeader(h.hub, { role: 'admin', id: 'bench-admin' }));
    const password = 'bench-console-password';
    await adminApi.post('/auth/users', { username: 'bench-staff', password, role: 'unit_staff', unitCode: kit.UNIT_A });

    const t0 = Date.now();
    for (let i = 0; i < ORDERS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, ORDERS - i) }, async (_, j) => {
          // each its own place and words: the router must not merge them as one repeated matter
          const n = i + j;
          const o = kit.order({ title: `第${n}号 ${words(n, 8)}`, content: `${words(n + 7919, 40)}。`, location: { regionCode: '310104', address: `徐汇区${words(n, 3)}路${n}号` } });
          // a busy shared machine may answer 5xx: the intake is idempotent by order number, so ask again
          for (let attempt = 1; ; attempt++) {
            const r = await h.hotline.post('/connectors/hotline/orders', o);
            if (r.status === 201 || r.status === 200) break;
            if (r.status < 500 || attempt >= 5) throw new Error(`intake ${r.status}: ${JSON.stringify(r.body)}`);
            await new Promise((res) => setTimeout(res, 500 * attempt));
          }
        }),
      );
    }
    await eventually(async () => {
      const rows = (await h.hub.ds.query(`SELECT state, count(*)::int AS n FROM tickets GROUP BY state`)) as Array<{ state: string; n: number }>;
      const dispatched = rows.find((r) => r.state === 'dispatched')?.n ?? 0;
      if (rows.some((r) => r.state !== 'dispatched' && r.state !== 'received' && r.state !== 'accepted')) throw new Error(`not all dispatched: ${JSON.stringify(rows)}`);
      return dispatched >= ORDERS;
    }, 600_000, 500);
    console.log(`${ORDERS} open work orders at ${kit.UNIT_A} in ${((Date.now() - t0) / 1000).toFixed(1)} s (intake + router)`);

    browser = await openBrowser();
    const p = await watchedPage(browser, 'bench');
    await p.page.goto(`${h.hub.url}/login`);
    await signIn(p, 'bench-staff', password);
    await p.page.waitForURL(/\/my\/orders$/);
    for (const size of [50, 100]) {
      const times: number[] = [];
      const api: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        await p.page.goto('about:blank');
        const start = Date.now();
        await p.page.goto(`${h.hub.url}/my/orders`);
        if (size !== 50) {
          // the page size is a choice on the page: pick it, then time the reload of the list
          await p.page.getByTestId('total').filter({ hasText: `共 ${ORDERS} 条` }).waitFor();
          await p.page.getByRole('combobox', { name: '每页条数' }).click({ force: true });
          const s2 = Date.now();
          await p.page.getByRole('option', { name: `${size} 条/页` }).click();
          await p.page.waitForFunction(`${ROWS} >= ${size}`);
          times.push(Date.now() - s2);
          continue;
        }
        await p.page.waitForFunction(`${ROWS} >= ${size} && (document.querySelector('[data-test=total]')?.textContent ?? '').includes('共 ${ORDERS} 条')`);
        times.push(Date.now() - start);
        // where the time went: the list request as the browser saw it (server + network)
        api.push(
          await p.page.evaluate(() => {
            const e = performance.getEntriesByType('resource').filter((r) => r.name.includes('/work-orders?')).pop();
            return e ? (e as unknown as { responseEnd: number }).responseEnd - e.startTime : NaN;
          }),
        );
      }
      const label = size === 50 ? 'navigate to 我的工单 → 50 rows and the total shown' : `choose ${size} per page → ${size} rows shown`;
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
      console.log(`${label}: ${stats(times)} over ${RUNS} runs — ${median < TARGET_MS ? 'PASS' : 'FAIL'} (target < ${TARGET_MS} ms)`);
      if (api.length > 0) console.log(`  of which GET /work-orders (request to last byte): ${stats(api)}`);
      console.log(`  load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} cores, shared)`);
    }
    if (p.problems.length > 0) console.log(`page problems: ${p.problems.join('; ')}`);
    await p.close();
  } finally {
    await browser?.close();
    await h.close();
    await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
