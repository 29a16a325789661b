/**
 * The soak bench (docs/reliability.md#soak): hotline orders at a steady rate, each taken the whole
 * way (dispatched, signed, contacted, replied, a satisfied callback: closed) through the API, for
 * half an hour, on the hub's own PostgreSQL and Redis (bench/support/chaos). Each minute it samples
 * the RSS of every process and the size of PostgreSQL's busiest tables and indexes; at the end it
 * writes the samples (JSON) and a chart (PNG, ECharts rendered to SVG, screenshot by headless
 * Chromium through playwright-core) into bench/results/.
 *
 *   nice -n 5 npx ts-node -r tsconfig-paths/register --transpile-only bench/soak.bench.ts
 *
 * Env: SOAK_RATE (tickets/s, 50), SOAK_MINUTES (30), SOAK_PG_PORT (5443), SOAK_REDIS_PORT (6460),
 * SOAK_APP_PORT (6470), HUB_CHROMIUM (/usr/bin/chromium); SOAK_CHART=<samples.json> only draws the
 * chart of an earlier run again.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as echarts from 'echarts';
import { chromium } from 'playwright-core';
import { postgresRssMiB } from './support/chaos/cluster';
import { rssMiB } from './support/processes';
import { Client } from 'pg';
import { DB_NAME, startChaosHub, type ChaosHub } from './support/chaos/hub';
import { seededRandom } from '@hub/rules/dispatch/testing';
import { Workload } from './support/chaos/workload';

const RATE = Number(process.env.SOAK_RATE ?? 50);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const TABLES = ['outbox', 'delivery_attempts', 'tickets', 'ticket_events', 'ticket_clocks', 'inbound_events'];
const INDEXES = ['ix_outbox_pending_key'];

interface Sample {
  minute: number;
  started: number;
  done: number;
  /** tickets refused at intake or whose lifecycle stopped short */
  failed: number;
  pending: number;
  rss: Record<string, number>;
  /** MiB: table (heap + TOAST) and its indexes, by table; then single indexes */
  tables: Record<string, { table: number; indexes: number; dead: number }>;
  indexes: Record<string, number>;
  redisUsedMiB: number;
  load: number;
}

async function sample(hub: ChaosHub, w: Workload, minute: number, started: number): Promise<Sample> {
  const rss: Record<string, number> = {};
  for (const a of hub.apps) rss[a.name] = Math.round(rssMiB(a.pid) ?? 0);
  rss.postgres = Math.round(postgresRssMiB(hub.pg.dir));
  rss.redis = Math.round(rssMiB(hub.redis.pid) ?? 0);
  rss.bench = Math.round(process.memoryUsage().rss / 2 ** 20);
  const mib = (b: string | number): number => Math.round((Number(b) / 2 ** 20) * 10) / 10;
  // a connection of its own: the workload's pool may be busy with hundreds of tickets in flight
  const db = new Client({ connectionString: hub.pg.url(DB_NAME) });
  await db.connect();
  try {
    const rows = (await db.query(
      `SELECT c.relname, pg_table_size(c.oid) AS t, pg_indexes_size(c.oid) AS i, s.n_dead_tup AS dead
         FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = ANY($1)`,
      [TABLES],
    )).rows as Array<{ relname: string; t: string; i: string; dead: string }>;
    const tables = Object.fromEntries(rows.map((r) => [r.relname, { table: mib(r.t), indexes: mib(r.i), dead: Number(r.dead) }]));
    const ix = (await db.query(`SELECT relname, pg_relation_size(oid) AS s FROM pg_class WHERE relname = ANY($1)`, [INDEXES])).rows as Array<{ relname: string; s: string }>;
    const [{ pending }] = (await db.query(`SELECT count(*)::int AS pending FROM outbox WHERE status = 'pending'`)).rows as Array<{ pending: number }>;
    const info = await hub.redis.command((r) => r.info('memory'));
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    return { minute, started, done: w.done, failed: w.failed, pending, rss, tables, indexes: Object.fromEntries(ix.map((r) => [r.relname, mib(r.s)])), redisUsedMiB: mib(used), load: os.loadavg()[0] };
  } finally {
    await db.end();
  }
}

