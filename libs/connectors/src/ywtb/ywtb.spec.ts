import { contentHash } from '../common/content-hash.util';
import { validateBody } from '../common/validate-body.util';
import { YwtbEvaluationDto } from './ywtb-evaluation.dto';
import { YwtbSuggestionDto } from './ywtb-suggestion.dto';
import { becomesTicket, isBadReview, mapYwtbEvaluation, mapYwtbSuggestion } from './ywtb.mapper';

function evaluation(): Record<string, unknown> {
  return {
    evaluationId: 'EV-1',
    projectNo: 'P-2026-0001',
    serviceItemCode: 'SI-310',
    serviceItemName: '居住证办理',
    unitCode: 'U-PSB-XH',
    staffId: 'W-007',
    channel: 'window',
    rating: 1,
    reasons: ['等待时间长', '态度差'],
    comment: '排队两小时',
    evaluatedAt: '2026-11-20T15:00:00+08:00',
    applicant: { name: '张三', phone: '13812345678', idType: 'id_card', idNumber: '11010519491231002X' },
  };
}

function suggestion(): Record<string, unknown> {
  return {
    suggestionId: 'SG-1',
    submittedAt: '2026-11-20T15:00:00+08:00',
    channel: 'app',
    categoryCode: 'C09',
    title: '建议增加夜间窗口',
    content: '下班后无法办理',
    citizen: { name: '李四', anonymous: false, confidential: false },
    serviceItemCode: 'SI-1',
    location: { regionCode: '310104' },
  };
}

function fieldPaths<T extends object>(dto: new () => T, body: unknown): string[] {
  const r = validateBody(dto, body);
  return r.ok ? [] : r.fields.map((f) => f.path);
}

describe('YwtbEvaluationDto', () => {
  it('accepts a full evaluation', () => {
    expect(fieldPaths(YwtbEvaluationDto, evaluation())).toEqual([]);
  });

  it.each(['evaluationId', 'projectNo', 'serviceItemCode', 'unitCode', 'channel', 'rating', 'evaluatedAt', 'applicant'])(
    'reports a missing %s',
    (field) => {
      const body = evaluation();
      delete body[field];
      expect(fieldPaths(YwtbEvaluationDto, body)).toEqual([field]);
    },
  );

  it.each([0, 6, 2.5, '1', null])('rejects rating %p', (rating) => {
    expect(fieldPaths(YwtbEvaluationDto, { ...evaluation(), rating })).toEqual(['rating']);
  });

  it.each([
    ['channel', 'email'],
    ['reasons', 'slow'],
    ['reasons', [1]],
    ['reasons', Array.from({ length: 21 }, () => 'r')],
    ['comment', 'x'.repeat(20001)],
  ])('rejects %s = %p', (field, value) => {
    expect(fieldPaths(YwtbEvaluationDto, { ...evaluation(), [field]: value })).toEqual([field]);
  });

  it('checks the applicant like a citizen, without anonymity flags', () => {
    expect(fieldPaths(YwtbEvaluationDto, { ...evaluation(), applicant: {} })).toEqual([]);
    expect(fieldPaths(YwtbEvaluationDto, { ...evaluation(), applicant: { idType: 'uscc', idNumber: '91350100M000100Y44' } })).toEqual([
      'applicant.idNumber',
    ]);
    expect(fieldPaths(YwtbEvaluationDto, { ...evaluation(), applicant: { phone: '555' } })).toEqual(['applicant.phone']);
  });
});

describe('YwtbSuggestionDto', () => {
  it('accepts a suggestion', () => {
    expect(fieldPaths(YwtbSuggestionDto, suggestion())).toEqual([]);
  });

  it.each(['suggestionId', 'submittedAt', 'channel', 'title', 'content', 'citizen'])('reports a missing %s', (field) => {
    const body = suggestion();
    delete body[field];
    expect(fieldPaths(YwtbSuggestionDto, body)).toEqual([field]);
  });

  it('requires the docs/contracts.md#hotline-orders citizen flags', () => {
    expect(fieldPaths(YwtbSuggestionDto, { ...suggestion(), citizen: { name: '李四' } })).toEqual(['citizen.anonymous', 'citizen.confidential']);
  });

  it('rejects a channel of the evaluation list', () => {
    expect(fieldPaths(YwtbSuggestionDto, { ...suggestion(), channel: 'pc' })).toEqual(['channel']);
  });
});

describe('isBadReview', () => {
  it.each([
    [1, true],
    [2, true],
    [3, false],
    [4, false],
    [5, false],
  ])('rating %d → %p', (rating, bad) => expect(isBadReview(rating)).toBe(bad));
});

