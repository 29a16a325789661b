/**
 * Safe by default (docs/security.md "Secrets"): the run command without any secret in the
 * environment. The gateway runs as its own process, exactly as `npm start` runs it, with the
 * secrets taken out of its environment and a fresh secrets file.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HUB_SECRETS } from '@hub/common';
import { eventually } from '../support/harness';
import { freePort } from '../support/notifier-process';

const ROOT = path.resolve(__dirname, '../..');
// ~5,000 strings, each tried over HTTP: bounded by count; the timeout leaves room for a busy machine
jest.setTimeout(900_000);

/** The environment of a fresh machine: no secret given, no host. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), HUB_DISABLE_POLLER: 'true', LOG_LEVEL: 'warn' };
  for (const n of [...HUB_SECRETS, 'HUB_HOST', 'NODE_ENV', 'HUB_JWT_PREVIOUS_SECRETS']) delete env[n];
  return { ...env, ...extra };
}

function spawnGateway(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/gateway/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-20_000)));
  return { child, output: () => out };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** An HS256 access token as the hub issues them (issuer hub), for an administrator, signed with `secret`. */
function adminToken(secret: string): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'forged', role: 'admin', name: 'admin', iss: 'hub', iat: now, exp: now + 600 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/**
 * Every string of the repository's tracked files: quoted literals and words, at least 32
 * characters (the hub refuses a shorter HUB_JWT_SECRET), and what the base64 ones decode to.
 */
function repositoryStrings(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const found = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(path.join(ROOT, f), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/(['"`])((?:(?!\1)[^\\\n]|\\.){32,400})\1/g)) found.add(m[2]);
    for (const w of text.split(/[\s,;()[\]{}<>=]+/)) if (w.length >= 32) found.add(w);
  }
  for (const s of [...found]) {
    const m = /^(?:[\w-]+:)?([A-Za-z0-9+/]{40,}={0,2})$/.exec(s);
    if (m) found.add(Buffer.from(m[1], 'base64').toString('utf8'));
  }
  return [...found].filter((s) => s.length >= 32);
}

describe('safe by default: no secret in the source, loopback outside production', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'hub-defaults-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates its secrets into a 0600 file; a token signed with any string of the repository is refused', async () => {
    const file = path.join(dir, 'secrets.json');
    const port = await freePort();
    const gw = spawnGateway(bareEnv({ HUB_SECRETS_FILE: file, PORT: String(port) }));
    const url = `http://127.0.0.1:${port}`;
    try {
      await eventually(async () => {
        if (gw.child.exitCode !== null) throw new Error(`gateway exited with ${gw.child.exitCode}: ${gw.output()}`);
        return (await fetch(`${url}/health`).catch(() => undefined))?.status === 200;
      }, 180_000, 200).catch(async (e: unknown) => {
        const health = await fetch(`${url}/health`).then((r) => r.text(), String);
        throw new Error(`${String(e)}\nhealth: ${health}\n${gw.output()}`);
      });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      for (const n of HUB_SECRETS) expect(stored[n]).toEqual(expect.any(String));

      // the hub's own token works (the probe is sound) …
      const own = await fetch(`${url}/auth/users`, { headers: { authorization: `Bearer ${adminToken(stored.HUB_JWT_SECRET)}` } });
      expect(own.status).toBe(200);
      // … and nothing written in the repository signs one
      const candidates = repositoryStrings();
      expect(candidates.length).toBeGreaterThan(500);
      const accepted: string[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < candidates.length) {
          const secret = candidates[next++];
          const r = await fetch(`${url}/auth/users`, { headers: { authorization: `Bearer ${adminToken(secret)}` } });
          await r.arrayBuffer();
          if (r.status !== 401) accepted.push(`${r.status} ${secret}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      expect(accepted).toEqual([]);
      // neither the data key nor the search key is in the repository either
      const keys = [stored.HUB_DATA_KEYS.split(':')[1], stored.HUB_SEARCH_KEY];
      expect(candidates.filter((c) => keys.some((k) => c.includes(k)))).toEqual([]);

      // outside production it listens on loopback only: not on this machine's other addresses
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && !i.internal && i.family === 'IPv4');
      if (external) {
        const reached = await fetch(`http://${external.address}:${port}/health`).then(
          () => true,
          () => false,
        );
        expect(reached).toBe(false);
      }
    } finally {
      await stop(gw.child);
    }
  });

  it('in production refuses to start without explicit secrets, naming each', async () => {
    const gw = spawnGateway(bareEnv({ NODE_ENV: 'production', HUB_SECRETS_FILE: path.join(dir, 'never.json'), PORT: String(await freePort()) }));
    const code = await new Promise<number | null>((resolve) => gw.child.once('exit', (c) => resolve(c)));
    await stop(gw.child);
    expect(code).toBe(78);
    expect(gw.output()).toMatch(/HUB_JWT_SECRET, HUB_DATA_KEYS, HUB_SEARCH_KEY: are required in production/);
    expect(() => statSync(path.join(dir, 'never.json'))).toThrow();
  });
});
