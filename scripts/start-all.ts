import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * `npm start`: the whole hub in one terminal: gateway, router and notifier as processes (each can
 * also be started alone and scaled out). HUB_REPLICAS runs several of each (docs/reliability.md#replicas):
 * `2` for two of every app, or `gateway:1,router:2,notifier:3`; replica k (from 0) listens on its
 * app's port + 10·k. A signal stops them all gracefully; if one dies, the others are stopped too so
 * a supervisor sees the failure.
 */
const apps = ['gateway', 'router', 'notifier'] as const;
type App = (typeof apps)[number];
const PORT_VAR: Record<App, [string, number]> = { gateway: ['PORT', 3000], router: ['ROUTER_PORT', 3001], notifier: ['NOTIFIER_PORT', 3002] };
const children: ChildProcess[] = [];
let stopping = false;

/** `2` or `gateway:1,router:2,notifier:3` (apps not named: 1); exits with a message naming the variable otherwise. */
export function parseReplicas(raw: string | undefined): Record<App, number> {
  const out: Record<App, number> = { gateway: 1, router: 1, notifier: 1 };
  const bad = (why: string): never => {
    console.error(JSON.stringify({ level: 'fatal', app: 'start-all', msg: `HUB_REPLICAS: ${why}` }));
    process.exit(1);
  };
  const count = (s: string): number => (/^[1-9]\d?$/.test(s.trim()) ? Number(s) : bad(`"${s}" is not a count from 1 to 99`));
  if (raw === undefined || raw.trim() === '') return out;
  if (!raw.includes(':')) return { gateway: count(raw), router: count(raw), notifier: count(raw) };
  for (const part of raw.split(',')) {
    const [name, n] = part.split(':').map((x) => x.trim());
    if (!(apps as readonly string[]).includes(name)) bad(`"${name}" is not an app (gateway, router, notifier)`);
    out[name as App] = count(n ?? '');
  }
  return out;
}

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 15_000).unref();
  let left = children.filter((c) => c.exitCode === null).length;
  if (left === 0) process.exit(code);
  for (const c of children) c.once('exit', () => --left === 0 && process.exit(code));
}

if (require.main === module) {
  const replicas = parseReplicas(process.env.HUB_REPLICAS);
  for (const app of apps) {
    const entry = path.resolve(__dirname, `../apps/${app}/src/main.js`);
    const [portVar, fallback] = PORT_VAR[app];
    const base = Number(process.env[portVar] ?? fallback);
    for (let k = 0; k < replicas[app]; k++) {
      const env = { ...process.env, [portVar]: String(base + 10 * k) };
      const child = spawn(process.execPath, [entry], { stdio: 'inherit', env });
      child.on('exit', (code, signal) => {
        if (!stopping) {
          console.error(JSON.stringify({ level: 'fatal', app: 'start-all', msg: `${app} #${k + 1} exited (${signal ?? code}); stopping the hub` }));
          stopAll(code || 1);
        }
      });
      children.push(child);
    }
  }
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}
