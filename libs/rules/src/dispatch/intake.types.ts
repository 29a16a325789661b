import type { Source, TicketKind } from '../model/ticket';

/**
 * How a matter the office knows about is being resolved elsewhere (Yunnan Measures Art. 8(三)(四)):
 * in court, in arbitration, in administrative reconsideration, in mediation, or already concluded.
 */
export type ExcludedMatterStatus = 'litigation' | 'arbitration' | 'reconsideration' | 'mediation' | 'concluded';

/**
 * A matter the office has flagged: new tickets about it are not accepted. A ticket is about the
 * matter when every condition given in `match` holds (a matter with no condition matches nothing).
 * Citizens are identified by hashes, never in clear, because this list is configuration that is
 * stored and logged (see `hashCitizenId`, `hashPhone`).
 */
export interface ExcludedMatter {
  id: string;
  status: ExcludedMatterStatus;
  match: {
    /** the respondent unit's code equals this */
    respondentUnitCode?: string;
    /** sha256 hex of the citizen's ID number (`hashCitizenId`) */
    citizenIdHash?: string;
    /** sha256 hex of the citizen's phone number (`hashPhone`) */
    phoneHash?: string;
    /** any of them in the title or the content */
    keywords?: readonly string[];
  };
  note?: string;
}

/**
 * Which local tickets are archived as general suggestions instead of being dispatched
 * (“本市投诉建议事项”中不符合转送处理条件的，按照一般意见建议类归档, 沪府办〔2020〕49号 Art. 4(一)):
 * a ticket of one of these kinds from one of these sources that gives nothing to dispatch on —
 * no designation, no respondent, no service item or category with a competent line, and no
 * directory override that applies.
 */
export interface ArchiveRule {
  kinds: readonly TicketKind[];
  sources: readonly Exclude<Source, 'national'>[];
}

export interface IntakeConfig {
  /**
   * Fewest meaningful characters (letters, digits, CJK ideographs; not spaces, punctuation or
   * symbols) the content must have to carry an identifiable request (Yunnan Measures Art. 8(一)).
   */
  minContentChars: number;
  excludedMatters: readonly ExcludedMatter[];
  /** null: nothing is archived, every accepted ticket is dispatched */
  archive: ArchiveRule | null;
}

/**
 * Defaults: 5 meaningful characters (shorter texts such as "你好" or "投诉！" name no request);
 * no flagged matters; local suggestions (建议) with nothing to dispatch on are archived.
 * Consultations (咨询) are not archived by default: a question about a line's policy must be
 * answered by that line, so they go through dispatch like any other ticket; an office that answers
 * them from its knowledge base adds 'consultation' to `archive.kinds`.
 */
export const DEFAULT_INTAKE_CONFIG: IntakeConfig = {
  minContentChars: 5,
  excludedMatters: [],
  archive: { kinds: ['suggestion'], sources: ['hotline', 'ywtb'] },
};

/**
 * out_of_jurisdiction – the location is outside the directory's jurisdiction;
 * no_request – no identifiable request (Yunnan Measures Art. 8(一));
 * in_other_proceedings – in litigation, arbitration, reconsideration or mediation (Yunnan Measures Art. 8(三));
 * concluded_repeat – concluded, repeated without new evidence (Yunnan Measures Art. 8(四)).
 */
export type NotAcceptedReasonCode = 'out_of_jurisdiction' | 'no_request' | 'in_other_proceedings' | 'concluded_repeat';

export type ReturnReason = 'out_of_jurisdiction' | 'incomplete_elements';

export type IntakeDecision =
  | 'accept'
  /** national transfers only: back to the national platform within 5 working days (沪府办〔2020〕49号 Art. 4(一)) */
  | { action: 'return'; reason: ReturnReason; detail: string }
  /** local sources only: the citizen is told why (不予受理, Yunnan Measures Art. 8, 11) */
  | { action: 'not_accepted'; reasonCode: NotAcceptedReasonCode; reason: string; matterId?: string }
  /** local sources only: kept as a general suggestion, not dispatched (沪府办〔2020〕49号 Art. 4(一)) */
  | { action: 'archive'; reason: string };
