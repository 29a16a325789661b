/**
 * Intake bench: sustained signed hotline orders through the gateway's HTTP endpoint
 * (POST /connectors/hotline/orders, docs/contracts.md#hotline-orders), against the raw floor of the same rows
 * inserted directly with `pg`.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/intake.bench.ts
 *
 * Phase A  closed loop: BENCH_CONCURRENCY clients, each sends its next order when the last one is
 *          answered → throughput, p50/p99.
 * Phase B  open loop at BENCH_RATE orders/s: each order is sent at its scheduled time whatever the
 *          state of earlier ones, and its latency counts from that scheduled time (so a stall is
 *          charged to every order that should have been sent during it: no coordinated omission).
 * Phase C  the raw floor: the same three rows per ticket (tickets, ticket_events, outbox) written by
 *          storeTicket's single CTE statement straight through a `pg` pool, at the same concurrency,
 *          with no HTTP, signature, validation or Nest in between.
 * Phase D  the floor again, open loop at BENCH_RATE/s: the database's own latency tail at phase B's
 *          rate (on a shared machine, other work's checkpoints and fsyncs show up here too).
 *
 * The gateway runs as its own process (the load generator must not share its event loop):
 *   BENCH_GATEWAY=build  (default) compiled first into bench/results/dist (git-ignored), as
 *                        `npm run build` does, leaving the shared dist/ alone;
 *   BENCH_GATEWAY=ts     from the sources through ts-node's transpile-only hook: quicker to start and
 *                        the same JavaScript, but its RSS includes the TypeScript compiler (~+100 MiB);
 *   BENCH_GATEWAY=dist   from an existing `npm run build`;
 *   BENCH_GATEWAY_MAIN   any compiled main.js (e.g. a build of another revision, for a before/after).
 * Orders are signed inline with hmac-sha256, each with a fresh nonce, as a hotline system would; the
 * load generator's CPU and the whole machine's are printed, since all of it shares the 2 cores.
 *
 * Other env: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/hub_bench_intake), BENCH_REDIS_URL
 * (redis://127.0.0.1:6379/0), BENCH_CONCURRENCY (64), BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (3),
 * BENCH_RATE (500), BENCH_PHASES (ABCD), BENCH_POOL (the floor's pool; default = concurrency),
 * BENCH_GATEWAY_NODE_OPTIONS (extra node flags for the gateway), BENCH_BEFORE_STOP_SIGNAL (sent to the
 * gateway once it is healthy and again 3 s before SIGTERM: start/stop for a profiling hook preloaded
 * through BENCH_GATEWAY_NODE_OPTIONS).
 * Targets: ≥ 1,000 tickets/s, ≥ half the raw floor, p99 < 50 ms at 500 tickets/s.
 */
import http from 'node:http';
import os from 'node:os';
import { Pool } from 'pg';
import { parseKeyRing, signRequest } from '@hub/connectors/signing';
import { HotlineOrderDto, mapHotlineOrder } from '@hub/connectors/hotline';
import { contentHash, validateBody } from '@hub/connectors/common';
import { ensureDatabase, migrate, routeJob, storeTicket } from '@hub/store';
import { hotlineOrder } from '../test/factories/tickets.factory';
import { type CpuMark, type CpuShares, cpuMark, cpuSince, memoryBytes, percentile } from './support/processes';
import { type GatewayProcess, buildInto, startGateway, stopGateway } from './support/gateway-process';
import { truncateTables } from './support/bench-db';

const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_bench_intake';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const PHASES = (process.env.BENCH_PHASES ?? 'ABCD').toUpperCase();
const GATEWAY: 'ts' | 'dist' | 'build' = process.env.BENCH_GATEWAY === 'dist' || process.env.BENCH_GATEWAY === 'ts' ? process.env.BENCH_GATEWAY : 'build';
/** BENCH_GATEWAY=build compiles here (git-ignored), leaving the shared dist/ alone. */
const BUILD_DIR = 'bench/results/dist';
const FLOOR_POOL = Number(process.env.BENCH_POOL ?? CONCURRENCY);
const KEYS = 'bench-hk:bench-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const KEY = parseKeyRing('HUB_HOTLINE_KEYS', KEYS).signingKey!;
const ORDER_PATH = '/connectors/hotline/orders';
const RUN = Date.now().toString(36);

