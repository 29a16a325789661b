import type { CompiledDirectory, CompiledOverride, OverrideIndex } from './compiled-directory.types';
import type { DirectoryDocument, DirectoryOverride, DirectoryUnit } from './directory.types';
import { isRegionCode } from './region-code.util';

/**
 * Indexes a directory for routing. Meant for a document that passed `validateDirectory`; on one
 * that did not, it never throws: the first of duplicate entries wins and dangling references are
 * simply not indexed, so the engine sees them as unknown codes.
 */
export function compileDirectory(doc: DirectoryDocument): CompiledDirectory {
  const jurisdiction = doc.jurisdiction.regionCode;
  const regions = firstByKey(doc.regions, (r) => r.code);
  const units = firstByKey(doc.units, (u) => u.code);

  const unitsByName = new Map<string, DirectoryUnit | null>();
  const cityUnitOfLine = new Map<string, DirectoryUnit>();
  const branchesOfLine = new Map<string, Map<string, DirectoryUnit>>();
  const districtGovernments = new Map<string, DirectoryUnit>();
  let office: DirectoryUnit | undefined;
  for (const unit of units.values()) {
    unitsByName.set(unit.name, unitsByName.has(unit.name) ? null : unit);
    if (unit.kind === 'office') office ??= unit;
    if (unit.kind === 'block' && unit.level === 'district' && !districtGovernments.has(unit.region)) {
      districtGovernments.set(unit.region, unit);
    }
    if (unit.kind === 'line' && unit.line !== undefined) {
      if (unit.level === 'city') {
        if (!cityUnitOfLine.has(unit.line)) cityUnitOfLine.set(unit.line, unit);
      } else {
        let branches = branchesOfLine.get(unit.line);
        if (!branches) branchesOfLine.set(unit.line, (branches = new Map()));
        if (!branches.has(unit.region)) branches.set(unit.region, unit);
      }
    }
  }

  // A district is a 6-digit region directly under the jurisdiction; deeper regions (streets)
  // belong to the district their parent chain reaches (属地管理, Yunnan Measures Art. 5).
  const districtOfRegion = new Map<string, string>();
  for (const region of regions.values()) {
    let code: string | undefined = region.code;
    for (let depth = 0; code !== undefined && depth < 8; depth++) {
      const current = regions.get(code);
      if (!current) break;
      if (current.code.length === 6 && current.parent === jurisdiction) {
        districtOfRegion.set(region.code, current.code);
        break;
      }
      code = current.parent;
    }
  }

  const overrides = sortOverrides(doc.overrides ?? []);
  return {
    version: doc.version,
    jurisdiction: doc.jurisdiction,
    regions,
    districtOfRegion,
    lines: firstByKey(doc.lines, (l) => l.code),
    units,
    unitsByName,
    categories: firstByKey(doc.categories, (c) => c.code),
    serviceItems: firstByKey(doc.serviceItems, (s) => s.code),
    cityUnitOfLine,
    branchesOfLine,
    districtGovernments,
    office,
    overrides,
    overrideIndex: indexOverrides(overrides),
    document: doc,
  };
}

/**
 * The jurisdiction (辖区) as the directory defines it: a region code is inside when it is the
 * jurisdiction's own code, a region of the directory, or a 9/12-digit street code whose 6-digit
 * district is a region of the directory. A code that is merely "3101.." but absent from the
 * directory is outside: the hub cannot route what its directory does not know (沪府办〔2020〕49号 Art. 4(一)).
 */
export function isInJurisdiction(dir: CompiledDirectory, regionCode: string): boolean {
  if (!isRegionCode(regionCode)) return false;
  return (
    regionCode === dir.jurisdiction.regionCode ||
    dir.regions.has(regionCode) ||
    (regionCode.length > 6 && dir.regions.has(regionCode.slice(0, 6)))
  );
}

/**
 * The district of a region code: from the directory when it lists the code, else from its first
 * 6 digits (a street code maps to its district). Undefined for the jurisdiction itself, for a
 * malformed code and for a code outside the directory.
 */
export function districtOf(dir: CompiledDirectory, regionCode: string): string | undefined {
  if (!isRegionCode(regionCode)) return undefined;
  return dir.districtOfRegion.get(regionCode) ?? dir.districtOfRegion.get(regionCode.slice(0, 6));
}

function firstByKey<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (!map.has(key)) map.set(key, item);
  }
  return map;
}

const CONDITION_NAMES = ['categoryCode', 'serviceItemCode', 'regionCode', 'keywords', 'source'] as const;

/**
 * Try order of overrides. The most specific rule wins, so that a broad rule (ov-metro: any ticket
 * that mentions 地铁) cannot shadow a narrow one the office wrote for a special case; among equally
 * specific rules the file order decides, which the office controls.
 */
function sortOverrides(overrides: readonly DirectoryOverride[]): CompiledOverride[] {
  return overrides
    .map((o, order) => ({ o, order, conditions: CONDITION_NAMES.filter((c) => o.when[c] !== undefined) }))
    .sort(
      (a, b) =>
        b.conditions.length - a.conditions.length ||
        (b.o.when.regionCode?.length ?? 0) - (a.o.when.regionCode?.length ?? 0) ||
        a.order - b.order,
    )
    .map(({ o, conditions }, rank): CompiledOverride => ({
      id: o.id,
      rank,
      unitCode: o.unit,
      categoryCode: o.when.categoryCode,
      serviceItemCode: o.when.serviceItemCode,
      regionPrefix: o.when.regionCode,
      // A blank keyword would be "in" every text; it is dropped (and reported by the validator).
      keywords: o.when.keywords?.filter((k) => k.trim() !== ''),
      source: o.when.source,
      note: o.note,
      conditions,
    }));
}

function indexOverrides(overrides: readonly CompiledOverride[]): OverrideIndex {
  const byCategory = new Map<string, CompiledOverride[]>();
  const byServiceItem = new Map<string, CompiledOverride[]>();
  const byRegionPrefix = new Map<string, CompiledOverride[]>();
  const unkeyed: CompiledOverride[] = [];
  const push = (map: Map<string, CompiledOverride[]>, key: string, o: CompiledOverride): void => {
    const list = map.get(key);
    if (list) list.push(o);
    else map.set(key, [o]);
  };
  for (const o of overrides) {
    if (o.conditions.length === 0) continue; // matches nothing rather than everything
    if (o.categoryCode !== undefined) push(byCategory, o.categoryCode, o);
    else if (o.serviceItemCode !== undefined) push(byServiceItem, o.serviceItemCode, o);
    else if (o.regionPrefix !== undefined) push(byRegionPrefix, o.regionPrefix, o);
    else unkeyed.push(o);
  }
  const regionPrefixLengths = [...new Set([...byRegionPrefix.keys()].map((k) => k.length))].sort((a, b) => a - b);
  return { byCategory, byServiceItem, byRegionPrefix, regionPrefixLengths, unkeyed };
}
