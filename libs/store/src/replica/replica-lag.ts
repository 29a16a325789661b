/** A sample of the primary's WAL position (pg_current_wal_lsn) and when it was taken. */
export interface LsnSample {
  lsn: bigint;
  at: number;
}

/** `16/B374D848` as a number that orders as WAL positions do. */
export function lsnValue(text: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!m) throw new RangeError(`not an LSN: ${text}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

/**
 * How stale the replica may be, in ms, given the primary's recent positions (oldest first) and the
 * replica's replay position. Caught up with the newest sample: 0. Else the first WAL it lacks was
 * written after the newest sample it has reached, so the lag is at most the age of that sample
 * (an upper bound: a read decided on it is never staler than claimed). Behind every sample kept:
 * at least the age of the oldest.
 */
export function lagOf(samples: readonly LsnSample[], replay: bigint, now: number): number {
  if (samples.length === 0) return Number.POSITIVE_INFINITY;
  const newest = samples[samples.length - 1]!;
  if (replay >= newest.lsn) return 0;
  for (let i = samples.length - 2; i >= 0; i--) if (samples[i]!.lsn <= replay) return Math.max(0, now - samples[i]!.at);
  return Math.max(0, now - samples[0]!.at);
}

/**
 * Whether a failed read should run again on the primary: `down` (the replica cannot be reached or
 * is going away: stop reading it until a check finds it back), `conflict` (a hot-standby recovery
 * conflict cancelled this one statement), or null (the read's own error, thrown as it is).
 */
export function isReplicaFault(e: unknown): 'down' | 'conflict' | null {
  const err = e as { code?: string; driverError?: { code?: string }; message?: string; name?: string };
  const code = err?.driverError?.code ?? err?.code ?? '';
  // a transaction's connection cut between statements (queryRows' ConnectionLostError, TypeORM's released runner)
  if (['ConnectionLostError', 'QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError'].includes(err?.name ?? '')) return 'down';
  // replay needed what the read held (40001), or a buffer deadlock with it (40P01): this statement only
  if (/conflict with recovery/i.test(err?.message ?? '')) return 'conflict';
  // 08: connection exceptions; 57P01–03: shutdown, crash, not accepting yet; 53300: too many connections
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return 'down';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code)) return 'down';
  if (/Connection terminated|timeout exceeded when trying to connect|Connection ended|connect ECONNREFUSED/i.test(err?.message ?? '')) return 'down';
  return null;
}
