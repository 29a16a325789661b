import { isIP } from 'node:net';
import { ConfigError } from './config-error';
import { redisTopology, type RedisTopology } from './redis-config';
import { int, redactUrl, str, url, type Env } from './config-values';
import { databaseConfig, databaseUrl, type DatabaseConfig, type ReplicaConfig } from './database-config';
import { deliveryConfig, type DeliveryConfig } from './delivery-config';

/**
 * Configuration from the environment (docs/contracts.md#connection-settings plus the hub's own settings), validated once at
 * boot. A bad or missing value stops the app with a message that names the variable.
 */
export { ConfigError, redactUrl };
export type { DatabaseConfig, DeliveryConfig, ReplicaConfig };

/** The database settings (databaseUrl, replica, db) are DatabaseConfig's, read in database-config.ts. */
export interface HubConfig extends DatabaseConfig {
  /** address the apps listen on: HUB_HOST; default 127.0.0.1, or 0.0.0.0 when NODE_ENV=production */
  host: string;
  port: number;
  routerPort: number;
  notifierPort: number;
  redisUrl: string;
  /** one server, a Redis Cluster or a Sentinel-watched master (REDIS_CLUSTER_NODES, REDIS_SENTINELS) */
  redisTopology: RedisTopology;
  /** prefix of every BullMQ key; on Redis Cluster it must carry a hash tag, e.g. `{hub}` */
  queuePrefix: string;
  /** added to the system clock by NOW: simulates a host whose clock was stepped (HUB_CLOCK_OFFSET_MS, docs/reliability.md#the-chaos-bench) */
  clockOffsetMs: number;
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
  delivery: DeliveryConfig;
  /** signs the hub's access tokens (HS256); at least 32 characters */
  jwtSecret: string;
  /** 'true' in tests: the national poller does not start by itself */
  disablePoller: boolean;
  /** whole-request deadline (slow clients, slowloris): HUB_REQUEST_TIMEOUT_MS */
  requestTimeoutMs: number;
  /** whose X-Forwarded-For is believed for the client's address: HUB_TRUST_PROXY (see trustProxySetting) */
  trustProxy: TrustProxy;
  security: SecurityConfig;
  open311: Open311Config;
  /** where units' work orders may go: HUB_UNIT_ENDPOINTS_ALLOW (docs/security.md "Units' endpoints") */
  unitEndpoints: { allowHttp: boolean; allowNets: string[] };
}

/** The Open311 door (docs/open311.md). */
export interface Open311Config {
  /** HUB_OPEN311_KEYS: api_keys accepted as given (each ≥ 24 characters), beside the keys admins create */
  fixedKeys: string[];
  /** a POST with the same device_id/account_id and body within this many minutes is the same request */
  idempotencyMinutes: number;
}

function open311Config(env: Env): Open311Config {
  const fixedKeys = (env.HUB_OPEN311_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const k of fixedKeys) {
    if (k.length < 24) throw new ConfigError('HUB_OPEN311_KEYS', 'each key must be at least 24 characters');
    if (k.length > 256 || !/^[\x21-\x7e]+$/.test(k)) throw new ConfigError('HUB_OPEN311_KEYS', 'each key must be at most 256 printable ASCII characters without spaces');
  }
  if (new Set(fixedKeys).size !== fixedKeys.length) throw new ConfigError('HUB_OPEN311_KEYS', 'a key is listed twice');
  return { fixedKeys, idempotencyMinutes: int(env, 'HUB_OPEN311_IDEMPOTENCY_MINUTES', 10, 1, 1440) };
}