async function chart(samples: Sample[], file: string): Promise<void> {
  const x = samples.map((s) => s.minute);
  const line = (name: string, data: number[], yAxisIndex = 0) => ({ name, type: 'line', data, yAxisIndex, showSymbol: false });
  const c = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 1400, height: 900 });
  const procs = Object.keys(samples[0].rss);
  c.setOption({
    animation: false,
    backgroundColor: '#fff',
    title: [
      { text: `Soak: ${RATE} tickets/s, full lifecycle, ${MINUTES} min — RSS per process (MiB)`, left: 'center', top: 5 },
      { text: 'PostgreSQL sizes (MiB): tables, their indexes, the outbox pending index; Redis used memory', left: 'center', top: '50%' },
    ],
    legend: [
      { data: procs, top: 35 },
      { data: [...TABLES.map((t) => `${t}`), ...TABLES.map((t) => `${t} idx`), ...INDEXES, 'redis used'], top: '54%' },
    ],
    grid: [
      { left: 60, right: 40, top: 70, height: '32%' },
      { left: 60, right: 40, top: '62%', height: '32%' },
    ],
    xAxis: [
      { type: 'category', data: x, gridIndex: 0, name: 'minute' },
      { type: 'category', data: x, gridIndex: 1, name: 'minute' },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0 },
      { type: 'value', gridIndex: 1 },
    ],
    series: [
      ...procs.map((p) => ({ ...line(p, samples.map((s) => s.rss[p])), xAxisIndex: 0, yAxisIndex: 0 })),
      ...TABLES.map((t) => ({ ...line(t, samples.map((s) => s.tables[t]?.table ?? 0)), xAxisIndex: 1, yAxisIndex: 1 })),
      ...TABLES.map((t) => ({ ...line(`${t} idx`, samples.map((s) => s.tables[t]?.indexes ?? 0)), xAxisIndex: 1, yAxisIndex: 1, lineStyle: { type: 'dashed' } })),
      ...INDEXES.map((i) => ({ ...line(i, samples.map((s) => s.indexes[i] ?? 0)), xAxisIndex: 1, yAxisIndex: 1, lineStyle: { width: 3 } })),
      { ...line('redis used', samples.map((s) => s.redisUsedMiB)), xAxisIndex: 1, yAxisIndex: 1, lineStyle: { type: 'dotted', width: 3 } },
    ],
  });
  const svg = c.renderToSVGString();
  c.dispose();
  const browser = await chromium.launch({ executablePath: process.env.HUB_CHROMIUM ?? '/usr/bin/chromium', headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: file });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const out = path.resolve(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  console.log(`soak: ${RATE}/s for ${MINUTES} min; uptime before: ${execSync('uptime').toString().trim()}`);
  const hub = await startChaosHub({
    pgPort: Number(process.env.SOAK_PG_PORT ?? 5443),
    redisPort: Number(process.env.SOAK_REDIS_PORT ?? 6460),
    appPortBase: Number(process.env.SOAK_APP_PORT ?? 6470),
    replicas: { gateway: 1, router: 1, notifier: 1 },
    logDir: path.join(os.tmpdir(), `hub-soak-logs-${process.pid}`),
    keepRequests: 2_000,
  });
  const samples: Sample[] = [];
  try {
    const w = new Workload(hub, seededRandom(5), { lifecycleOnly: true, forget: true, patienceMs: 120_000 });
    await w.init();
    let minute = 0;
    const t0 = performance.now();
    const ticker = setInterval(() => {
      minute += 1;
      const started = Math.round(((performance.now() - t0) / 1000) * RATE);
      void sample(hub, w, minute, started)
        .then((s) => {
          samples.push(s);
          const t = s.tables;
          console.log(
            `  min ${String(minute).padStart(2)}  load ${s.load.toFixed(1).padStart(5)}  done ${s.done}/${s.started}  failed ${s.failed}  pending ${s.pending}  rss ${Object.entries(s.rss).map(([k, v]) => `${k} ${v}`).join(', ')}  ` +
              `outbox ${t.outbox?.table}+${t.outbox?.indexes} (dead ${t.outbox?.dead})  pending-idx ${s.indexes.ix_outbox_pending_key}  redis ${s.redisUsedMiB}`,
          );
        })
        .catch((e: unknown) => console.error('sample failed', e));
    }, 60_000);
    await w.drive(RATE, MINUTES * 60_000);
    clearInterval(ticker);
    // the last tickets' steps finish before the servers go
    await new Promise((r) => setTimeout(r, 30_000));
    samples.push(await sample(hub, w, minute + 0.5, Math.round(((performance.now() - t0) / 1000) * RATE)));
  } finally {
    writeFileSync(path.join(out, `soak-${stamp}.json`), JSON.stringify(samples, null, 1));
    if (samples.length > 1) await chart(samples, path.join(out, `soak-${stamp}.png`));
    await hub.close();
  }
  console.log(`uptime after: ${execSync('uptime').toString().trim()}`);
  console.log(`samples and chart: bench/results/soak-${stamp}.json, .png`);
}

// SOAK_CHART=<samples.json>: draw the chart of an earlier run again, next to its samples
const again = process.env.SOAK_CHART;
(again ? chart(JSON.parse(readFileSync(again, 'utf8')) as Sample[], again.replace(/\.json$/, '.png')) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
