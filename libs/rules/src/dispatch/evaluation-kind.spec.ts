/**
 * 沪府办〔2020〕49号 Art. 4(六): "对意见建议类评价，“好差评”仍需回复" — a 3–5 rating that carries a
 * suggestion is answered too; a 差评 (1–2) is a ticket of its own kind; a bare good rating is a
 * statistic (docs/rules.md item 6).
 */
import fc from 'fast-check';
import { evaluationKind } from './evaluation-kind';

describe('what a 好差评 evaluation becomes (沪府办〔2020〕49号 Art. 4(六) "意见建议类评价…仍需回复")', () => {
  it('1–2 are 差评 whatever the comment', () => {
    expect(evaluationKind(1, undefined)).toBe('bad_review');
    expect(evaluationKind(2, '窗口等候太久')).toBe('bad_review');
  });

  it('3–5 with a comment are suggestion-type evaluations that need a reply', () => {
    expect(evaluationKind(3, '建议增加自助终端')).toBe('suggestion');
    expect(evaluationKind(5, '很满意，建议延长周末服务时间')).toBe('suggestion');
  });

  it('3–5 without a comment, or with blank text, stay statistics', () => {
    for (const c of [undefined, null, '', '   \n']) expect(evaluationKind(4, c)).toBe('statistic');
  });

  it('property: only ratings 3–5 with non-blank text are suggestions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.option(fc.string(), { nil: undefined }), (rating, comment) => {
        const kind = evaluationKind(rating, comment);
        expect(kind === 'suggestion').toBe(rating >= 3 && comment !== undefined && comment.trim() !== '');
        expect(kind === 'bad_review').toBe(rating <= 2);
      }),
    );
  });
});
