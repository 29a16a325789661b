import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import directorySchema from './directory.schema.json';
import type { DirectoryDocument, DirectoryUnit } from './directory.types';
import { significantPrefix, isInsideRegion } from './region-code.util';

/** One problem in an imported directory; `path` names the entry, e.g. `units[17].line`. */
export interface DirectoryError {
  path: string;
  message: string;
}

export type DirectoryValidationResult =
  | { ok: true; directory: DirectoryDocument }
  | { ok: false; errors: DirectoryError[] };

/**
 * An operator fixing a broken import needs every problem at once, not one per attempt, but a
 * wrong file (say, another city's) would produce thousands: the list stops here and a last
 * entry says how many more there were.
 */
export const MAX_DIRECTORY_ERRORS = 200;

/** Path used for problems of the whole document (not JSON, wrong root type, too many errors). */
export const DOCUMENT_PATH = '(document)';

export function formatDirectoryError(error: DirectoryError): string {
  return `${error.path}: ${error.message}`;
}

/**
 * Validates an imported directory (docs/contracts.md#directory-validation): first the JSON schema, then the meaning.
 * The semantic checks run only on a document that passed the schema, because they rely on its
 * shape; their errors name the offending entry so the operator can fix the file.
 */
export function validateDirectory(doc: unknown): DirectoryValidationResult {
  const errors = new ErrorList();
  if (!schemaValidator()(doc)) {
    for (const e of schemaValidator().errors ?? []) errors.add(...fromAjvError(e));
    return { ok: false, errors: errors.list() };
  }
  const directory = doc as DirectoryDocument;
  checkSemantics(directory, errors);
  return errors.isEmpty() ? { ok: true, directory } : { ok: false, errors: errors.list() };
}

// ---------------------------------------------------------------------------------------------
// JSON schema

type SchemaValidator = ReturnType<Ajv2020['compile']>;
let compiled: SchemaValidator | undefined;

function schemaValidator(): SchemaValidator {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    addFormats(ajv, ['date']);
    compiled = ajv.compile(directorySchema);
  }
  return compiled;
}