const now = (): number => performance.now();
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Orders

let seq = 0;
const template = hotlineOrder();

/** A new order (unique orderNo) as the exact bytes to send, with its signature headers. */
function nextRequest(): { body: Buffer; headers: Record<string, string> } {
  seq += 1;
  const order = { ...template, orderNo: `B${RUN}-${seq}`, title: `餐馆后厨卫生问题 ${seq}` };
  const body = Buffer.from(JSON.stringify(order), 'utf8');
  const signed = signRequest(KEY, 'POST', ORDER_PATH, body, new Date());
  return { body, headers: { ...signed, 'Content-Type': 'application/json', 'Content-Length': String(body.length) } };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Sample {
  status: number;
  ms: number;
  /** when it was (to be) sent, for the per-second view */
  at?: number;
}

function post(port: number, agent: http.Agent, startedAt: number): Promise<Sample> {
  const { body, headers } = nextRequest();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: ORDER_PATH, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: now() - startedAt, at: startedAt }));
      res.on('error', () => resolve({ status: 0, ms: now() - startedAt, at: startedAt }));
    });
    req.on('error', () => resolve({ status: 0, ms: now() - startedAt, at: startedAt }));
    req.end(body);
  });
}

interface PhaseResult {
  name: string;
  ok: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  gatewayCpu?: number;
  loadgenCpu: number;
  machineBusy?: number;
  statuses: Record<string, number>;
  /** the worst seconds of the run by p99, to tell a spread-out tail from a few stalls */
  worstSeconds: string;
}

function summarize(name: string, samples: Sample[], seconds: number, cpu: CpuShares): PhaseResult {
  const ok = samples.filter((s) => s.status === 201 || s.status === 200);
  const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  return {
    name,
    ok: ok.length,
    errors: samples.length - ok.length,
    seconds,
    perSecond: ok.length / seconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1] ?? NaN,
    gatewayCpu: cpu.pid,
    loadgenCpu: cpu.self,
    machineBusy: cpu.machine,
    statuses,
    worstSeconds: worstSeconds(samples),
  };
}

function worstSeconds(samples: Sample[]): string {
  const first = Math.min(...samples.map((s) => s.at ?? Infinity));
  if (!Number.isFinite(first)) return '';
  const bySecond = new Map<number, number[]>();
  for (const s of samples) {
    const k = Math.floor(((s.at ?? first) - first) / 1000);
    const list = bySecond.get(k) ?? [];
    list.push(s.ms);
    bySecond.set(k, list);
  }
  return [...bySecond]
    .map(([k, l]) => ({ k, p99: percentile(l.sort((a, b) => a - b), 99), n: l.length }))
    .sort((a, b) => b.p99 - a.p99)
    .slice(0, 3)
    .map((w) => `s${w.k}: p99 ${fmt(w.p99, 1)} ms (n=${w.n})`)
    .join(', ');
}

/** Closed loop: `concurrency` workers, each waiting for its answer before sending again. */
async function closedLoop(port: number, concurrency: number, warmupMs: number, runMs: number, gw: GatewayProcess): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: Sample[] = [];
  const startAll = now();
  const measureFrom = startAll + warmupMs;
  const end = measureFrom + runMs;
  let cpu0: CpuMark | undefined;
  const warm = setTimeout(() => (cpu0 = cpuMark(gw.child.pid)), warmupMs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < end) {
        const t0 = now();
        const s = await post(port, agent, t0);
        if (t0 >= measureFrom && now() <= end) samples.push(s);
      }
    }),
  );
  clearTimeout(warm);
  agent.destroy();
  return summarize(`A closed loop, c=${concurrency}`, samples, runMs / 1000, cpuSince(cpu0 ?? cpuMark(gw.child.pid), gw.child.pid, runMs));
}

