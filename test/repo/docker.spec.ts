/**
 * docker/: no Docker engine runs here, so the compose file and the Dockerfile are checked by
 * reading them (js-yaml, the Dockerfile line by line) against the apps they start: one service per
 * app plus PostgreSQL, Redis and the setup step; healthchecks where something waits on them; only
 * the repository's own files mounted; every variable set is one the configuration reads and the
 * docs describe, and the secrets production requires are passed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { ROOT, SCANNED, files } from './repo-files';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

const DOCKER = join(ROOT, 'docker');
const compose = load(readFileSync(join(DOCKER, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
/** the apps of apps/ that run as a Nest process (the console is a web page the gateway serves) */
const APPS = readdirSync(join(ROOT, 'apps')).filter((a) => {
  const main = join(ROOT, 'apps', a, 'src', 'main.ts');
  return existsSync(main) && readFileSync(main, 'utf8').includes('configOrExit(');
});
/** a COPY source exists (a `*` matches within one file name) */
const present = (p: string): boolean => {
  if (!p.includes('*')) return existsSync(join(ROOT, p));
  const re = new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
  return readdirSync(ROOT).some((f) => re.test(f));
};
const built = Object.entries(services).filter(([, s]) => s.build);

/** Every environment variable name the apps, libraries and scripts read (string literals and env.X). */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  const sources = ['apps', 'libs', 'scripts'].flatMap(files).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  for (const f of sources) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    for (const m of text.matchAll(/(?:env\.|['"`])([A-Z][A-Z0-9_]{2,})\b/g)) names.add(m[1]);
  }
  return names;
}

/** The value of `name` in the apps' default listen ports, read from the README's configuration table. */
function defaultPort(name: string): number {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  if (name === 'PORT') return Number(/\| `PORT` \|[^|]*\| `(\d+)` \|/.exec(readme)![1]);
  const m = /\| `ROUTER_PORT`, `NOTIFIER_PORT` \|[^|]*\| `(\d+)`, `(\d+)` \|/.exec(readme)!;
  return Number(name === 'ROUTER_PORT' ? m[1] : m[2]);
}

describe('docker/ (compose file and Dockerfile, read, not run)', () => {
  it('has a service for every app, PostgreSQL, Redis and the setup step, each app from the one image and its own entry point', () => {
    expect(Object.keys(services).sort()).toEqual(expect.arrayContaining(['postgres', 'redis', 'setup', ...APPS]));
    expect(services.postgres.image).toMatch(/^postgres:15/);
    expect(services.redis.image).toMatch(/^redis:7/);
    for (const app of APPS) {
      expect(services[app].build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      expect(services[app].command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    }
    expect(services.setup.command).toEqual(['node', 'dist/scripts/setup.js']);
    expect(existsSync(join(ROOT, 'scripts', 'setup.ts'))).toBe(true);
  });

  it('gives every long-running service a healthcheck, each app probing /health on the port it listens on', () => {
    const ports: Record<string, string> = { gateway: 'PORT', router: 'ROUTER_PORT', notifier: 'NOTIFIER_PORT' };
    expect(Object.keys(ports).sort()).toEqual([...APPS].sort());
    for (const [name, s] of Object.entries(services)) {
      if (name === 'setup') continue; // runs once and exits: waited on by completion
      expect({ name, test: s.healthcheck?.test?.[0] }).toEqual({ name, test: 'CMD' });
    }
    for (const app of APPS) {
      const probe = services[app].healthcheck!.test.join(' ');
      const port = services[app].environment?.[ports[app]] ?? String(defaultPort(ports[app]));
      expect(probe).toContain(`http://127.0.0.1:${port}/health`);
      // the runtime image is node:*-slim: no curl or wget, so the probe is node itself
      expect(services[app].healthcheck!.test[1]).toBe('node');
    }
  });

  it('waits only on what can be waited on: healthy services, the setup completed', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect({ name, dep, known: dep in services }).toEqual({ name, dep, known: true });
        if (condition === 'service_healthy') expect({ dep, healthcheck: Boolean(services[dep].healthcheck) }).toEqual({ dep, healthcheck: true });
        else expect({ dep, condition }).toEqual({ dep: 'setup', condition: 'service_completed_successfully' });
      }
    }
    for (const app of APPS) expect(services[app].depends_on).toMatchObject({ setup: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
  });

  it('mounts only directories of this repository, and the directory file it names is there', () => {
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const [host] = v.split(':');
        if (!host.startsWith('.') && !host.startsWith('/')) continue; // a named volume
        const full = resolve(DOCKER, host);
        expect({ v, inside: full.startsWith(ROOT + '/') && existsSync(full) }).toEqual({ v, inside: true });
      }
    }
    const file = services.setup.environment!.HUB_DIRECTORY_FILE;
    const mount = services.setup.volumes!.find((v) => file.startsWith(v.split(':')[1] + '/'))!;
    expect(existsSync(resolve(DOCKER, mount.split(':')[0], file.slice(mount.split(':')[1].length + 1)))).toBe(true);
  });

  it('sets only variables the configuration reads and the docs describe, and the secrets production requires', () => {
    const read = variablesRead();
    const docs = [readFileSync(join(ROOT, 'README.md'), 'utf8'), ...files('docs').map((f) => readFileSync(join(ROOT, f), 'utf8'))].join('\n');
    for (const [name, s] of built) {
      for (const variable of Object.keys(s.environment ?? {})) {
        expect({ name, variable, read: read.has(variable), documented: docs.includes(`\`${variable}\``) }).toEqual({ name, variable, read: true, documented: true });
      }
    }
    // the image runs with NODE_ENV=production, where nothing is generated (docs/security.md#secrets)
    expect(dockerfile).toContain('ENV NODE_ENV=production');
    for (const [name, s] of built) {
      for (const secret of ['HUB_JWT_SECRET', 'HUB_DATA_KEYS', 'HUB_SEARCH_KEY']) {
        expect({ name, secret, value: s.environment?.[secret] }).toEqual({ name, secret, value: expect.stringMatching(new RegExp(`^\\$\\{${secret}:\\?`)) });
      }
    }
    for (const [name, s] of built) {
      expect({ name, db: s.environment?.DATABASE_URL }).toEqual({ name, db: expect.stringMatching(/^postgres:\/\/[^@]+@postgres:5432\//) });
      expect({ name, redis: s.environment?.REDIS_URL }).toEqual({ name, redis: expect.stringMatching(/^redis:\/\/redis:6379/) });
    }
  });

  it('Dockerfile: the Node of package.json, sources that exist, the entry points the build makes, the apps\' ports exposed', () => {
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const froms = dockerfile.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThan(0);
    for (const f of froms) expect(Number(/node:(\d+)/.exec(f)?.[1])).toBeGreaterThanOrEqual(Number(/\d+/.exec(engines)![0]));
    for (const l of dockerfile.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      const parts = l.split(/\s+/).slice(1, -1);
      for (const p of parts) expect({ p, exists: present(p) }).toEqual({ p, exists: true });
    }
    const cmd = JSON.parse(dockerfile.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];
    expect(cmd[0]).toBe('node');
    expect(existsSync(join(ROOT, cmd[1].replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    const exposed = dockerfile.filter((l) => l.startsWith('EXPOSE ')).flatMap((l) => l.split(/\s+/).slice(1).map(Number));
    expect(exposed.sort()).toEqual(['PORT', 'ROUTER_PORT', 'NOTIFIER_PORT'].map(defaultPort).sort());
    // the build runs the package's own build script, which makes dist/ and the console
    expect(dockerfile).toContain('RUN npm run build && npm prune --omit=dev');
    expect(SCANNED).toContain('docker');
  });
});