describe('mapYwtbEvaluation', () => {
  const dto = (body: Record<string, unknown>): YwtbEvaluationDto => {
    const r = validateBody(YwtbEvaluationDto, body);
    if (!r.ok) throw new Error(JSON.stringify(r.fields));
    return r.value;
  };

  it('maps a 差评 to an evaluation ticket', () => {
    const ticket = mapYwtbEvaluation(dto(evaluation()));
    expect(ticket).toEqual({
      source: 'ywtb',
      sourceRecord: 'evaluation',
      externalId: 'EV-1',
      kind: 'evaluation',
      channel: 'window',
      title: '差评：居住证办理',
      content: '一网通办差评：1 分（非常不满意），办件编号 P-2026-0001，事项 居住证办理（SI-310）。\n差评原因：等待时间长；态度差\n评价内容：排队两小时',
      citizen: { name: '张三', phone: '13812345678', idType: 'id_card', idNumber: '11010519491231002X', anonymous: false, confidential: false },
      respondent: { unitCode: 'U-PSB-XH', staffId: 'W-007' },
      serviceItemCode: 'SI-310',
      urgency: 'normal',
      complex: false,
      attachments: [],
      receivedAt: '2026-11-20T15:00:00+08:00',
      evaluation: {
        projectNo: 'P-2026-0001',
        rating: 1,
        reasons: ['等待时间长', '态度差'],
        serviceItemName: '居住证办理',
        staffId: 'W-007',
        evaluatedAt: '2026-11-20T15:00:00+08:00',
      },
    });
    expect(ticket).not.toHaveProperty('categoryCode');
  });

  it('uses the item code when the name is missing, and is anonymous without identity', () => {
    const body = evaluation();
    delete body.serviceItemName;
    delete body.reasons;
    delete body.comment;
    delete body.staffId;
    body.rating = 2;
    body.applicant = {};
    const ticket = mapYwtbEvaluation(dto(body));
    expect(ticket.title).toBe('差评：SI-310');
    expect(ticket.content).toBe('一网通办差评：2 分（不满意），办件编号 P-2026-0001，事项 SI-310。\n评价内容：（未填写）');
    expect(ticket.citizen).toEqual({ anonymous: true, confidential: false });
    expect(ticket.respondent).toEqual({ unitCode: 'U-PSB-XH' });
    expect(ticket.evaluation).toEqual({ projectNo: 'P-2026-0001', rating: 2, reasons: [], evaluatedAt: '2026-11-20T15:00:00+08:00' });
  });

  it('a 3–5 rating with a comment is a suggestion-type evaluation (意见建议类评价): a suggestion ticket on the evaluation\'s record', () => {
    const ticket = mapYwtbEvaluation(dto({ ...evaluation(), rating: 4, reasons: [], comment: '建议增加周末窗口' }));
    expect(ticket).toMatchObject({ sourceRecord: 'evaluation', externalId: 'EV-1', kind: 'suggestion', title: '评价建议：居住证办理', respondent: { unitCode: 'U-PSB-XH' } });
    expect(ticket.content).toBe('一网通办意见建议类评价：4 分（满意），办件编号 P-2026-0001，事项 居住证办理（SI-310）。\n评价内容：建议增加周末窗口');
    expect(becomesTicket({ rating: 4, comment: '建议增加周末窗口' })).toBe(true);
  });

  it('refuses a 3–5 rating without a comment: it is a statistic, not a ticket', () => {
    const body = { ...evaluation(), rating: 3 };
    delete (body as Record<string, unknown>).comment;
    expect(() => mapYwtbEvaluation(dto(body))).toThrow(/recorded, not a ticket/);
    expect(becomesTicket({ rating: 5, comment: '  ' })).toBe(false);
  });
});

describe('mapYwtbSuggestion', () => {
  it('maps a suggestion', () => {
    const r = validateBody(YwtbSuggestionDto, suggestion());
    if (!r.ok) throw new Error('invalid');
    expect(mapYwtbSuggestion(r.value)).toEqual({
      source: 'ywtb',
      sourceRecord: 'suggestion',
      externalId: 'SG-1',
      kind: 'suggestion',
      channel: 'app',
      categoryCode: 'C09',
      title: '建议增加夜间窗口',
      content: '下班后无法办理',
      citizen: { name: '李四', anonymous: false, confidential: false },
      serviceItemCode: 'SI-1',
      location: { regionCode: '310104' },
      urgency: 'normal',
      complex: false,
      attachments: [],
      receivedAt: '2026-11-20T15:00:00+08:00',
    });
  });

  it('fingerprints the same content the same, whatever extra fields come along', () => {
    const a = validateBody(YwtbSuggestionDto, suggestion());
    const b = validateBody(YwtbSuggestionDto, { ...suggestion(), trackingId: 'x', citizen: { ...(suggestion().citizen as object), openId: 'y' } });
    const c = validateBody(YwtbSuggestionDto, { ...suggestion(), content: '别的内容' });
    if (!a.ok || !b.ok || !c.ok) throw new Error('invalid');
    expect(contentHash(a.value)).toBe(contentHash(b.value));
    expect(contentHash(a.value)).not.toBe(contentHash(c.value));
  });
});