/**
 * Open loop at `rate`/s: `send(scheduled)` is called at each scheduled time whatever the state of
 * earlier sends, and latency counts from the scheduled time.
 */
async function openLoop(
  name: string,
  send: (scheduled: number) => Promise<Sample>,
  rate: number,
  warmupMs: number,
  runMs: number,
  gw?: GatewayProcess,
): Promise<PhaseResult> {
  const samples: Sample[] = [];
  const pending: Array<Promise<void>> = [];
  const interval = 1000 / rate;
  const start = now() + 20;
  const total = Math.round(((warmupMs + runMs) / 1000) * rate);
  const warmCount = Math.round((warmupMs / 1000) * rate);
  let cpu0: CpuMark | undefined;
  for (let i = 0; i < total; ) {
    const t = now();
    while (i < total && start + i * interval <= t) {
      const scheduled = start + i * interval;
      const counted = i >= warmCount;
      if (i === warmCount) cpu0 = cpuMark(gw?.child.pid);
      pending.push(
        send(scheduled).then((s) => {
          if (counted) samples.push(s);
        }),
      );
      i += 1;
    }
    // setTimeout(1) on Linux wakes every ~1 ms: the schedule slips by at most that, and the slip is
    // charged to the request (latency counts from the scheduled time).
    await sleep(1);
  }
  await Promise.all(pending);
  return summarize(name, samples, runMs / 1000, cpuSince(cpu0 ?? cpuMark(gw?.child.pid), gw?.child.pid, runMs));
}

async function httpOpenLoop(port: number, rate: number, warmupMs: number, runMs: number, gw: GatewayProcess): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  try {
    return await openLoop(`B open loop, ${rate}/s`, (scheduled) => post(port, agent, scheduled), rate, warmupMs, runMs, gw);
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The raw floor

/** One ticket written as storeTicket writes it (same SQL, same encryption), straight through `pg`. */
function floorInserter(pool: Pool): { insert: (startedAt: number) => Promise<Sample>; firstError: () => string | undefined } {
  const v = validateBody(HotlineOrderDto, template);
  if (!v.ok) throw new Error(`template order invalid: ${JSON.stringify(v.fields)}`);
  const base = mapHotlineOrder(v.value);
  const hash = contentHash(v.value);
  let firstError: string | undefined;
  const insert = async (startedAt: number): Promise<Sample> => {
    seq += 1;
    const orderNo = `F${RUN}-${seq}`;
    try {
      await storeTicket(pool, {
        ticket: { ...base, externalId: orderNo, title: `餐馆后厨卫生问题 ${seq}` },
        contentHash: hash,
        rawPayload: { ...template, orderNo },
        actor: 'hotline',
        outbox: (id) => [routeJob(id)],
      });
      return { status: 201, ms: now() - startedAt, at: startedAt };
    } catch (e) {
      // e.g. "too many clients" when other work on the server holds connections: counted, not fatal
      firstError ??= e instanceof Error ? e.message : String(e);
      return { status: 0, ms: now() - startedAt, at: startedAt };
    }
  };
  return { insert, firstError: () => firstError };
}

async function floor(pool: Pool, concurrency: number, warmupMs: number, runMs: number): Promise<PhaseResult> {
  const { insert, firstError } = floorInserter(pool);
  const samples: Sample[] = [];
  const measureFrom = now() + warmupMs;
  const end = measureFrom + runMs;
  let cpu0: CpuMark | undefined;
  const warm = setTimeout(() => (cpu0 = cpuMark()), warmupMs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < end) {
        const t0 = now();
        const s = await insert(t0);
        if (t0 >= measureFrom && now() <= end) samples.push(s);
      }
    }),
  );
  clearTimeout(warm);
  if (firstError() !== undefined) console.log(`floor: first error: ${firstError()}`);
  return summarize(`C raw floor (pg), c=${concurrency}`, samples, runMs / 1000, cpuSince(cpu0 ?? cpuMark(), undefined, runMs));
}

