import { createHash } from 'node:crypto';
import { isInJurisdiction, isRegionCode, type CompiledDirectory } from '../directory';
import type { CanonicalTicket } from '../model/ticket';
import type { ExcludedMatter, IntakeConfig, IntakeDecision } from './intake.types';
import { DEFAULT_INTAKE_CONFIG } from './intake.types';
import { findOverride, mentionsAny } from './override.matcher';

/**
 * Intake (受理) before dispatch. Checks, in order:
 *
 * National transfers (国办转办) can only be accepted or returned — the national platform has no
 * "not accepted" message (docs/contracts.md#national-messages) — and are returned (沪府办〔2020〕49号 Art. 4(一)) when:
 *  1. elements are missing (要素不全): blank title, no identifiable request in the content, no
 *     region code or a malformed one;
 *  2. the region is outside the jurisdiction (超出本市事权范围).
 *
 * Local tickets (hotline, 一网通办):
 *  1. a location outside the jurisdiction → not accepted; no location → accepted, dispatch decides;
 *  2. no identifiable request (Yunnan Measures Art. 8(一)) → not accepted. A 差评 is exempt: the bad rating of
 *     a named unit's service is itself the request, and 沪府办〔2020〕49号 Art. 2 makes every 差评 a ticket;
 *  3. a matter the office has flagged (Yunnan Measures Art. 8(三)(四)) → not accepted;
 *  4. the archive rule (沪府办〔2020〕49号 Art. 4(一)) → archived as a general suggestion.
 * "Already accepted or in progress" (Yunnan Measures Art. 8(二)) and merging (Yunnan Measures Art. 13) need the store and
 * are done there, not here.
 *
 * Jurisdiction: see `isInJurisdiction` (the jurisdiction code itself, a directory region, or a
 * 9/12-digit code whose district is a directory region).
 */
export function checkIntake(
  ticket: CanonicalTicket,
  dir: CompiledDirectory,
  config: IntakeConfig = DEFAULT_INTAKE_CONFIG,
): IntakeDecision {
  return ticket.source === 'national' ? checkNational(ticket, dir, config) : checkLocal(ticket, dir, config);
}

/** sha256 hex of an ID number, trimmed and upper-cased (the check character may be 'x'). */
export function hashCitizenId(idNumber: string): string {
  return sha256(idNumber.trim().toUpperCase());
}

/** sha256 hex of a phone number's digits, without a leading 86 country code on mobile numbers. */
export function hashPhone(phone: string): string {
  let digits = phone.replace(/[^0-9]/g, '');
  if (digits.length > 11 && digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length > 11 && digits.startsWith('86')) digits = digits.slice(2);
  return sha256(digits);
}

