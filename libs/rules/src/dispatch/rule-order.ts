/**
 * The order in which the dispatch rules are tried, per kind of ticket (docs/rules.md, item 3).
 *
 * - 差评 (一网通办 evaluations): the evaluated unit handles it — 谁审批、谁负责 (沪府办〔2020〕49号 Art. 3(二)(三):
 *   "市级部门负责本部门……“好差评”……的办理和反馈工作"; Art. 7: only that unit may object, through its
 *   authority). The respondent (the evaluated unit) therefore comes right after a designation and
 *   before the office's keyword overrides, which were written for hotline complaints.
 * - Everything else (hotline orders, portal suggestions, national transfers): designation, the
 *   office's overrides, the respondent, the competent line (以条为主), the district (各区托底)
 *   (沪府办〔2020〕49号 Art. 4(二)).
 * A designation always comes first: 指定谁、谁办理 (沪府办〔2020〕49号 Art. 4(二)).
 */
import type { TicketKind } from '../model/ticket';
import type { RoutingRule } from './dispatch.types';

export interface RuleOrder {
  /** which order applies, as written into the trace */
  name: 'evaluation' | 'default';
  rules: readonly RoutingRule[];
  /** why, in words an operator reads out */
  basis: string;
}

export const EVALUATION_ORDER: RuleOrder = Object.freeze({
  name: 'evaluation',
  rules: Object.freeze(['designated', 'respondent', 'override', 'service_item_line', 'category_line', 'district_backstop'] as const),
  basis: '差评由被评价单位办理（谁审批、谁负责，沪府办〔2020〕49号第三条、第七条），先于派单规则',
});

export const DEFAULT_ORDER: RuleOrder = Object.freeze({
  name: 'default',
  rules: Object.freeze(['designated', 'override', 'respondent', 'service_item_line', 'category_line', 'district_backstop'] as const),
  basis: '指定谁、谁办理；派单规则；谁审批、谁负责；以条为主；各区托底（沪府办〔2020〕49号第四条(二)）',
});

/** The rule order for a ticket: evaluations put the evaluated unit first; all others the default. */
export function ruleOrderFor(ticket: { kind?: TicketKind }): RuleOrder {
  return ticket.kind === 'evaluation' ? EVALUATION_ORDER : DEFAULT_ORDER;
}
