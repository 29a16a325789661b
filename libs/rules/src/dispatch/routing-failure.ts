/**
 * A ticket that cannot be routed never waits for ever (docs/rules.md, item 10). Whatever makes the
 * routing job fail (bad data, a bug, a constraint), after `maxFailures` failed attempts — about a
 * minute with the default retry schedule — the ticket goes to the office's dispute queue as a
 * failed routing, where the office designates it or (a national transfer) returns it
 * (沪府办〔2020〕49号 Art. 4(二): "对争议事项，由热线管理办公室指定转送"; Art. 4(一): the 5-WD return).
 */
export interface RoutingFailurePolicy {
  /** failed attempts after which the ticket is handed to the office */
  maxFailures: number;
}

export const DEFAULT_ROUTING_FAILURE_POLICY: RoutingFailurePolicy = Object.freeze({ maxFailures: 3 });

export type RoutingFailureVerdict = 'retry' | 'dispute';

/** `failures`: failed attempts so far, this one included. */
export function routingFailureVerdict(failures: number, policy: RoutingFailurePolicy = DEFAULT_ROUTING_FAILURE_POLICY): RoutingFailureVerdict {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures must be a positive integer, got ${failures}`);
  return failures >= policy.maxFailures ? 'dispute' : 'retry';
}

/** The dispute reason the office reads: how often it failed and the last error, shortened. */
export function routingFailureReason(failures: number, error: string): string {
  const oneLine = error.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
  return `自动派单连续失败 ${failures} 次（${short || '未知错误'}），转热线管理办公室指定承办单位或退回`;
}
