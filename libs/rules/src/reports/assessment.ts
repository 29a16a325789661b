/**
 * The office's assessment weights (docs/contracts.md#report-api; 沪府办〔2020〕49号 Art. 8–9): how much a basically-satisfied
 * callback counts, and the weights of the three rates in the score. Cities weigh them differently.
 */
export interface AssessmentWeights {
  /** w: a basically satisfied (3) callback counts this much of a satisfied one */
  readonly basicallySatisfied: number;
  /** 三率 weights, summing to 1 */
  readonly contact: number;
  readonly resolution: number;
  readonly satisfaction: number;
}

export const DEFAULT_ASSESSMENT_WEIGHTS: AssessmentWeights = { basicallySatisfied: 0.9, contact: 0.1, resolution: 0.5, satisfaction: 0.4 };

export type WeightsCheck = { ok: true; value: AssessmentWeights } | { ok: false; fields: { path: string; message: string }[] };

/** Each weight in [0, 1] with at most 3 decimals; the three rates' weights sum to exactly 1. */
export function checkWeights(v: Record<string, unknown>): WeightsCheck {
  const fields: { path: string; message: string }[] = [];
  const keys = ['basicallySatisfied', 'contact', 'resolution', 'satisfaction'] as const;
  for (const k of keys) {
    const x = v[k];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1) fields.push({ path: k, message: 'must be a number from 0 to 1' });
    else if (Math.round(x * 1000) !== x * 1000 && Math.abs(Math.round(x * 1000) - x * 1000) > 1e-6) fields.push({ path: k, message: 'at most 3 decimals' });
  }
  for (const k of Object.keys(v)) if (!(keys as readonly string[]).includes(k)) fields.push({ path: k, message: 'is not a weight' });
  if (fields.length > 0) return { ok: false, fields };
  const sum = Math.round((v.contact as number) * 1000) + Math.round((v.resolution as number) * 1000) + Math.round((v.satisfaction as number) * 1000);
  if (sum !== 1000) return { ok: false, fields: [{ path: 'satisfaction', message: 'contact + resolution + satisfaction must be 1' }] };
  return { ok: true, value: { basicallySatisfied: v.basicallySatisfied as number, contact: v.contact as number, resolution: v.resolution as number, satisfaction: v.satisfaction as number } };
}
