/**
 * Private Redis servers for the topology tests (never the shared one): a three-master Redis
 * Cluster, or one master watched by one sentinel, started from Debian's redis-server on loopback
 * ports given by the test and stopped by it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { eventually } from './harness';

const run = promisify(execFile);

export interface RedisServers {
  ports: number[];
  stop(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } finally {
    r.disconnect();
  }
}

function start(dir: string, args: string[]): ChildProcess {
  return spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
}

async function stopAll(children: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

/** Three masters, the 16384 slots spread by `redis-cli --cluster create`; resolves once the cluster says ok. */
export async function startRedisCluster(ports: [number, number, number]): Promise<RedisServers> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-redis-cluster-'));
  const children = ports.map((p) => start(dir, ['--port', String(p), ...COMMON, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${p}.conf`, '--dir', dir]));
  try {
    for (const p of ports) await eventually(() => answers(p), 30_000, 100);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const p of ports) {
      await eventually(async () => (await run('redis-cli', ['-p', String(p), 'cluster', 'info'])).stdout.includes('cluster_state:ok'), 30_000, 100);
    }
  } catch (e) {
    await stopAll(children, dir);
    throw e;
  }
  return { ports, stop: () => stopAll(children, dir) };
}

/** One master and one sentinel that monitors it as `name` (quorum 1); resolves once the sentinel names the master. */
export async function startRedisSentinel(masterPort: number, sentinelPort: number, name: string): Promise<RedisServers> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-redis-sentinel-'));
  const children = [start(dir, ['--port', String(masterPort), ...COMMON, '--dir', dir])];
  try {
    await eventually(() => answers(masterPort), 30_000, 100);
    // a sentinel rewrites its configuration file: it needs one of its own
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, `port ${sentinelPort}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} 127.0.0.1 ${masterPort} 1\n`);
    children.push(start(dir, [conf, '--sentinel']));
    await eventually(async () => {
      const { stdout } = await run('redis-cli', ['-p', String(sentinelPort), 'sentinel', 'get-master-addr-by-name', name]);
      return stdout.includes(String(masterPort));
    }, 30_000, 100);
  } catch (e) {
    await stopAll(children, dir);
    throw e;
  }
  return { ports: [masterPort, sentinelPort], stop: () => stopAll(children, dir) };
}
