import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Starts one built app (`npm run build` first) as a child process and waits for its /health. */
export async function startApp(app: 'gateway' | 'router' | 'notifier', env: Record<string, string>, healthPort: number): Promise<ChildProcess> {
  const entry = path.resolve(__dirname, `../../dist/apps/${app}/src/main.js`);
  // BENCH_CPU_PROF=router (or a comma list of apps) writes a V8 CPU profile of those apps into bench/profiles/ on exit.
  const prof = (process.env.BENCH_CPU_PROF ?? '').split(',').includes(app) ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(__dirname, '../profiles')}`] : [];
  const child = spawn(process.execPath, [...prof, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${healthPort}/health`);
      if (r.ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${app} did not become healthy`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Peak resident memory of a process from /proc (Linux), in MiB. */
export function peakRssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
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
