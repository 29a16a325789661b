/**
 * Which clock policy applies to a ticket, as data: a table of (source, kind) rules and a default.
 * Kept out of code so an installation (e.g. a Yunnan hub) changes a table, not a function.
 */
import type { Source, TicketKind } from '../model/ticket';

export type Urgency = 'normal' | 'urgent';

export interface PolicySelectionRule {
  /** matches any source when absent */
  source?: Source;
  /** matches any kind when absent */
  kind?: TicketKind;
  /** the order's urgency (hotline `urgency`, docs/contracts.md#hotline-orders); matches any when absent */
  urgency?: Urgency;
  policyId: string;
}

export interface PolicySelectionTable {
  rules: readonly PolicySelectionRule[];
  /** the policy when no rule matches */
  defaultPolicyId: string;
}

/**
 * Shanghai's hub: national transfers run on the national clock (25 WD, 沪府办〔2020〕49号 Art. 5); everything
 * else — hotline orders, 一网通办 差评 and suggestions — on 1/5/15.
 */
export const DEFAULT_POLICY_TABLE: PolicySelectionTable = Object.freeze({
  rules: Object.freeze([Object.freeze({ source: 'national', policyId: 'national' } as const)]),
  defaultPolicyId: 'shanghai-1-5-15',
});

/**
 * The policy id for a ticket. The most specific matching rule wins (more of source, kind and
 * urgency named beats fewer); among equally specific rules the first listed wins, so the table
 * reads top-down without surprises. No match → `defaultPolicyId`.
 */
export function selectPolicy(table: PolicySelectionTable, source: Source, kind: TicketKind, urgency: Urgency = 'normal'): string {
  let best: PolicySelectionRule | undefined;
  let bestScore = -1;
  for (const rule of table.rules) {
    if (rule.source !== undefined && rule.source !== source) continue;
    if (rule.kind !== undefined && rule.kind !== kind) continue;
    if (rule.urgency !== undefined && rule.urgency !== urgency) continue;
    const score = (rule.source !== undefined ? 1 : 0) + (rule.kind !== undefined ? 1 : 0) + (rule.urgency !== undefined ? 1 : 0);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best ? best.policyId : table.defaultPolicyId;
}
