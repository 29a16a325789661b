import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Starts one built app (`npm run build` first) as a child process and waits for its /health. */
export async function startApp(app: 'gateway' | 'router' | 'notifier', env: Record<string, string>, healthPort: number): Promise<ChildProcess> {
  const entry = path.resolve(__dirname, `../../dist/apps/${app}/src/main.js`);
  // BENCH_CPU_PROF=router (or a comma list of apps) writes a V8 CPU profile of those apps into bench/profiles/ on exit.
  const prof = (process.env.BENCH_CPU_PROF ?? '').split(',').includes(app) ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(__dirname, '../profiles')}`] : [];
  const child = spawn(process.execPath, [...prof, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitHealthy(child, healthPort, 60_000, () => app);
  return child;
}

/** Waits for a child's /health to answer 200; throws (with `describe()`) if it exits or takes longer than `timeoutMs`. */
export async function waitHealthy(child: ChildProcess, port: number, timeoutMs: number, describe: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${describe()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > end) throw new Error(`not healthy within ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Peak resident memory of a process from /proc (Linux), in MiB. */
export function peakRssMiB(pid: number | undefined): number | undefined {
  const m = memoryBytes(pid);
  return m ? Math.round(m.peak / 1048576) : undefined;
}

/** Resident memory of a process now, in MiB. */
export function rssMiB(pid: number | undefined): number | undefined {
  const m = memoryBytes(pid);
  return m ? m.rss / 1048576 : undefined;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 if it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. all PostgreSQL backends). */
export function cpuSecondsByName(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) total += cpuSeconds(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine (/proc/stat), to show how much of it was in use. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Where a measurement starts: a process's CPU, this process's, the machine's. */
export interface CpuMark {
  pidSeconds?: number;
  self: NodeJS.CpuUsage;
  machine?: { busy: number; total: number };
}

export interface CpuShares {
  /** the measured process, in fractions of one core */
  pid?: number;
  /** this process (the load generator), in fractions of one core */
  self: number;
  /** fraction of all cores busy, whoever used them (other work on the machine included) */
  machine?: number;
}

export function cpuMark(pid?: number): CpuMark {
  return { pidSeconds: pid === undefined ? undefined : cpuSeconds(pid), self: process.cpuUsage(), machine: machineTicks() };
}

/** CPU used since `mark` over `runMs`, as fractions of one core (a process's from /proc, in 10 ms ticks). */
export function cpuSince(mark: CpuMark, pid: number | undefined, runMs: number): CpuShares {
  const used = process.cpuUsage(mark.self);
  const seconds = pid === undefined ? undefined : cpuSeconds(pid);
  const share = seconds === undefined || mark.pidSeconds === undefined ? undefined : (seconds - mark.pidSeconds) / (runMs / 1000);
  const m = machineTicks();
  const machine = m && mark.machine ? (m.busy - mark.machine.busy) / Math.max(1, m.total - mark.machine.total) : undefined;
  return { self: (used.user + used.system) / 1000 / runMs, pid: share, machine };
}

/** Resident memory now and at its peak, in bytes, from /proc (Linux). */
export function memoryBytes(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return undefined;
  }
}
