/**
 * Yunnan Measures Art. 13: "同一投诉事项通过不同渠道分别投诉的，政务服务机构接收后可以合并处理" — the *same
 * matter*: a 差评 is about one 办件 (projectNo), so two 差评 about two 办件 are two matters.
 */
import { forMergedSource, mergeScope } from './merge-scope';

const evaluation = (projectNo?: string) => ({
  source: 'ywtb' as const,
  kind: 'evaluation' as const,
  evaluation: projectNo === undefined ? undefined : { projectNo, rating: 1, reasons: [], evaluatedAt: '2026-11-20T10:00:00+08:00' },
});

describe('mergeScope (Yunnan Measures Art. 13)', () => {
  it('a 差评 merges only by its 办件 number', () => {
    expect(mergeScope(evaluation('PJ-1'))).toEqual({ by: 'project', projectNo: 'PJ-1' });
    expect(mergeScope(evaluation(' PJ-1 '))).toEqual({ by: 'project', projectNo: 'PJ-1' });
    expect(mergeScope(evaluation(''))).toMatchObject({ by: 'none' });
    expect(mergeScope(evaluation())).toMatchObject({ by: 'none' });
  });

  it('hotline and portal tickets keep the similarity rule; national transfers never merge', () => {
    expect(mergeScope({ source: 'hotline', kind: 'complaint' })).toEqual({ by: 'similarity' });
    expect(mergeScope({ source: 'ywtb', kind: 'suggestion' })).toEqual({ by: 'similarity' });
    expect(mergeScope({ source: 'national', kind: 'complaint' })).toMatchObject({ by: 'none' });
  });
});

describe('forMergedSource: a merged source hears the state, not the content', () => {
  it('drops reason and replyPoints, keeps the rest', () => {
    const d = { occurredAt: 'x', unit: { code: 'U', name: 'N' }, due: { resolve: 'y' }, reason: '他人的诉求', replyPoints: '他人的答复' };
    expect(forMergedSource(d)).toEqual({ occurredAt: 'x', unit: { code: 'U', name: 'N' }, due: { resolve: 'y' }, reason: null, replyPoints: null });
    expect(d.replyPoints).toBe('他人的答复'); // not mutated
  });
});