/** Letters, digits and ideographs: what is left once spaces, punctuation and symbols are removed. */
export function meaningfulLength(text: string): number {
  let count = 0;
  for (const _char of text.replace(/[\s\p{P}\p{S}]/gu, '')) count++;
  return count;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function checkNational(ticket: CanonicalTicket, dir: CompiledDirectory, config: IntakeConfig): IntakeDecision {
  const missing: string[] = [];
  if (ticket.title.trim() === '') missing.push('缺少标题');
  if (meaningfulLength(ticket.content) < config.minContentChars) missing.push('诉求内容为空或过短，无明确诉求');
  const regionCode = ticket.location?.regionCode?.trim() ?? '';
  if (regionCode === '') missing.push('缺少行政区划代码');
  else if (!isRegionCode(regionCode)) missing.push(`行政区划代码 "${regionCode}" 格式不正确`);
  if (missing.length > 0) {
    return { action: 'return', reason: 'incomplete_elements', detail: `要素不全：${missing.join('；')}` };
  }
  if (!isInJurisdiction(dir, regionCode)) {
    return {
      action: 'return',
      reason: 'out_of_jurisdiction',
      detail: `行政区划 ${regionCode} 不在${dir.jurisdiction.name}（${dir.jurisdiction.regionCode}）事权范围内`,
    };
  }
  return 'accept';
}

function checkLocal(ticket: CanonicalTicket, dir: CompiledDirectory, config: IntakeConfig): IntakeDecision {
  const regionCode = ticket.location?.regionCode?.trim();
  if (regionCode && !isInJurisdiction(dir, regionCode)) {
    return {
      action: 'not_accepted',
      reasonCode: 'out_of_jurisdiction',
      reason: `诉求发生地（行政区划 ${regionCode}）不在${dir.jurisdiction.name}辖区内，请向当地反映`,
    };
  }
  if (ticket.kind !== 'evaluation' && meaningfulLength(ticket.content) < config.minContentChars) {
    return { action: 'not_accepted', reasonCode: 'no_request', reason: '诉求内容为空或过短，没有明确的投诉请求' };
  }
  const matter = flaggedMatter(ticket, config.excludedMatters);
  if (matter) {
    const concluded = matter.status === 'concluded';
    return {
      action: 'not_accepted',
      reasonCode: concluded ? 'concluded_repeat' : 'in_other_proceedings',
      reason: concluded
        ? '该事项已经办结，无新证明材料重复投诉，不予受理'
        : `该事项已经或正在通过${PROCEEDINGS[matter.status]}途径解决，不予受理`,
      matterId: matter.id,
    };
  }
  if (shouldArchive(ticket, dir, config)) {
    return { action: 'archive', reason: '不符合转送处理条件，按一般意见建议类归档' };
  }
  return 'accept';
}

const PROCEEDINGS: Record<ExcludedMatter['status'], string> = {
  litigation: '诉讼',
  arbitration: '仲裁',
  reconsideration: '行政复议',
  mediation: '调解',
  concluded: '办结',
};

function flaggedMatter(ticket: CanonicalTicket, matters: readonly ExcludedMatter[]): ExcludedMatter | undefined {
  if (matters.length === 0) return undefined;
  const idHash = ticket.citizen.idNumber ? hashCitizenId(ticket.citizen.idNumber) : undefined;
  const phoneHash = ticket.citizen.phone ? hashPhone(ticket.citizen.phone) : undefined;
  return matters.find((matter) => {
    const m = matter.match;
    const conditions = [m.respondentUnitCode, m.citizenIdHash, m.phoneHash, m.keywords];
    if (conditions.every((c) => c === undefined)) return false;
    if (m.respondentUnitCode !== undefined && m.respondentUnitCode !== ticket.respondent?.unitCode) return false;
    if (m.citizenIdHash !== undefined && m.citizenIdHash.toLowerCase() !== idHash) return false;
    if (m.phoneHash !== undefined && m.phoneHash.toLowerCase() !== phoneHash) return false;
    if (m.keywords !== undefined && !mentionsAny(ticket.title, ticket.content, m.keywords)) return false;
    // Yunnan Measures Art. 8(四) only bars a repeat "without new evidence": attachments may be that evidence,
    // so such a ticket is accepted and the handling unit judges it.
    if (matter.status === 'concluded' && ticket.attachments.length > 0) return false;
    return true;
  });
}

function shouldArchive(ticket: CanonicalTicket, dir: CompiledDirectory, config: IntakeConfig): boolean {
  const rule = config.archive;
  if (!rule || ticket.source === 'national') return false;
  if (!rule.kinds.includes(ticket.kind) || !rule.sources.includes(ticket.source)) return false;
  const given = (s: string | undefined): boolean => s !== undefined && s.trim() !== '';
  if (given(ticket.designatedUnitCode) || given(ticket.designatedUnitName)) return false;
  if (given(ticket.respondent?.unitCode) || given(ticket.respondent?.name)) return false;
  if (ticket.serviceItemCode !== undefined && dir.serviceItems.has(ticket.serviceItemCode)) return false;
  if (ticket.categoryCode !== undefined && dir.categories.get(ticket.categoryCode)?.line !== undefined) return false;
  return findOverride(ticket, dir) === undefined;
}