function fromAjvError(e: ErrorObject): [string, string] {
  const base = pointerToPath(e.instancePath);
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return [join(base, missing), 'is required'];
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return [base || DOCUMENT_PATH, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`];
  }
  if (e.keyword === 'format') {
    return [base || DOCUMENT_PATH, `${JSON.stringify(e.data)} ${e.message ?? 'has a wrong format'}`];
  }
  return [base || DOCUMENT_PATH, e.message ?? `fails "${e.keyword}"`];
}

/** `/units/17/line` → `units[17].line` */
function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^[0-9]+$/.test(segment) ? `${path}[${segment}]` : join(path, segment);
  }
  return path;
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks

class ErrorList {
  private readonly errors: DirectoryError[] = [];
  private dropped = 0;

  add(path: string, message: string): void {
    if (this.errors.length < MAX_DIRECTORY_ERRORS) this.errors.push({ path, message });
    else this.dropped++;
  }

  isEmpty(): boolean {
    return this.errors.length === 0;
  }

  list(): DirectoryError[] {
    if (this.dropped === 0) return this.errors;
    return [...this.errors, { path: DOCUMENT_PATH, message: `${this.dropped} more errors not shown` }];
  }
}

/** Index of the first entry per key; later entries with the same key are reported. */
function uniqueIndex<T>(
  items: readonly T[],
  collection: string,
  field: string,
  keyOf: (item: T) => string,
  errors: ErrorList,
): Map<string, number> {
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const first = index.get(key);
    if (first === undefined) index.set(key, i);
    else errors.add(`${collection}[${i}].${field}`, `duplicate ${field} "${key}" (first at ${collection}[${first}])`);
  });
  return index;
}

function checkSemantics(doc: DirectoryDocument, errors: ErrorList): void {
  const jurisdiction = doc.jurisdiction.regionCode;
  checkTimezone(doc.jurisdiction.timezone, errors);

  const regions = uniqueIndex(doc.regions, 'regions', 'code', (r) => r.code, errors);
  const lines = uniqueIndex(doc.lines, 'lines', 'code', (l) => l.code, errors);
  const units = uniqueIndex(doc.units, 'units', 'code', (u) => u.code, errors);
  const categories = uniqueIndex(doc.categories, 'categories', 'code', (c) => c.code, errors);
  const items = uniqueIndex(doc.serviceItems, 'serviceItems', 'code', (s) => s.code, errors);
  uniqueIndex(doc.overrides ?? [], 'overrides', 'id', (o) => o.id, errors);
  uniqueIndex(doc.calendar, 'calendar', 'year', (c) => String(c.year), errors);

  const isRegion = (code: string): boolean => code === jurisdiction || regions.has(code);

  doc.regions.forEach((region, i) => {
    if (!isRegion(region.parent)) {
      errors.add(`regions[${i}].parent`, `no region "${region.parent}" (nor the jurisdiction ${jurisdiction})`);
    } else if (!isInsideRegion(region.code, region.parent)) {
      errors.add(`regions[${i}].code`, `"${region.code}" is not inside its parent "${region.parent}"`);
    }
  });

  checkUnits(doc, { isRegion, lines, units }, errors);
  checkDistrictGovernments(doc, jurisdiction, errors);

  doc.categories.forEach((category, i) => {
    if (category.line !== undefined && !lines.has(category.line)) {
      errors.add(`categories[${i}].line`, `no line "${category.line}"`);
    }
    // 谁主管谁负责 needs both the competent line and the level that holds the power.
    if (category.line !== undefined && category.level === undefined) {
      errors.add(`categories[${i}].level`, `category with line "${category.line}" must give the level that holds the power`);
    }
    if (category.line === undefined && category.level !== undefined) {
      errors.add(`categories[${i}].line`, `level "${category.level}" given without a line`);
    }
  });
  doc.serviceItems.forEach((item, i) => {
    if (!lines.has(item.line)) errors.add(`serviceItems[${i}].line`, `no line "${item.line}"`);
  });

  checkOverrides(doc, jurisdiction, { units, categories, items }, errors);
  checkCalendar(doc, errors);
}

function checkTimezone(timezone: string, errors: ErrorList): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    errors.add('jurisdiction.timezone', `unknown IANA time zone "${timezone}"`);
  }
}

function checkUnits(
  doc: DirectoryDocument,
  known: { isRegion: (code: string) => boolean; lines: Map<string, number>; units: Map<string, number> },
  errors: ErrorList,
): void {
  const cityUnitOfLine = new Map<string, number>();
  const branchOfLine = new Map<string, number>();
  let office: number | undefined;

  doc.units.forEach((unit, i) => {
    if (!known.isRegion(unit.region)) errors.add(`units[${i}].region`, `no region "${unit.region}"`);
    if (unit.line !== undefined && !known.lines.has(unit.line)) {
      errors.add(`units[${i}].line`, `no line "${unit.line}"`);
    }
    if (unit.kind === 'line' && unit.line === undefined) {
      errors.add(`units[${i}].line`, 'a line unit (kind "line") must name its line');
    }
    if (unit.parent !== undefined && !known.units.has(unit.parent)) {
      errors.add(`units[${i}].parent`, `no unit "${unit.parent}"`);
    }
    if (unit.kind === 'office') {
      if (office === undefined) office = i;
      else errors.add(`units[${i}].kind`, `a second hotline office (the first is units[${office}])`);
    }
    // 以条为主 dispatch picks "the" city unit or "the" district branch of a line: two would be a coin toss.
    if (unit.kind === 'line' && unit.line !== undefined) {
      if (unit.level === 'city') {
        const first = cityUnitOfLine.get(unit.line);
        if (first === undefined) cityUnitOfLine.set(unit.line, i);
        else errors.add(`units[${i}]`, `a second city-level unit of line "${unit.line}" (the first is units[${first}])`);
      } else {
        const key = `${unit.line}\u0000${unit.region}`;
        const first = branchOfLine.get(key);
        if (first === undefined) branchOfLine.set(key, i);
        else errors.add(`units[${i}]`, `a second branch of line "${unit.line}" in ${unit.region} (the first is units[${first}])`);
      }
    }
  });
  if (office === undefined) errors.add('units', 'no hotline office (a unit of kind "office")');

  checkParentCycles(doc.units, known.units, errors);
}

function checkParentCycles(units: readonly DirectoryUnit[], index: Map<string, number>, errors: ErrorList): void {
  units.forEach((unit, i) => {
    const seen = new Set<string>([unit.code]);
    let parent = unit.parent;
    while (parent !== undefined) {
      if (parent === unit.code) {
        errors.add(`units[${i}].parent`, `the chain of parents loops back to "${unit.code}"`);
        return;
      }
      if (seen.has(parent)) return; // a loop above this unit: reported on the units inside it
      seen.add(parent);
      const at = index.get(parent);
      parent = at === undefined ? undefined : units[at].parent;
    }
  });
}

/** 各区托底 (沪府办〔2020〕49号 Art. 4(二)) needs a district government for every district. */
function checkDistrictGovernments(doc: DirectoryDocument, jurisdiction: string, errors: ErrorList): void {
  const governments = new Map<string, number>();
  doc.units.forEach((unit, i) => {
    if (unit.kind !== 'block' || unit.level !== 'district') return;
    const first = governments.get(unit.region);
    if (first === undefined) governments.set(unit.region, i);
    else errors.add(`units[${i}].region`, `a second district government for ${unit.region} (the first is units[${first}])`);
  });
  doc.regions.forEach((region, i) => {
    if (region.code.length === 6 && region.parent === jurisdiction && !governments.has(region.code)) {
      errors.add(`regions[${i}]`, `district ${region.code} has no district government (a unit of kind "block", level "district", region "${region.code}")`);
    }
  });
}

const OVERRIDE_CONDITIONS = ['categoryCode', 'serviceItemCode', 'regionCode', 'keywords', 'source'] as const;

function checkOverrides(
  doc: DirectoryDocument,
  jurisdiction: string,
  known: { units: Map<string, number>; categories: Map<string, number>; items: Map<string, number> },
  errors: ErrorList,
): void {
  const jurisdictionPrefix = significantPrefix(jurisdiction);
  (doc.overrides ?? []).forEach((override, i) => {
    const at = `overrides[${i}]`;
    const when = override.when;
    if (!known.units.has(override.unit)) errors.add(`${at}.unit`, `no unit "${override.unit}"`);
    // An override without a condition we understand would capture every ticket.
    if (!OVERRIDE_CONDITIONS.some((c) => when[c] !== undefined)) {
      errors.add(`${at}.when`, `no condition (one of ${OVERRIDE_CONDITIONS.join(', ')})`);
    }
    if (when.categoryCode !== undefined && !known.categories.has(when.categoryCode)) {
      errors.add(`${at}.when.categoryCode`, `no category "${when.categoryCode}"`);
    }
    if (when.serviceItemCode !== undefined && !known.items.has(when.serviceItemCode)) {
      errors.add(`${at}.when.serviceItemCode`, `no service item "${when.serviceItemCode}"`);
    }
    if (when.regionCode !== undefined) {
      const code = when.regionCode;
      const fits = /^[0-9]{1,12}$/.test(code) && (jurisdiction.startsWith(code) || code.startsWith(jurisdictionPrefix));
      if (!fits) errors.add(`${at}.when.regionCode`, `"${code}" is not a region code prefix inside ${jurisdiction}`);
    }
    if (when.keywords !== undefined) {
      if (when.keywords.length === 0) errors.add(`${at}.when.keywords`, 'an empty list matches no ticket');
      when.keywords.forEach((keyword, k) => {
        if (keyword.trim() === '') errors.add(`${at}.when.keywords[${k}]`, 'a blank keyword is ignored (it would match every ticket)');
      });
    }
  });
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function checkCalendar(doc: DirectoryDocument, errors: ErrorList): void {
  doc.calendar.forEach((year, i) => {
    const at = `calendar[${i}]`;
    const prefix = `${year.year}-`;
    const holidays = new Set<string>();
    year.holidays.forEach((day, d) => {
      if (!day.startsWith(prefix)) errors.add(`${at}.holidays[${d}]`, `${day} is not in ${year.year}`);
      if (holidays.has(day)) errors.add(`${at}.holidays[${d}]`, `${day} is listed twice`);
      holidays.add(day);
    });
    const workdays = new Set<string>();
    year.workdays.forEach((day, d) => {
      const path = `${at}.workdays[${d}]`;
      if (!day.startsWith(prefix)) errors.add(path, `${day} is not in ${year.year}`);
      if (workdays.has(day)) errors.add(path, `${day} is listed twice`);
      workdays.add(day);
      if (holidays.has(day)) errors.add(path, `${day} is also a holiday`);
      // A make-up day (调休) is a weekend day that is worked; Monday–Friday are working days anyway.
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) errors.add(path, `${day} is a ${WEEKDAYS[weekday]}, not a weekend day`);
    });
  });
}
