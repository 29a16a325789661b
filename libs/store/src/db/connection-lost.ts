// No imports: data-source.ts (and with it the test suite's global setup) uses it.

/**
 * The connection of a transaction (or a held QueryRunner) was terminated while it sat between
 * statements: pg_terminate_backend, a PostgreSQL restart, a broken socket. TypeORM's query runner
 * releases itself on the client's `error` event, so the next statement fails with "query runner
 * already released", which names neither the cause nor that the work is lost. Whatever ran on that
 * connection has rolled back; the caller retries as after any failed statement.
 */
export class ConnectionLostError extends Error {
  constructor(cause: unknown) {
    super('database connection lost in the middle of a transaction (terminated or broken); the transaction was rolled back', { cause });
    this.name = 'ConnectionLostError';
  }
}

const RELEASED = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);

/** A ConnectionLostError for TypeORM's "already released" errors, else undefined. */
export function connectionLost(e: unknown): ConnectionLostError | undefined {
  return e instanceof Error && RELEASED.has(e.name) ? new ConnectionLostError(e) : undefined;
}
