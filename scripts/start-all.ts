import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * `npm start`: the whole hub in one terminal: gateway, router and notifier as three processes
 * (each can also be started alone and scaled out). A signal stops all three gracefully; if one
 * dies, the others are stopped too so a supervisor sees the failure.
 */
const apps = ['gateway', 'router', 'notifier'];
const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 15_000).unref();
  let left = children.filter((c) => c.exitCode === null).length;
  if (left === 0) process.exit(code);
  for (const c of children) c.once('exit', () => --left === 0 && process.exit(code));
}

for (const app of apps) {
  const entry = path.resolve(__dirname, `../apps/${app}/src/main.js`);
  const child = spawn(process.execPath, [entry], { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(JSON.stringify({ level: 'fatal', app: 'start-all', msg: `${app} exited (${signal ?? code}); stopping the hub` }));
      stopAll(code || 1);
    }
  });
  children.push(child);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
