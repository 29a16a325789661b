/**
 * The chaos bench's own servers and apps (docs/reliability.md#the-chaos-bench): a PostgreSQL
 * initialised into a temporary directory and a redis-server, each on a private port, so that they
 * can be restarted, wiped, paused and killed without touching the machine's shared servers; and the
 * hub's apps as separate processes, run from a build made for the run (tsc without type checking,
 * seconds) so that a restarted app is back in a second or two.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '../../..');
const PG_BIN = process.env.CHAOS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Compiles apps and libs into node_modules/.cache (module resolution finds node_modules from there). */
export function buildApps(): string {
  const out = path.join(ROOT, 'node_modules/.cache', `hub-chaos-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  for (const args of [
    ['tsc', '-p', 'tsconfig.build.json', '--noCheck', '--outDir', out],
    ['tsc-alias', '-p', 'tsconfig.build.json', '--outDir', out],
  ]) {
    const r = spawnSync('nice', ['-n', '10', path.join(ROOT, 'node_modules/.bin', args[0]), ...args.slice(1)], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) {
      rmSync(out, { recursive: true, force: true });
      throw new Error(`${args[0]} failed (${r.status})`);
    }
  }
  return out;
}

/** PostgreSQL 15 of its own: initdb into a temporary directory, run as the postgres user. */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(port: number): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-chaos-pg-'));
    chownSync(dir, uidOf('postgres'), gidOf('postgres'));
    asPostgres([`${PG_BIN}/initdb`, '-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    const pg = new PrivatePostgres(port, dir);
    pg.ctl('start');
    await pg.ready();
    return pg;
  }

  /**
   * A hot standby of `primary` streaming from it (`pg_basebackup -R`: the replica's configuration
   * names the primary and it starts in standby mode). PostgreSQL 15's initdb already allows
   * replication from loopback with trust and runs wal_level=replica.
   */
  static async startReplica(primary: PrivatePostgres, port: number): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-replica-pg-'));
    chownSync(dir, uidOf('postgres'), gidOf('postgres'));
    asPostgres([`${PG_BIN}/pg_basebackup`, '-D', `${dir}/data`, '-R', '-X', 'stream', '-c', 'fast', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '--no-sync']);
    const pg = new PrivatePostgres(port, dir);
    pg.ctl('start');
    await pg.ready();
    return pg;
  }

  /** Stops the server and keeps its data (start it again with `boot()`). */
  halt(): void {
    this.ctl('stop', 'immediate');
  }

  async boot(): Promise<void> {
    this.ctl('start');
    await this.ready();
  }

  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  /** As `pg_ctlcluster … restart` does: a fast shutdown (connections cut), then a start. */
  async restart(): Promise<void> {
    this.ctl('restart');
    await this.ready();
  }

  /** pg_terminate_backend of every connection to `db` (this cluster's only). */
  async terminateBackends(db: string): Promise<number> {
    const c = new Client({ connectionString: this.url() });
    await c.connect();
    try {
      const r = await c.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [db]);
      return (r.rows[0] as { n: number }).n;
    } finally {
      await c.end();
    }
  }

  stop(): void {
    try {
      this.ctl('stop', 'immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private ctl(what: 'start' | 'restart' | 'stop', mode = 'fast'): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off -c shared_buffers=128MB`;
    asPostgres([`${PG_BIN}/pg_ctl`, what, '-D', `${this.dir}/data`, '-m', mode, '-w', '-t', '120', '-l', `${this.dir}/log`, ...(what === 'stop' ? [] : ['-o', opts])]);
  }

  private async ready(): Promise<void> {
    for (let i = 0; ; i++) {
      const c = new Client({ connectionString: this.url() });
      try {
        await c.connect();
        await c.end();
        return;
      } catch (e) {
        await c.end().catch(() => undefined);
        if (i > 300) throw e;
        await sleep(100);
      }
    }
  }
}

/** A redis-server of its own, without persistence: a restart comes back empty. */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      try {
        await this.command((r) => r.ping());
        return;
      } catch (e) {
        if (i > 100) throw e;
        await sleep(100);
      }
    }
  }

  /** SIGKILL and a fresh, empty start on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise((r) => {
      c.once('exit', r);
      c.kill('SIGKILL');
    });
  }

  flushAll(): Promise<unknown> {
    return this.command((r) => r.flushall());
  }

  /** CLIENT PAUSE for `ms` (every command, writes and reads). */
  pause(ms: number): Promise<unknown> {
    return this.command((r) => r.call('CLIENT', 'PAUSE', String(ms), 'ALL'));
  }

  async command<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    r.on('error', () => undefined); // the command's own rejection says it
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }
}

export type AppName = 'gateway' | 'router' | 'notifier';

/** One app process of the hub; killed, stopped, continued and started again by the faults. */
export class AppProcess {
  private child?: ChildProcess;
  /** extra variables of the next start (a stepped clock) */
  overrides: Record<string, string> = {};

  constructor(
    readonly name: string,
    readonly app: AppName,
    readonly port: number,
    private readonly build: string,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const portVar = this.app === 'gateway' ? 'PORT' : this.app === 'router' ? 'ROUTER_PORT' : 'NOTIFIER_PORT';
    mkdirSync(this.logDir, { recursive: true });
    const log = openSync(path.join(this.logDir, `${this.name}.log`), 'a');
    this.child = spawn(process.execPath, [path.join(this.build, `apps/${this.app}/src/main.js`)], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, [portVar]: String(this.port), ...this.overrides },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    // patient: on a machine loaded by others an app may take minutes to boot (a bound on work, not speed)
    const end = Date.now() + 600_000;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited at start (see ${this.logDir}/${this.name}.log)`);
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > end) throw new Error(`${this.name} did not become healthy`);
      await sleep(150);
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child!.kill(sig);
  }

  async kill(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    await new Promise((r) => {
      c.once('exit', r);
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    });
  }

  /** SIGTERM and wait (a graceful stop), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    c.kill('SIGCONT');
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  }
}

/**
 * Memory of every postgres process whose data directory is `dir` (the postmaster and its backends),
 * in MiB: the sum of their PSS, so that shared buffers count once, not once per backend.
 */
export function postgresRssMiB(dir: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!isDescendantOrSelf(Number(entry), dir)) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8'));
      total += m ? Number(m[1]) / 1024 : 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

function isDescendantOrSelf(pid: number, dir: string): boolean {
  try {
    const pmPid = Number(readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
    if (pid === pmPid) return true;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pmPid;
  } catch {
    return false;
  }
}

function asPostgres(cmd: string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', ...cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr || r.stdout}`);
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
