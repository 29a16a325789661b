/**
 * Open311 bench (docs/open311.md): GET requests with 1,000 results against 1 million Open311
 * tickets, and POST requests against hotline intake on the same gateway, database and run.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/open311.bench.ts
 *
 * Seed     BENCH_TICKETS (1,000,000) Open311 tickets made by PostgreSQL itself (generate_series, in
 *          batches of 100,000) in the bench's own database, received over the last 365 days, with
 *          a resolve clock for every second one and a reply for every tenth; kept between runs (only
 *          the missing ones are added), so a second run starts at once. About 1 GB on disk.
 * Phase G  GET requests, one client then 4 in parallel: the default window (last 90 days, newest
 *          1,000) in JSON and XML, a status+service_code filter, and a filter that matches few rows.
 *          Every answer is checked to hold what it should (1,000 requests where expected).
 * Phase P  POST, closed loop at BENCH_CONCURRENCY: signed hotline orders (the intake bench's path)
 *          and Open311 form requests (api_key, device_id: the idempotency lookup included), in
 *          alternating rounds of BENCH_SECONDS so both see the same machine.
 * The gateway runs from the sources (ts-node transpile-only) as its own process; the router and the
 * notifier are not started (as in bench/intake). The machine is shared: the load average is printed.
 * Targets: GET with 1,000 results < 100 ms (p50 and p99 of one client); POST at hotline intake's rate.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { parseKeyRing, signRequest } from '@hub/connectors/signing';
import { activeDirectory, ensureDatabase, importDirectory, migrate, createDataSource } from '@hub/store';
import { hotlineOrder } from '../test/factories/tickets.factory';
import { cpuSeconds, percentile } from './support/processes';
import { startGateway, stopGateway } from './support/gateway-process';
import { truncateTables } from './support/bench-db';

const ROOT = path.resolve(__dirname, '..');
const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_bench_open311';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const GET_SAMPLES = Number(process.env.BENCH_GET_SAMPLES ?? 40);
const BATCH = 100_000;
const PHASES = (process.env.BENCH_PHASES ?? 'GP').toUpperCase();
const HOTLINE_KEYS = 'bench-hk:bench-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const HOTLINE_KEY = parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS).signingKey!;
const OPEN311_KEY = 'bench-open311-key-0123456789abcdef';
const RUN = Date.now().toString(36);
const CATEGORIES = ['0101', '0102', '0103', '0104'];

const now = (): number => performance.now();
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Adds the missing bench tickets (with clocks and replies) in batches; one statement per batch. */
async function seed(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE source = 'open311' AND external_id LIKE 'bench:%'`);
  let have = rows[0].n;
  if (have >= TICKETS) return console.log(`seed: ${fmt(have)} bench tickets already there`);
  const t0 = now();
  while (have < TICKETS) {
    const to = Math.min(TICKETS, have + BATCH);
    await pool.query(
      `WITH t AS (
         INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, category_code, title, content, citizen,
           region_code, location, urgency, complex, attachments, received_at, created_at, updated_at, raw_payload, state, unit_code)
         SELECT gen_random_uuid(), 'open311', 'request', 'bench:' || i, md5(i::text), 'request', 'open311', ($3::text[])[1 + i % 4],
           '市容环境：人行道地砖破损 ' || i, '人行道地砖破损，行人容易绊倒。编号 ' || i, '{"anonymous": true, "confidential": false}'::jsonb,
           (ARRAY['310101','310104','310115'])[1 + i % 3],
           jsonb_build_object('regionCode', (ARRAY['310101','310104','310115'])[1 + i % 3], 'address', '某路' || i || '号', 'lat', 31.2 + (i % 1000) / 10000.0, 'lng', 121.4),
           'normal', false, '[]'::jsonb, at, at, at + interval '1 hour',
           jsonb_build_object('description', '人行道地砖破损，行人容易绊倒。编号 ' || i, 'address_id', NULL, 'citizen', jsonb_build_object('name', NULL)),
           (ARRAY['dispatched','signed','replied','closed','accepted'])[1 + i % 5], (ARRAY['310104-MARKET','310104-GOV'])[1 + i % 2]
         FROM generate_series($1::int, $2::int) AS i, LATERAL (SELECT now() - (i % 365) * interval '1 day' - (i % 86400) * interval '1 second' AS at) x
         RETURNING id, received_at, external_id),
       c AS (
         INSERT INTO ticket_clocks (ticket_id, type, policy_id, state, started_at, due, due_date, warn_at)
         SELECT id, 'resolve', 'bench', 'running', received_at, received_at + interval '7 days', (received_at + interval '7 days')::date, received_at + interval '6 days'
         FROM t WHERE substr(external_id, 7)::int % 2 = 0)
       INSERT INTO work_order_replies (ticket_id, unit_code, report, reply_points, replied_by, created_at)
       SELECT id, '310104-MARKET', '已修复', '已安排维修，地砖已更换。', 'bench', received_at + interval '2 days' FROM t WHERE substr(external_id, 7)::int % 10 = 2`,
      [have + 1, to, CATEGORIES],
    );
    have = to;
    process.stdout.write(`seed: ${fmt(have)} / ${fmt(TICKETS)} (${((now() - t0) / 1000).toFixed(0)} s)\r`);
  }
  await pool.query(`VACUUM ANALYZE tickets, ticket_clocks, work_order_replies`);
  console.log(`\nseed: done in ${((now() - t0) / 1000).toFixed(0)} s`);
}

interface Sample {
  status: number;
  ms: number;
  bytes: number;
}

function request(port: number, agent: http.Agent, method: string, p: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Sample> {
  const t = now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (method === 'GET') chunks.push(c);
      });
      res.on('end', () => {
        const s: Sample & { text?: string } = { status: res.statusCode ?? 0, ms: now() - t, bytes };
        if (method === 'GET') s.text = Buffer.concat(chunks).toString('utf8');
        resolve(s);
      });
    });
    req.on('error', () => resolve({ status: 0, ms: now() - t, bytes: 0 }));
    req.end(body);
  });
}

const line = (name: string, s: Sample[], extra = ''): string => {
  const ms = s.map((x) => x.ms).sort((a, b) => a - b);
  return `${name.padEnd(58)} n=${String(s.length).padStart(5)}  p50 ${fmt(percentile(ms, 50), 1).padStart(6)} ms  p99 ${fmt(percentile(ms, 99), 1).padStart(6)} ms  max ${fmt(ms[ms.length - 1], 1).padStart(6)} ms${extra}`;
};

/** GETs `p` `n` times from `parallel` clients; checks every answer holds `expect` requests. */
async function gets(port: number, p: string, n: number, parallel: number, expectCount?: number): Promise<Sample[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const out: Sample[] = [];
  const check = (s: Sample & { text?: string }): void => {
    if (s.status !== 200) throw new Error(`${p} answered ${s.status}: ${s.text?.slice(0, 300)}`);
    if (expectCount !== undefined) {
      const count = p.includes('.json') ? (JSON.parse(s.text ?? '[]') as unknown[]).length : (s.text?.match(/<request>/g) ?? []).length;
      if (count !== expectCount) throw new Error(`${p} held ${count} requests, not ${expectCount}`);
    }
  };
  for (let i = 0; i < 10; i++) check(await request(port, agent, 'GET', p));
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < n) {
        const s = await request(port, agent, 'GET', p);
        check(s);
        out.push(s);
      }
    }),
  );
  agent.destroy();
  return out;
}

let seq = 0;
const template = hotlineOrder();
function hotlineBody(): { body: Buffer; headers: Record<string, string> } {
  seq += 1;
  const body = Buffer.from(JSON.stringify({ ...template, orderNo: `B${RUN}-${seq}`, title: `餐馆后厨卫生问题 ${seq}` }), 'utf8');
  return { body, headers: { ...signRequest(HOTLINE_KEY, 'POST', '/connectors/hotline/orders', body, new Date()), 'content-type': 'application/json' } };
}
function open311Body(): { body: Buffer; headers: Record<string, string> } {
  seq += 1;
  const form = new URLSearchParams({
    api_key: OPEN311_KEY,
    jurisdiction_id: '310000',
    service_code: '0101',
    address_string: '上海市徐汇区某路1号',
    description: `某餐馆后厨卫生条件差，存在食品安全隐患。${RUN}-${seq}`,
    first_name: '小明',
    last_name: '王',
    phone: '13800138000',
    device_id: `bench-device-${seq % 1000}`,
  });
  return { body: Buffer.from(form.toString(), 'utf8'), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

async function closedLoop(port: number, p: string, make: () => { body: Buffer; headers: Record<string, string> }): Promise<{ samples: Sample[]; seconds: number; sent: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const samples: Sample[] = [];
  let sent = 0;
  const warmEnd = now() + 1000;
  const end = warmEnd + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (now() < end) {
        const { body, headers } = make();
        const s = await request(port, agent, 'POST', p, body, headers);
        sent += 1;
        if (now() > warmEnd) samples.push(s);
      }
    }),
  );
  agent.destroy();
  return { samples, seconds: SECONDS, sent };
}

async function main(): Promise<void> {
  console.log(`open311 bench — ${os.cpus().length} cores (shared machine), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  await ensureDatabase(DB_URL);
  await migrate(DB_URL);
  const pool = new Pool({ connectionString: DB_URL, max: 2, application_name: 'bench-open311' });
  const ds = createDataSource({ url: DB_URL, poolSize: 1, prepared: false });
  await ds.initialize();
  if (!(await activeDirectory(ds))) {
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'data/shanghai-directory.json'), 'utf8')) as unknown;
    const r = await importDirectory(ds, doc, 'bench', true);
    if (!r.ok) throw new Error('directory rejected');
  }
  await ds.destroy();
  // What earlier POST phases added is removed, so every run reads the same million.
  await truncateTables(pool, ['ticket_events', 'outbox', 'inbound_events']);
  await pool.query(`DELETE FROM tickets WHERE NOT (source = 'open311' AND external_id LIKE 'bench:%')`);
  await seed(pool);
  const { rows } = await pool.query<{ all: number; open311: number; window: number }>(
    `SELECT count(*)::int AS all, count(*) FILTER (WHERE source = 'open311')::int AS open311,
            count(*) FILTER (WHERE source = 'open311' AND received_at > now() - interval '90 days')::int AS window FROM tickets`,
  );
  console.log(`tickets: ${fmt(rows[0].all)} (${fmt(rows[0].open311)} open311, ${fmt(rows[0].window)} in the default 90-day window)\n`);

  const gw = await startGateway({
    source: 'ts',
    buildDir: '',
    env: {
      NODE_ENV: undefined,
      DATABASE_URL: DB_URL,
      REDIS_URL,
      HUB_HOTLINE_KEYS: HOTLINE_KEYS,
      HUB_OPEN311_KEYS: OPEN311_KEY,
      HUB_QUEUE_PREFIX: 'bench-open311',
      HUB_DISABLE_POLLER: 'true',
      HUB_RATE_LIMIT_OPEN311_PER_MIN: '10000000',
      HUB_RATE_LIMIT_OPEN311_READ_PER_MIN: '10000000',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    if (PHASES.includes('G')) await phaseG(gw.port, gw.child.pid);
    if (PHASES.includes('P')) await phaseP(gw.port, gw.child.pid);
  } finally {
    await stopGateway(gw);
    await pool.end();
  }
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

/**
 * Besides wall time (inflated by whatever else runs on the shared machine), the gateway's own CPU
 * per request, from /proc: a figure the neighbours' load does not change.
 */
async function phaseG(port: number, pid: number | undefined): Promise<void> {
  console.log('Phase G — GET requests (1,000 results where marked); gateway CPU per request from /proc');
  const base = '/open311/v2';
  const since = encodeURIComponent(new Date(Date.now() - 30 * 86_400_000).toISOString());
  const variants: Array<[string, string, number, number | undefined]> = [
    ['requests.json (90 days, newest 1,000) ×1 client', `${base}/requests.json`, 1, 1000],
    ['requests.xml  (90 days, newest 1,000) ×1 client', `${base}/requests.xml`, 1, 1000],
    ['requests.json?status=open&service_code=0101 ×1 client', `${base}/requests.json?status=open&service_code=0101`, 1, 1000],
    ['requests.json (90 days, newest 1,000) ×4 clients', `${base}/requests.json`, 4, 1000],
    ['requests.json?status=closed&service_code=0102&start_date=-30d', `${base}/requests.json?status=closed&service_code=0102&start_date=${since}`, 1, undefined],
  ];
  for (const [name, p, parallel, expected] of variants) {
    const cpu0 = cpuSeconds(pid);
    const s = await gets(port, p, GET_SAMPLES * parallel, parallel, expected);
    const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / (s.length + 10);
    console.log(line(name, s, `  gateway CPU ${fmt(cpuMs, 1)} ms/req`));
  }
}

async function phaseP(port: number, pid: number | undefined): Promise<void> {
  const base = '/open311/v2';
  console.log(`\nPhase P — POST, closed loop, ${CONCURRENCY} clients, ${ROUNDS} alternating rounds of ${SECONDS} s; gateway CPU per request from /proc`);
  const total = { hotline: [] as Sample[], open311: [] as Sample[] };
  const cpu = { hotline: 0, open311: 0 };
  for (let r = 1; r <= ROUNDS; r++) {
    for (const [name, p, make] of [
      ['hotline', '/connectors/hotline/orders', hotlineBody],
      ['open311', `${base}/requests.json`, open311Body],
    ] as const) {
      const cpu0 = cpuSeconds(pid);
      const { samples, seconds, sent } = await closedLoop(port, p, make);
      const used = cpuSeconds(pid) - cpu0;
      cpu[name] += used;
      const ok = samples.filter((s) => s.status === 201 || s.status === 200);
      total[name].push(...samples);
      const bad = samples.length - ok.length;
      const notes = `  gateway CPU ${fmt((used * 1000) / sent, 2)} ms/req${bad ? `  (${bad} not 2xx: ${[...new Set(samples.filter((s) => s.status >= 300 || s.status === 0).map((s) => s.status))].join(',')})` : ''}`;
      console.log(line(`round ${r} ${name.padEnd(8)} ${fmt(ok.length / seconds)}/s`, samples, notes));
    }
  }
  const rate = (s: Sample[]): number => s.filter((x) => x.status === 201 || x.status === 200).length / (ROUNDS * SECONDS);
  console.log(`\nPOST throughput: hotline ${fmt(rate(total.hotline))}/s, open311 ${fmt(rate(total.open311))}/s (${fmt((100 * rate(total.open311)) / rate(total.hotline))} % of hotline)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