/** The floor at the open-loop rate: the database's own latency tail, to read phase B's against. */
async function floorOpenLoop(pool: Pool, rate: number, warmupMs: number, runMs: number): Promise<PhaseResult> {
  const { insert, firstError } = floorInserter(pool);
  const r = await openLoop(`D raw floor (pg), ${rate}/s`, insert, rate, warmupMs, runMs);
  if (firstError() !== undefined) console.log(`floor: first error: ${firstError()}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Database

async function emptyTables(pool: Pool): Promise<void> {
  await truncateTables(pool, ['tickets', 'ticket_events', 'outbox', 'delivery_attempts', 'inbound_events']);
  await pool.query(`VACUUM ANALYZE tickets, ticket_events, outbox`);
  await pool.query(`CHECKPOINT`);
}

async function checkRows(pool: Pool, expectedAtLeast: number): Promise<string> {
  const { rows } = await pool.query<{ t: number; e: number; o: number }>(
    `SELECT (SELECT count(*)::int FROM tickets) AS t, (SELECT count(*)::int FROM ticket_events) AS e, (SELECT count(*)::int FROM outbox) AS o`,
  );
  const r = rows[0];
  const consistent = r.t === r.e && r.t === r.o && r.t >= expectedAtLeast;
  return `${fmt(r.t)} tickets / ${fmt(r.e)} events / ${fmt(r.o)} outbox rows${consistent ? '' : '  ← MISMATCH'}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const load0 = os.loadavg();
  console.log(`intake bench — ${os.cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  const from = { dist: 'dist/ (npm run build)', build: `${BUILD_DIR}/ (compiled now)`, ts: 'sources (ts-node transpile-only: RSS includes the TypeScript compiler)' }[GATEWAY];
  console.log(`gateway from ${from}, LOG_LEVEL=warn; orders signed inline (hmac-sha256)`);
  console.log(`concurrency ${CONCURRENCY}, ${SECONDS} s per phase after ${WARMUP_SECONDS} s warm-up, open-loop rate ${RATE}/s\n`);

  if (GATEWAY === 'build' && (PHASES.includes('A') || PHASES.includes('B'))) buildInto(BUILD_DIR);
  await ensureDatabase(DB_URL);
  await migrate(DB_URL);
  const pool = new Pool({ connectionString: DB_URL, max: Math.max(FLOOR_POOL, 2), application_name: 'bench-floor' });

  const results: PhaseResult[] = [];
  let peak: { rss: number; peak: number } | undefined;
  const notes: string[] = [];

  if (PHASES.includes('A') || PHASES.includes('B')) {
    await emptyTables(pool);
    const gw = await startGateway({
      source: GATEWAY,
      buildDir: BUILD_DIR,
      env: {
        // not 'production': that mode demands the secrets of the hub's own API, which this bench does not use
        NODE_ENV: undefined,
        DATABASE_URL: DB_URL,
        REDIS_URL: REDIS_URL,
        HUB_HOTLINE_KEYS: KEYS,
        HUB_QUEUE_PREFIX: 'bench-intake',
        HUB_DISABLE_POLLER: 'true',
        LOG_LEVEL: 'warn',
      },
    });
    const memAfterStart = memoryBytes(gw.child.pid);
    let maxRss = 0;
    const sampler = setInterval(() => {
      const m = memoryBytes(gw.child.pid);
      if (m && m.rss > maxRss) maxRss = m.rss;
    }, 100);
    try {
      if (PHASES.includes('A')) {
        const a = await closedLoop(gw.port, CONCURRENCY, WARMUP_SECONDS * 1000, SECONDS * 1000, gw);
        results.push(a);
        notes.push(`after A: ${await checkRows(pool, a.ok)}`);
      }
      if (PHASES.includes('B')) {
        const b = await httpOpenLoop(gw.port, RATE, Math.min(WARMUP_SECONDS, 2) * 1000, SECONDS * 1000, gw);
        results.push(b);
        notes.push(`after B: ${await checkRows(pool, b.ok)}`);
      }
      peak = memoryBytes(gw.child.pid);
      if (peak) peak = { rss: Math.max(peak.rss, maxRss), peak: peak.peak };
      if (memAfterStart) notes.push(`gateway RSS after start ${fmt(memAfterStart.rss / 1048576, 1)} MiB`);
    } finally {
      clearInterval(sampler);
      await stopGateway(gw);
      const out = gw.output().trim();
      if (out) notes.push(`gateway output (last lines):\n${out.split("\n").slice(-5).join('\n')}`);
    }
  }

  if (PHASES.includes('C')) {
    await emptyTables(pool);
    const c = await floor(pool, CONCURRENCY, WARMUP_SECONDS * 1000, SECONDS * 1000);
    results.push(c);
    notes.push(`after C: ${await checkRows(pool, c.ok)}`);
  }
  if (PHASES.includes('D')) {
    await emptyTables(pool);
    const d = await floorOpenLoop(pool, RATE, Math.min(WARMUP_SECONDS, 2) * 1000, SECONDS * 1000);
    results.push(d);
    notes.push(`after D: ${await checkRows(pool, d.ok)}`);
  }
  await pool.end();

  const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
  console.log(
    `${pad('phase', 28)}${lpad('tickets/s', 11)}${lpad('ok', 9)}${lpad('errors', 8)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('max ms', 9)}${lpad('gw CPU', 8)}${lpad('gw µs/req', 11)}${lpad('gen CPU', 9)}${lpad('machine', 9)}`,
  );
  for (const r of results) {
    console.log(
      `${pad(r.name, 28)}${lpad(fmt(r.perSecond), 11)}${lpad(fmt(r.ok), 9)}${lpad(fmt(r.errors), 8)}${lpad(fmt(r.p50, 1), 9)}${lpad(fmt(r.p99, 1), 9)}${lpad(fmt(r.max, 1), 9)}` +
        `${lpad(r.gatewayCpu === undefined ? '-' : `${Math.round(r.gatewayCpu * 100)}%`, 8)}` +
        `${lpad(r.gatewayCpu === undefined || r.ok === 0 ? '-' : fmt((r.gatewayCpu * 1e6) / r.perSecond), 11)}` +
        `${lpad(`${Math.round(r.loadgenCpu * 100)}%`, 9)}${lpad(r.machineBusy === undefined ? '-' : `${Math.round(r.machineBusy * 100)}%`, 9)}`,
    );
    if (r.errors > 0) console.log(`  statuses: ${JSON.stringify(r.statuses)}`);
    if (r.worstSeconds) console.log(`  worst seconds: ${r.worstSeconds}`);
  }
  const a = results.find((r) => r.name.startsWith('A'));
  const b = results.find((r) => r.name.startsWith('B'));
  const c = results.find((r) => r.name.startsWith('C'));
  console.log('');
  if (a && c) console.log(`API / raw floor: ${(a.perSecond / c.perSecond).toFixed(2)}  (${fmt(a.perSecond)} / ${fmt(c.perSecond)} tickets/s; ${fmt(c.perSecond * 3)} rows/s on the floor)`);
  if (peak) console.log(`gateway peak RSS: ${fmt(peak.peak / 1048576, 1)} MiB (VmHWM)`);
  for (const n of notes) console.log(n);
  const load1 = os.loadavg();
  console.log(`load average at the end ${load1.map((l) => l.toFixed(2)).join(' ')}`);
  console.log('\ntargets:');
  if (a) console.log(`  ≥ 1,000 tickets/s through HTTP ............ ${a.perSecond >= 1000 ? 'met' : 'MISSED'} (${fmt(a.perSecond)})`);
  if (a && c) console.log(`  ≥ half the raw floor ...................... ${a.perSecond >= c.perSecond / 2 ? 'met' : 'MISSED'} (${(a.perSecond / c.perSecond).toFixed(2)})`);
  if (b) console.log(`  p99 < 50 ms at ${RATE}/s ...................... ${b.p99 < 50 && b.errors === 0 ? 'met' : 'MISSED'} (${fmt(b.p99, 1)} ms)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
