/** The directory document (docs/contracts.md#directory, `directory.schema.json`). */
export type UnitKind = 'line' | 'block' | 'office' | 'authority';
export type Level = 'city' | 'district' | 'street';

export interface DirectoryRegion {
  code: string;
  name: string;
  parent: string;
}
export interface DirectoryLine {
  code: string;
  name: string;
}
export interface DirectoryUnit {
  code: string;
  name: string;
  kind: UnitKind;
  level: Level;
  region: string;
  line?: string;
  parent?: string;
  endpoint?: string;
}
export interface DirectoryCategory {
  code: string;
  name: string;
  line?: string;
  level?: Level;
}
export interface DirectoryServiceItem {
  code: string;
  name: string;
  line: string;
  level: Level;
}
export interface DirectoryOverride {
  id: string;
  when: {
    categoryCode?: string;
    serviceItemCode?: string;
    /** prefix of the ticket's region code */
    regionCode?: string;
    /** any of them in title or content */
    keywords?: string[];
    source?: 'hotline' | 'ywtb' | 'national';
  };
  unit: string;
  note?: string;
}
export interface CalendarYear {
  year: number;
  published?: boolean;
  /** YYYY-MM-DD days off (statutory holidays, including the weekend days inside them) */
  holidays: string[];
  /** YYYY-MM-DD weekend days that are worked (调休 make-up days) */
  workdays: string[];
}
export interface DirectoryDocument {
  version: string;
  jurisdiction: { regionCode: string; name: string; timezone: string };
  regions: DirectoryRegion[];
  lines: DirectoryLine[];
  units: DirectoryUnit[];
  categories: DirectoryCategory[];
  serviceItems: DirectoryServiceItem[];
  overrides?: DirectoryOverride[];
  calendar: CalendarYear[];
}
