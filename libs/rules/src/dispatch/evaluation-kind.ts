/**
 * What a 好差评 evaluation becomes (docs/rules.md item 6; docs/contracts.md#ywtb-evaluations):
 * - `bad_review`: rating 1–2, a 差评 ticket (沪府办〔2020〕49号 Art. 6, 7);
 * - `suggestion`: rating 3–5 with a comment, 意见建议类评价, which "仍需回复" (Art. 4(六)): a
 *   suggestion ticket routed and answered like a portal suggestion;
 * - `statistic`: rating 3–5 without one, recorded for the figures only.
 */
export type EvaluationKind = 'bad_review' | 'suggestion' | 'statistic';

export function evaluationKind(rating: number, comment: string | null | undefined): EvaluationKind {
  if (rating === 1 || rating === 2) return 'bad_review';
  // Blank text carries no suggestion to answer.
  return typeof comment === 'string' && comment.trim() !== '' ? 'suggestion' : 'statistic';
}
