import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from './config';

type Env = Record<string, string | undefined>;

/**
 * The secrets the hub cannot run without. No value of them is written in the source: outside
 * production the first start generates them into a file (see withLocalSecrets); production must
 * be given every one (docs/security.md "Secrets").
 */
export const HUB_SECRETS = ['HUB_JWT_SECRET', 'HUB_DATA_KEYS', 'HUB_SEARCH_KEY'] as const;
export type HubSecretName = (typeof HUB_SECRETS)[number];

/** `HUB_SECRETS_FILE`, else `$XDG_CONFIG_HOME/hub-12345/secrets.json` (default `~/.config/…`). */
export function secretsFilePath(env: Env = process.env): string {
  if (env.HUB_SECRETS_FILE) return path.resolve(env.HUB_SECRETS_FILE);
  const base = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'hub-12345', 'secrets.json');
}

/** Fresh random values, each in the format its variable takes. */
export function generateSecrets(): Record<HubSecretName, string> {
  return {
    HUB_JWT_SECRET: randomBytes(48).toString('base64url'),
    HUB_DATA_KEYS: `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}:${randomBytes(32).toString('base64')}`,
    HUB_SEARCH_KEY: randomBytes(32).toString('base64'),
  };
}

function readSecretsFile(file: string): Partial<Record<HubSecretName, string>> {
  const st = statSync(file);
  if ((st.mode & 0o077) !== 0) {
    throw new ConfigError('HUB_SECRETS_FILE', `${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  }
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new ConfigError('HUB_SECRETS_FILE', `${file} belongs to another user (uid ${st.uid})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('HUB_SECRETS_FILE', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ConfigError('HUB_SECRETS_FILE', `${file} must hold a JSON object`);
  const out: Partial<Record<HubSecretName, string>> = {};
  for (const name of HUB_SECRETS) {
    const v = (parsed as Record<string, unknown>)[name];
    if (typeof v === 'string' && v !== '') out[name] = v;
  }
  return out;
}

/** Writes `content` to a new file (0600) and returns its path; the caller links or renames it into place. */
function writeTemp(file: string, content: string): string {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/**
 * Outside production, fills the secrets the environment does not give from the secrets file,
 * generating it (mode 0600, directory 0700) at the first start so that restarts keep the same
 * keys and the data stays readable. Creation is atomic (link of a complete temporary file), so
 * the three apps starting at once agree on one set. A file readable by others stops the start.
 * In production nothing is read or generated: loadConfig refuses missing secrets, naming each.
 */
export function withLocalSecrets(env: Env = process.env): Env {
  if (env.NODE_ENV === 'production') return env;
  const missing = HUB_SECRETS.filter((n) => !env[n]);
  if (missing.length === 0) return env;
  const file = secretsFilePath(env);
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    let stored: Partial<Record<HubSecretName, string>> = {};
    try {
      stored = readSecretsFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const tmp = writeTemp(file, `${JSON.stringify(generateSecrets(), null, 2)}\n`);
      try {
        linkSync(tmp, file); // fails with EEXIST when another app won the race: read its file
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        unlinkSync(tmp);
      }
      stored = readSecretsFile(file);
    }
    const lacking = HUB_SECRETS.filter((n) => !stored[n]);
    if (lacking.length > 0) {
      // a file from an older version: add what it lacks, keep what it has (existing data keys)
      const fresh = generateSecrets();
      for (const n of lacking) stored[n] = fresh[n];
      renameSync(writeTemp(file, `${JSON.stringify(stored, null, 2)}\n`), file);
    }
    const out: Env = { ...env };
    for (const n of missing) out[n] = stored[n];
    return out;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('HUB_SECRETS_FILE', `cannot read or create ${file}: ${(e as Error).message} (set HUB_SECRETS_FILE, or give ${missing.join(', ')})`);
  }
}
