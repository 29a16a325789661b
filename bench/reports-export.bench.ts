/**
 * The gateway's memory while it exports a long drill-down as xlsx (docs/reports.md "Exports"): the
 * built gateway (`npm run build` first) on the reports bench's database (bench/reports.bench.ts,
 * BENCH_KEEP=1), asked for `format=xlsx` of a list of hundreds of thousands of tickets, read once as
 * fast as possible and once by a slow reader; its resident memory sampled every 100 ms.
 *
 *   BENCH_DB=hub_reports_5m npx ts-node -r tsconfig-paths/register --transpile-only bench/reports-export.bench.ts
 *
 * Env: BENCH_DB (hub_bench_reports), BENCH_PORT (3870), BENCH_REDIS_URL, BENCH_FIGURE (resolve.late),
 * BENCH_PERIOD (A2026), BENCH_SLOW_KIB_S (the slow reader's pace, 2048 KiB/s), BENCH_GATEWAY_HEAP_MB (the
 * gateway's --max-old-space-size; unset: Node's default).
 */
import { execSync } from 'node:child_process';
import { JwtService } from '@nestjs/jwt';
import { generateSecrets } from '../libs/common/src/secrets';
import { rssMiB, startApp } from './support/processes';

const DB = `postgres://postgres@127.0.0.1:5432/${process.env.BENCH_DB ?? 'hub_bench_reports'}`;
const PORT = Number(process.env.BENCH_PORT ?? 3870);
const FIGURE = process.env.BENCH_FIGURE ?? 'resolve.late';
const PERIOD = process.env.BENCH_PERIOD ?? 'A2026';
const SLOW = Number(process.env.BENCH_SLOW_KIB_S ?? 2048) * 1024;
const HEAP_MB = Number(process.env.BENCH_GATEWAY_HEAP_MB ?? 0);

const rss = (pid: number): number => rssMiB(pid) ?? NaN;

async function exportOnce(pid: number, url: string, token: string, slow: boolean): Promise<string> {
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 100);
  const before = rss(pid);
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    // the slow reader: no more than SLOW bytes per second
    if (slow) await new Promise((r) => setTimeout(r, (value.byteLength / SLOW) * 1000));
  }
  clearInterval(sampler);
  peak = Math.max(peak, rss(pid));
  return `${slow ? `slow reader (${SLOW / 1024} KiB/s)` : 'fast reader'}: ${(bytes / 1048576).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s; gateway RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const secrets = generateSecrets();
  const env = {
    ...secrets,
    DATABASE_URL: DB,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/4',
    HUB_QUEUE_PREFIX: 'bench-export',
    LOG_LEVEL: 'warn',
    HUB_DISABLE_POLLER: 'true',
    HUB_RATE_LIMIT_ENABLED: 'false',
    PORT: String(PORT),
    ROUTER_PORT: String(PORT + 1),
    NOTIFIER_PORT: String(PORT + 2),
    // a capped heap: the export must finish inside it if its memory is bounded, whatever the GC's laziness
    ...(HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } : {}),
  };
  const gateway = await startApp('gateway', env, PORT);
  try {
    const token = await new JwtService({ secret: secrets.HUB_JWT_SECRET }).signAsync({ sub: 'bench', role: 'supervisor', name: 'bench' }, { algorithm: 'HS256', issuer: 'hub', expiresIn: 3600 });
    const url = `http://127.0.0.1:${PORT}/office/reports/tickets?period=${PERIOD}&figure=${FIGURE}&format=xlsx`;
    console.log(`uptime: ${execSync('uptime').toString().trim()}`);
    console.log(`export ${url}`);
    console.log(`  ${await exportOnce(gateway.pid!, url, token, false)}`);
    console.log(`  ${await exportOnce(gateway.pid!, url, token, true)}`);
    console.log(`uptime: ${execSync('uptime').toString().trim()}`);
  } finally {
    gateway.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
