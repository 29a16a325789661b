import type { Source } from '../model/ticket';
import type {
  DirectoryCategory,
  DirectoryDocument,
  DirectoryLine,
  DirectoryRegion,
  DirectoryServiceItem,
  DirectoryUnit,
} from './directory.types';

/** A directory override in the form the dispatch engine tests it. */
export interface CompiledOverride {
  readonly id: string;
  /** position in the try order (0 first): more conditions first, then longer region prefix, then file order */
  readonly rank: number;
  readonly unitCode: string;
  readonly categoryCode?: string;
  readonly serviceItemCode?: string;
  readonly regionPrefix?: string;
  readonly keywords?: readonly string[];
  readonly source?: Source;
  readonly note?: string;
  /** names of the conditions in `when`, for the trace */
  readonly conditions: readonly string[];
}

/**
 * Overrides bucketed by their most selective condition so a ticket only tests the few that can
 * match it. Every list is in rank order.
 */
export interface OverrideIndex {
  readonly byCategory: ReadonlyMap<string, readonly CompiledOverride[]>;
  readonly byServiceItem: ReadonlyMap<string, readonly CompiledOverride[]>;
  readonly byRegionPrefix: ReadonlyMap<string, readonly CompiledOverride[]>;
  /** distinct lengths of the region prefixes in `byRegionPrefix` */
  readonly regionPrefixLengths: readonly number[];
  /** overrides with none of the keyed conditions (keywords and/or source only) */
  readonly unkeyed: readonly CompiledOverride[];
}

/** A directory version indexed for routing: every lookup the engine makes is a map access. */
export interface CompiledDirectory {
  readonly version: string;
  readonly jurisdiction: DirectoryDocument['jurisdiction'];
  readonly regions: ReadonlyMap<string, DirectoryRegion>;
  /** district (6-digit region whose parent is the jurisdiction) of every directory region inside one */
  readonly districtOfRegion: ReadonlyMap<string, string>;
  readonly lines: ReadonlyMap<string, DirectoryLine>;
  readonly units: ReadonlyMap<string, DirectoryUnit>;
  /** exact unit name → unit; null when two units share the name (national transfers name units) */
  readonly unitsByName: ReadonlyMap<string, DirectoryUnit | null>;
  readonly categories: ReadonlyMap<string, DirectoryCategory>;
  readonly serviceItems: ReadonlyMap<string, DirectoryServiceItem>;
  /** line code → its city-level unit (市级主管部门) */
  readonly cityUnitOfLine: ReadonlyMap<string, DirectoryUnit>;
  /** line code → region code → the line's branch responsible for that region (区级/街镇) */
  readonly branchesOfLine: ReadonlyMap<string, ReadonlyMap<string, DirectoryUnit>>;
  /** district code → district government (区政府), the backstop (各区托底) */
  readonly districtGovernments: ReadonlyMap<string, DirectoryUnit>;
  /** the hotline office (热线管理办公室), which works the dispute queue */
  readonly office: DirectoryUnit | undefined;
  /** every override in try order */
  readonly overrides: readonly CompiledOverride[];
  readonly overrideIndex: OverrideIndex;
  /** the document it was compiled from (calendar etc.) */
  readonly document: DirectoryDocument;
}
