import { ConfigError } from './config-error';
import { int, url, type Env } from './config-values';

/** The database part of HubConfig: the primary, an optional streaming replica, the pools' session limits. */
export interface DatabaseConfig {
  databaseUrl: string;
  /** a streaming replica for the office's lists and the reports (docs/reliability.md, "PostgreSQL read replica"); none: all reads on the primary */
  replica?: ReplicaConfig;
  /** per-session limits of the apps' pools (docs/performance.md#bounded-work) */
  db: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
}

/** DATABASE_REPLICA_URL and its limits: reads go to the primary when the replica lags more than maxLagMs. */
export interface ReplicaConfig {
  url: string;
  maxLagMs: number;
  /** how often the replica's position is compared with the primary's */
  checkMs: number;
}

/** DATABASE_URL; read apart from the rest so that loadConfig checks it before the ports, as it always has. */
export function databaseUrl(env: Env): string {
  return url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/hub')!;
}

export function databaseConfig(env: Env, primaryUrl: string): DatabaseConfig {
  return {
    databaseUrl: primaryUrl,
    replica: replicaConfig(env, primaryUrl),
    db: {
      statementTimeoutMs: int(env, 'HUB_DB_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000),
      idleInTransactionTimeoutMs: int(env, 'HUB_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
    },
  };
}

function replicaConfig(env: Env, primaryUrl: string): ReplicaConfig | undefined {
  const u = url(env, 'DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']);
  if (u === undefined) return undefined;
  if (u === primaryUrl) throw new ConfigError('DATABASE_REPLICA_URL', 'names the same server as DATABASE_URL: give the streaming replica, or leave it unset');
  return { url: u, maxLagMs: int(env, 'DATABASE_REPLICA_MAX_LAG_MS', 5_000, 0, 3_600_000), checkMs: int(env, 'DATABASE_REPLICA_CHECK_MS', 1_000, 50, 60_000) };
}
