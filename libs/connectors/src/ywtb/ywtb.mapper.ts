import { evaluationKind } from '@hub/rules/dispatch/evaluation-kind';
import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { compact, isWithoutIdentity, toCitizen, toLocation } from '../common/canonical-parts.util';
import type { YwtbEvaluationDto } from './ywtb-evaluation.dto';
import type { YwtbSuggestionDto } from './ywtb-suggestion.dto';

/**
 * 差评: rating 1 (非常不满意) or 2 (不满意) becomes a ticket; 3–5 are only recorded for statistics and
 * answered 202 (docs/contracts.md#ywtb-evaluations).
 */
export function isBadReview(rating: number): boolean {
  return rating === 1 || rating === 2;
}

/** Whether an evaluation becomes a ticket: a 差评, or a 3–5 rating with a suggestion to answer (docs/rules.md item 6). */
export function becomesTicket(dto: Pick<YwtbEvaluationDto, 'rating' | 'comment'>): boolean {
  return evaluationKind(dto.rating, dto.comment) !== 'statistic';
}

const RATING_LABELS: Readonly<Record<number, string>> = { 1: '非常不满意', 2: '不满意', 3: '基本满意', 4: '满意', 5: '非常满意' };

/**
 * A 差评, or a suggestion-type evaluation (意见建议类评价: 3–5 with a comment, kind `suggestion`,
 * docs/rules.md item 6), as the canonical ticket. The evaluated unit and staff member are the
 * respondent (被评价对象), not a designated handler: who handles it is the router's decision. Both
 * keep the evaluation as their record, so their status events go to the evaluation's path. Throws
 * for a bare 3–5 rating, which must not become a ticket; check becomesTicket first.
 */
export function mapYwtbEvaluation(dto: YwtbEvaluationDto): CanonicalTicket {
  const kind = evaluationKind(dto.rating, dto.comment);
  if (kind === 'statistic') {
    throw new RangeError(`evaluation ${dto.evaluationId} has rating ${dto.rating} and no comment: it is recorded, not a ticket`);
  }
  const reasons = dto.reasons ?? [];
  return compact<CanonicalTicket>({
    source: 'ywtb',
    sourceRecord: 'evaluation',
    externalId: dto.evaluationId,
    kind: kind === 'bad_review' ? 'evaluation' : 'suggestion',
    channel: dto.channel,
    categoryCode: undefined,
    title: `${kind === 'bad_review' ? '差评' : '评价建议'}：${dto.serviceItemName ?? dto.serviceItemCode}`,
    content: evaluationContent(dto, reasons),
    citizen: toCitizen(dto.applicant, { anonymous: isWithoutIdentity(dto.applicant), confidential: false }),
    respondent: compact({ unitCode: dto.unitCode, staffId: dto.staffId }),
    serviceItemCode: dto.serviceItemCode,
    urgency: 'normal',
    complex: false,
    attachments: [],
    receivedAt: dto.evaluatedAt,
    evaluation: compact({
      projectNo: dto.projectNo,
      rating: dto.rating,
      reasons,
      serviceItemName: dto.serviceItemName,
      staffId: dto.staffId,
      evaluatedAt: dto.evaluatedAt,
    }),
  });
}

/** The handler reads the content first: it states the rating and project, then reasons and comment. */
function evaluationContent(dto: YwtbEvaluationDto, reasons: readonly string[]): string {
  const lines = [
    `一网通办${isBadReview(dto.rating) ? '差评' : '意见建议类评价'}：${dto.rating} 分（${RATING_LABELS[dto.rating] ?? ''}），办件编号 ${dto.projectNo}，事项 ${
      dto.serviceItemName === undefined ? dto.serviceItemCode : `${dto.serviceItemName}（${dto.serviceItemCode}）`
    }。`,
  ];
  if (reasons.length > 0) lines.push(`${isBadReview(dto.rating) ? '差评原因' : '评价原因'}：${reasons.join('；')}`);
  lines.push(dto.comment === undefined ? '评价内容：（未填写）' : `评价内容：${dto.comment}`);
  return lines.join('\n');
}

/** A portal / 随申办 suggestion as the canonical ticket. */
export function mapYwtbSuggestion(dto: YwtbSuggestionDto): CanonicalTicket {
  return compact<CanonicalTicket>({
    source: 'ywtb',
    sourceRecord: 'suggestion',
    externalId: dto.suggestionId,
    kind: 'suggestion',
    channel: dto.channel,
    categoryCode: dto.categoryCode,
    title: dto.title,
    content: dto.content,
    citizen: toCitizen(dto.citizen, { anonymous: dto.citizen.anonymous, confidential: dto.citizen.confidential }),
    serviceItemCode: dto.serviceItemCode,
    location: dto.location === undefined ? undefined : toLocation(dto.location),
    urgency: 'normal',
    complex: false,
    attachments: [],
    receivedAt: dto.submittedAt,
  });
}
