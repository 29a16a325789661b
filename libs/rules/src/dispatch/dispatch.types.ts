import type { CanonicalTicket } from '../model/ticket';

/** What the dispatch engine reads from a ticket (a subset of the canonical ticket). */
export type RoutingInput = Pick<
  CanonicalTicket,
  | 'source'
  | 'title'
  | 'content'
  | 'categoryCode'
  | 'serviceItemCode'
  | 'respondent'
  | 'location'
  | 'designatedUnitCode'
  | 'designatedUnitName'
> & {
  /** decides the order of the rules (rule-order.ts): a 差评 goes to the evaluated unit first */
  kind?: CanonicalTicket['kind'];
  /** the hotline office's own designation for a disputed ticket (沪府办〔2020〕49号 Art. 4(二), Art. 7) */
  officeDesignatedUnitCode?: string;
};

/** The rule that chose the unit, in the order they are tried. */
export const ROUTING_RULES = [
  'designated',
  'override',
  'respondent',
  'service_item_line',
  'category_line',
  'district_backstop',
] as const;
export type RoutingRule = (typeof ROUTING_RULES)[number];

/**
 * `rule_order` says which order of the rules applies (rule-order.ts); `location` resolves the
 * ticket's district; `dispute` closes a trace that found no unit.
 */
export type TraceStepName = 'rule_order' | 'location' | RoutingRule | 'dispute';

/**
 * matched: this step chose (or, for `location`, resolved the district);
 * skipped: the ticket does not carry what the step needs (no designation, no respondent…);
 * no_match: it does, but it leads nowhere (unknown code, no branch in the district…).
 */
export type TraceResult = 'matched' | 'skipped' | 'no_match';

export type TraceValue = string | number | boolean | null | readonly string[];

export interface TraceStep {
  step: TraceStepName;
  result: TraceResult;
  /** a sentence an operator can read out to a unit that objects */
  detail: string;
  /** the codes the step used */
  data: Readonly<Record<string, TraceValue>>;
}

/**
 * Why nothing fitted, judged by the last resort (各区托底) that failed:
 * no_location – the ticket has no location; unknown_region – its region code is malformed or not in
 * the directory; no_district – it is located at city level only (the jurisdiction's own code);
 * no_district_government – the district has no government in the directory.
 */
export type DisputeReasonCode = 'no_location' | 'unknown_region' | 'no_district' | 'no_district_government';

export interface UnitDecision {
  outcome: 'unit';
  unitCode: string;
  unitName: string;
  rule: RoutingRule;
  directoryVersion: string;
  trace: TraceStep[];
}

/** Nothing fits: the hotline office designates by hand (争议事项由热线管理办公室指定转送, 沪府办〔2020〕49号 Art. 4(二)). */
export interface DisputeDecision {
  outcome: 'dispute';
  reasonCode: DisputeReasonCode;
  reason: string;
  directoryVersion: string;
  trace: TraceStep[];
}

export type RoutingDecision = UnitDecision | DisputeDecision;