/** Who may do what, and how citizens' data is protected (docs/security.md; Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10). */
export interface SecurityConfig {
  /** lifetime of an access token issued by POST /auth/login, seconds */
  accessTokenTtlS: number;
  /** earlier HUB_JWT_SECRET values still accepted while tokens signed with them expire (rotation) */
  jwtPreviousSecrets: string[];
  /** `keyId:base64key,...`: the first encrypts, every one decrypts (key rotation) */
  dataKeys: string;
  /** cipher for new data: AES-256-GCM, or SM4 (国密) as SM4-CTR + HMAC-SM3 */
  dataCipher: 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';
  /** base64 key of the keyed search hashes of phones and ID numbers (HMAC-SHA256) */
  searchKey: string;
  /** created at gateway start when no active admin exists (HUB_ADMIN_USERNAME / HUB_ADMIN_PASSWORD) */
  adminBootstrap?: { username: string; password: string };
  rateLimit: RateLimitConfig;
  /** when set, GET /metrics asks for `Authorization: Bearer <it>` (HUB_METRICS_TOKEN, ≥ 16 chars) */
  metricsToken?: string;
}

/** Requests per minute; 0 switches that limit off. Shared by all gateway replicas through Redis. */
export interface RateLimitConfig {
  enabled: boolean;
  /** per upstream key id on the intake endpoints (docs/contracts.md#signed-requests) */
  intakePerMin: number;
  /** per user or unit API key on the hub's own API */
  apiPerMin: number;
  /** per username and client address on POST /auth/login (password guessing) */
  loginPerMin: number;
  /** per Open311 api_key on POST requests and servicerequestupdates (docs/open311.md) */
  open311PerMin: number;
  /** per client address on the Open311 reads, which need no key */
  open311ReadPerMin: number;
  /** per client address (IPv6: per /64) on POST /auth/login whatever the username (password spraying) */
  loginAddressPerMin: number;
  /** failed X-Api-Key attempts per client address */
  apiKeyFailuresPerMin: number;
}

export interface UpstreamConfig {
  url?: string;
  /** raw `keyId:secret:algorithm,...`; parsed by the connectors' key ring */
  keys: string;
}

/** Shortest shared HMAC secret accepted (docs/security.md "Secrets"): 256 bits, the hash's own size. */
export const MIN_HMAC_SECRET_BYTES = 32;

/**
 * `keyId:secret:algorithm,…` of an outside system: every secret at least 32 bytes, or the app does
 * not start (a short shared secret can be guessed offline from one signed request). The rest of the
 * form is checked where the ring is parsed (parseKeyRing), also at boot.
 */
function hmacKeys(env: Env, name: string): string {
  const raw = env[name] ?? '';
  raw.split(',').forEach((entry, i, all) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first < 0 || first === last) return;
    const bytes = Buffer.byteLength(entry.slice(first + 1, last).trim(), 'utf8');
    if (bytes < MIN_HMAC_SECRET_BYTES) {
      throw new ConfigError(name, `entry ${i + 1} of ${all.length} ("${entry.slice(0, first).trim()}:***") has a secret of ${bytes} bytes; at least ${MIN_HMAC_SECRET_BYTES} are required`);
    }
  });
  return raw;
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
  missingSecrets(env);
  const production = env.NODE_ENV === 'production';
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379')!;
  const queuePrefix = str(env, 'HUB_QUEUE_PREFIX', 'hub');
  const primaryUrl = databaseUrl(env);
  return {
    host: host(env, production),
    port: int(env, 'PORT', 3000, 0, 65535),
    routerPort: int(env, 'ROUTER_PORT', 3001, 0, 65535),
    notifierPort: int(env, 'NOTIFIER_PORT', 3002, 0, 65535),
    ...databaseConfig(env, primaryUrl),
    redisUrl,
    redisTopology: redisTopology(env, redisUrl, queuePrefix),
    queuePrefix,
    clockOffsetMs: int(env, 'HUB_CLOCK_OFFSET_MS', 0, -366 * 86_400_000, 366 * 86_400_000),
    logLevel: level,
    upstreams: {
      hotline: { url: url(env, 'HUB_HOTLINE_URL', ['http:', 'https:']), keys: hmacKeys(env, 'HUB_HOTLINE_KEYS') },
      ywtb: { url: url(env, 'HUB_YWTB_URL', ['http:', 'https:']), keys: hmacKeys(env, 'HUB_YWTB_KEYS') },
      national: { url: url(env, 'HUB_NATIONAL_URL', ['http:', 'https:']), keys: hmacKeys(env, 'HUB_NATIONAL_KEYS') },
      units: { url: undefined, keys: hmacKeys(env, 'HUB_UNITS_KEYS') },
    },
    nationalPollMs: int(env, 'HUB_NATIONAL_POLL_MS', 60000, 100, 86_400_000),
    nationalPageLimit: int(env, 'HUB_NATIONAL_PAGE_LIMIT', 100, 1, 100),
    directoryFile: env.HUB_DIRECTORY_FILE || undefined,
    delivery: deliveryConfig(env),
    jwtSecret: jwtSecret(env),
    disablePoller: bool('HUB_DISABLE_POLLER'),
    requestTimeoutMs: requestTimeoutMs(env),
    trustProxy: trustProxySetting(env),
    security: securityConfig(env, bool),
    open311: open311Config(env),
    unitEndpoints: unitEndpointsAllow(env),
  };
}

