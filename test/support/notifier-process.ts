/**
 * The notifier as a real child process (apps/notifier/src/main.ts through ts-node, no build), for
 * what an in-process app cannot show: a SIGKILL in the middle of deliveries, and a bench where the
 * notifier does not share its event loop with the fake target.
 */
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface NotifierProcess {
  child: ChildProcess;
  port: number;
  /** stderr so far (fatal boot errors land here) */
  stderr(): string;
  /** SIGKILL: no shutdown hook runs, in-flight jobs stay "active" in Redis */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = a !== null && typeof a === 'object' ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A child notifier's environment for the hotline at `hotlineUrl`, with the test configuration's
 * fast retries and requeue (test/support/harness.ts testConfig) and its own queue prefix.
 */
export function hotlineNotifierEnv(o: { prefix: string; hotlineKeys: string; hotlineUrl: string }): Record<string, string | undefined> {
  return {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    HUB_QUEUE_PREFIX: o.prefix,
    LOG_LEVEL: 'silent',
    HUB_HOTLINE_URL: o.hotlineUrl,
    HUB_HOTLINE_KEYS: o.hotlineKeys,
    HUB_DELIVERY_BACKOFF_BASE_MS: '50',
    HUB_DELIVERY_BACKOFF_MAX_MS: '400',
    HUB_DELIVERY_TIMEOUT_MS: '2000',
    HUB_RELAY_INTERVAL_MS: '50',
    HUB_RELAY_REQUEUE_AFTER_MS: '1500',
  };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the notifier with these variables (on top of this process's) and waits for its /health. */
export async function startNotifierProcess(env: Record<string, string | undefined>, timeoutMs = 90_000): Promise<NotifierProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(ROOT, 'apps/notifier/src/main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), NOTIFIER_PORT: String(port), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    // Bounded: a chatty child must not grow the test's memory.
    err = (err + c.toString('utf8')).slice(-20_000);
  });
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`notifier exited (${child.exitCode ?? child.signalCode}): ${err}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`notifier did not become healthy within ${timeoutMs} ms: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    port,
    stderr: () => err,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
