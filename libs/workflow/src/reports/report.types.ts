import type { Figures, ReportPeriod } from '@hub/rules/reports';
import type { GroupBy } from '@hub/store';

/** A validated report question (apps/gateway reports.query.ts builds it from the query string). */
export interface ReportQuestion {
  period: ReportPeriod;
  asOf: Date;
  groupBy: GroupBy;
  /** a unit's own report */
  unit?: string | null;
}

export interface ReportGroup extends Figures {
  key: string | null;
  name: string | null;
}

/** The answer of docs/contracts.md#report-api, key order fixed (the same question gives the same bytes). */
export interface ReportAnswer {
  from: string;
  to: string;
  period: string | null;
  asOf: string;
  groupBy: GroupBy;
  unit?: string;
  weights: { version: number; basicallySatisfied: number; contact: number; resolution: number; satisfaction: number };
  total: Figures;
  groups: ReportGroup[];
}