/**
 * HUB_UNIT_ENDPOINTS_ALLOW: `http` (plain http allowed), and addresses or CIDR ranges allowed
 * although private, loopback or link-local. Default: nothing (https to public addresses only).
 */
export function unitEndpointsAllow(env: Env = process.env): { allowHttp: boolean; allowNets: string[] } {
  const entries = (env.HUB_UNIT_ENDPOINTS_ALLOW ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const bad = entries.find((e) => e !== 'http' && (PROXY_ADDRESS_NAMES.includes(e) || !isAddressOrRange(e)));
  if (bad !== undefined) throw new ConfigError('HUB_UNIT_ENDPOINTS_ALLOW', `"${bad}" is neither http nor an IP address or CIDR range`);
  return { allowHttp: entries.includes('http'), allowNets: entries.filter((e) => e !== 'http') };
}

/** Whole-request deadline: a client that has not sent its request within it is cut off (408). */
export function requestTimeoutMs(env: Env = process.env): number {
  return int(env, 'HUB_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
}

/** false, true (any hop), a number of hops, or the proxies' addresses and ranges (Fastify's trustProxy). */
export type TrustProxy = boolean | number | string[];

const PROXY_ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(value: string): boolean {
  if (PROXY_ADDRESS_NAMES.includes(value)) return true;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Whose X-Forwarded-For the hub believes for the client's address (HUB_TRUST_PROXY). The address
 * keys the login throttle (per username and address) and goes into the audit log, so believing
 * any sender's header would let a password guesser name a new address on every try. Default: no
 * one (the socket's peer is the client). Behind a reverse proxy, name it: its addresses or ranges
 * (`10.0.0.5,10.1.0.0/16`, or `loopback`, `linklocal`, `uniquelocal`), or the number of proxies in
 * front of the hub (`1`); `true` believes every hop and is only right when nothing but the proxy
 * can reach the hub.
 */
export function trustProxySetting(env: Env = process.env): TrustProxy {
  const raw = (env.HUB_TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > 10) throw new ConfigError('HUB_TRUST_PROXY', `a number of proxies must be between 1 and 10, got ${hops}`);
    return hops;
  }
  const list = raw.split(',').map((a) => a.trim());
  const bad = list.find((a) => !isAddressOrRange(a));
  if (bad !== undefined) {
    throw new ConfigError('HUB_TRUST_PROXY', `"${bad}" is not an IP address or range (give addresses or CIDR ranges, loopback, linklocal, uniquelocal, a number of proxies, true or false)`);
  }
  return list;
}

/**
 * The secrets (secrets.ts HUB_SECRETS) have no default in the source: the apps' entry points fill
 * them from the generated secrets file outside production (withLocalSecrets), and production must
 * give each. One message names every missing one.
 */
function missingSecrets(env: Env): void {
  const missing = ['HUB_JWT_SECRET', 'HUB_DATA_KEYS', 'HUB_SEARCH_KEY'].filter((n) => env[n] === undefined || env[n] === '');
  if (missing.length === 0) return;
  const how =
    env.NODE_ENV === 'production'
      ? 'required in production (docs/security.md "Secrets")'
      : 'required; the apps generate them into HUB_SECRETS_FILE at the first start (docs/security.md "Secrets")';
  throw new ConfigError(missing.join(', '), `${missing.length > 1 ? 'are' : 'is'} ${how}`);
}

/** Outside production the hub listens on loopback only unless HUB_HOST says otherwise. */
function host(env: Env, production: boolean): string {
  const v = (env.HUB_HOST ?? '').trim();
  if (v === '') return production ? '0.0.0.0' : '127.0.0.1';
  if (isIP(v) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(v)) throw new ConfigError('HUB_HOST', `must be an IP address or a host name, got "${v}"`);
  return v;
}

function securityConfig(env: Env, bool: (name: string) => boolean): SecurityConfig {
  const cipher = str(env, 'HUB_DATA_CIPHER', 'aes-256-gcm');
  if (cipher !== 'aes-256-gcm' && cipher !== 'sm4-ctr-hmac-sm3') {
    throw new ConfigError('HUB_DATA_CIPHER', `must be aes-256-gcm or sm4-ctr-hmac-sm3, got "${cipher}"`);
  }
  const searchKey = str(env, 'HUB_SEARCH_KEY');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(searchKey) || Buffer.from(searchKey, 'base64').length < 32) {
    throw new ConfigError('HUB_SEARCH_KEY', 'must be base64 of at least 32 random bytes');
  }
  const previous = (env.HUB_JWT_PREVIOUS_SECRETS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const p of previous) if (p.length < 32) throw new ConfigError('HUB_JWT_PREVIOUS_SECRETS', 'each secret must be at least 32 characters');
  const adminPassword = env.HUB_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword !== '' && adminPassword.length < 12) {
    throw new ConfigError('HUB_ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  const rate = (name: string, fallback: number): number => int(env, name, fallback, 0, 10_000_000);
  const metricsToken = env.HUB_METRICS_TOKEN === undefined || env.HUB_METRICS_TOKEN === '' ? undefined : env.HUB_METRICS_TOKEN;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('HUB_METRICS_TOKEN', 'must be at least 16 characters');
  return {
    accessTokenTtlS: int(env, 'HUB_ACCESS_TOKEN_TTL_S', 900, 30, 86_400),
    jwtPreviousSecrets: previous,
    dataKeys: str(env, 'HUB_DATA_KEYS'),
    dataCipher: cipher,
    searchKey,
    adminBootstrap: adminPassword ? { username: str(env, 'HUB_ADMIN_USERNAME', 'admin'), password: adminPassword } : undefined,
    metricsToken,
    rateLimit: {
      enabled: env.HUB_RATE_LIMIT_ENABLED === undefined || env.HUB_RATE_LIMIT_ENABLED === '' ? true : bool('HUB_RATE_LIMIT_ENABLED'),
      intakePerMin: rate('HUB_RATE_LIMIT_INTAKE_PER_MIN', 120_000),
      apiPerMin: rate('HUB_RATE_LIMIT_API_PER_MIN', 3_000),
      loginPerMin: rate('HUB_RATE_LIMIT_LOGIN_PER_MIN', 10),
      open311PerMin: rate('HUB_RATE_LIMIT_OPEN311_PER_MIN', 600),
      open311ReadPerMin: rate('HUB_RATE_LIMIT_OPEN311_READ_PER_MIN', 600),
      loginAddressPerMin: rate('HUB_RATE_LIMIT_LOGIN_ADDRESS_PER_MIN', 20),
      apiKeyFailuresPerMin: rate('HUB_RATE_LIMIT_API_KEY_FAILURES_PER_MIN', 20),
    },
  };
}

/** HUB_JWT_SECRET signs access tokens (given, or generated by withLocalSecrets outside production). */
function jwtSecret(env: Env): string {
  const v = str(env, 'HUB_JWT_SECRET');
  if (v.length < 32) throw new ConfigError('HUB_JWT_SECRET', 'must be at least 32 characters');
  return v;
}
