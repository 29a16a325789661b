/**
 * The figures as flat columns (xlsx sheets, the dashboard's table): one list, in the answer's
 * order, so a workbook's cells can be compared with the JSON path by path.
 */
import type { Figures } from './figures';

export const FIGURE_COLUMNS: readonly string[] = [
  'received.all', 'received.hotline', 'received.ywtb', 'received.national', 'received.open311',
  'notAccepted', 'merged', 'archived', 'dispatched', 'disputed',
  'contact.due', 'contact.onTime', 'contact.late', 'contact.rate',
  'resolve.due', 'resolve.onTime', 'resolve.late', 'resolve.rate',
  'objections.filed', 'objections.accepted', 'objections.refused',
  'extensions.requested', 'extensions.approved',
  'appeals.filed', 'appeals.upheld',
  'reopened', 'terminated', 'supervised',
  'callbacks.done', 'callbacks.satisfied', 'callbacks.basicallySatisfied', 'callbacks.dissatisfied', 'callbacks.resolved', 'callbacks.satisfactionRate',
  'threeRates.contactRate', 'threeRates.resolutionRate', 'threeRates.satisfactionRate', 'threeRates.score',
];

/** The value at a column's path (null for a rate without denominator). */
export function figureAt(f: Figures, path: string): number | null {
  let v: unknown = f;
  for (const p of path.split('.')) v = (v as Record<string, unknown>)[p];
  return v as number | null;
}

/** Figures a drill-down can list: the counts (rates are not lists). */
export const DRILLABLE: readonly string[] = FIGURE_COLUMNS.filter((c) => !/rate$|Rate$|score$/.test(c));
