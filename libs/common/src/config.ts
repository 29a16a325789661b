/**
 * Configuration from the environment (contracts §8 plus the hub's own settings), validated once at
 * boot. A bad or missing value stops the app with a message that names the variable.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface HubConfig {
  port: number;
  routerPort: number;
  notifierPort: number;
  databaseUrl: string;
  redisUrl: string;
  /** prefix of every BullMQ key; on Redis Cluster give it a hash tag, e.g. `{hub}` */
  queuePrefix: string;
  logLevel: string;
  upstreams: {
    hotline: UpstreamConfig;
    ywtb: UpstreamConfig;
    national: UpstreamConfig;
    units: UpstreamConfig;
  };
  nationalPollMs: number;
  nationalPageLimit: number;
  directoryFile?: string;
  delivery: {
    timeoutMs: number;
    concurrency: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    retryHours: number;
    relayIntervalMs: number;
    requeueAfterMs: number;
  };
  /** signs the hub's access tokens (HS256); at least 32 characters */
  jwtSecret: string;
  /** 'true' in tests: the national poller does not start by itself */
  disablePoller: boolean;
}

export interface UpstreamConfig {
  url?: string;
  /** raw `keyId:secret:algorithm,...`; parsed by the connectors' key ring */
  keys: string;
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new ConfigError(name, 'is required');
    return fallback;
  }
  return v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string | undefined {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : raw;
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${redactUrl(value)}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return value.replace(/\/+$/, '');
}

/** Never echo a password from a connection string. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

export function loadConfig(env: Env = process.env): HubConfig {
  const level = str(env, 'LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal,error,warn,info,debug,trace,silent, got "${level}"`);
  }
  const bool = (name: string): boolean => {
    const v = (env[name] ?? '').toLowerCase();
    if (v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
  };
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    routerPort: int(env, 'ROUTER_PORT', 3001, 0, 65535),
    notifierPort: int(env, 'NOTIFIER_PORT', 3002, 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/hub')!,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379')!,
    queuePrefix: str(env, 'HUB_QUEUE_PREFIX', 'hub'),
    logLevel: level,
    upstreams: {
      hotline: { url: url(env, 'HUB_HOTLINE_URL', ['http:', 'https:']), keys: env.HUB_HOTLINE_KEYS ?? '' },
      ywtb: { url: url(env, 'HUB_YWTB_URL', ['http:', 'https:']), keys: env.HUB_YWTB_KEYS ?? '' },
      national: { url: url(env, 'HUB_NATIONAL_URL', ['http:', 'https:']), keys: env.HUB_NATIONAL_KEYS ?? '' },
      units: { url: undefined, keys: env.HUB_UNITS_KEYS ?? '' },
    },
    nationalPollMs: int(env, 'HUB_NATIONAL_POLL_MS', 60000, 100, 86_400_000),
    nationalPageLimit: int(env, 'HUB_NATIONAL_PAGE_LIMIT', 100, 1, 100),
    directoryFile: env.HUB_DIRECTORY_FILE || undefined,
    delivery: {
      timeoutMs: int(env, 'HUB_DELIVERY_TIMEOUT_MS', 10_000, 100, 120_000),
      concurrency: int(env, 'HUB_DELIVERY_CONCURRENCY', 64, 1, 1000),
      backoffBaseMs: int(env, 'HUB_DELIVERY_BACKOFF_BASE_MS', 5_000, 1, 3_600_000),
      backoffMaxMs: int(env, 'HUB_DELIVERY_BACKOFF_MAX_MS', 1_800_000, 1, 86_400_000),
      retryHours: int(env, 'HUB_DELIVERY_RETRY_HOURS', 72, 0, 24 * 30),
      relayIntervalMs: int(env, 'HUB_RELAY_INTERVAL_MS', 500, 10, 60_000),
      requeueAfterMs: int(env, 'HUB_RELAY_REQUEUE_AFTER_MS', 60_000, 100, 3_600_000),
    },
    jwtSecret: jwtSecret(env),
    disablePoller: bool('HUB_DISABLE_POLLER'),
  };
}

/**
 * HUB_JWT_SECRET signs access tokens. Outside production a fixed development secret is used when
 * it is unset, so the run command works on a fresh machine; NODE_ENV=production requires it.
 */
function jwtSecret(env: Env): string {
  const v = env.HUB_JWT_SECRET;
  if (v === undefined || v === '') {
    if (env.NODE_ENV === 'production') throw new ConfigError('HUB_JWT_SECRET', 'is required in production (at least 32 characters)');
    return 'development-only-secret-do-not-use-in-production';
  }
  if (v.length < 32) throw new ConfigError('HUB_JWT_SECRET', 'must be at least 32 characters');
  return v;
}
