export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const REDIS = Symbol('REDIS');
/**
 * The Redis client of the request path (nonces, rate limits, health): no offline queue and a
 * command deadline, so a request answers 503 at once when Redis is away and nothing queued
 * replays when it returns (docs/security.md "Redis down"). Workers keep REDIS (BullMQ waits).
 */
export const REQUEST_REDIS = Symbol('REQUEST_REDIS');
/** Deadline of one command on REQUEST_REDIS. */
export const REQUEST_REDIS_TIMEOUT_MS = 500;
export const APP_NAME = Symbol('APP_NAME');
/** A pg Pool whose sessions force generic plans (createGenericPlanPool); connects on first use. */
export const GENERIC_PLAN_POOL = Symbol('GENERIC_PLAN_POOL');
/** Asks PostgreSQL whether it answers (provided by StoreModule; the health check uses it). */
export const DB_PING = Symbol('DB_PING');
export type DbPing = () => Promise<void>;
/** What the read replica is doing (provided by StoreModule; /health shows it, never as down: reads fall back). */
export const DB_REPLICA_STATUS = Symbol('DB_REPLICA_STATUS');
export interface DbReplicaStatus {
  /** where the replica's reads go now */
  serving: 'replica' | 'primary';
  /** why the primary serves them: down, lagging, not_standby, starting */
  reason?: string;
  /** the replica's lag at its last check; null when unknown */
  lagMs: number | null;
  maxLagMs: number;
  checkedAt: string | null;
}
/** The current time, injected so tests drive deadlines without sleeping (default: the system clock). */
export const NOW = Symbol('NOW');
export type NowFn = () => Date;
export const systemNow: NowFn = () => new Date();
/** The installation's identity (provided by StoreModule): job ids and Redis markers carry it (docs/reliability.md#job-identity). */
export const INSTALLATION_ID = Symbol('INSTALLATION_ID');
