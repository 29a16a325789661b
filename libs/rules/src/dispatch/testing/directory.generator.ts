import type {
  DirectoryCategory,
  DirectoryDocument,
  DirectoryOverride,
  DirectoryRegion,
  DirectoryServiceItem,
  DirectoryUnit,
  Level,
} from '../../directory/directory.types';
import type { Source } from '../../model/ticket';
import type { RoutingInput } from '../dispatch.types';

/**
 * Deterministic generators for benches and tests: a large directory (thousands of units and
 * overrides) and ticket streams over any directory. Same options, same output, on every machine.
 */

/** mulberry32: a small seeded PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Picker {
  constructor(readonly random: () => number) {}
  chance(p: number): boolean {
    return this.random() < p;
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Characters of the generated override keywords. */
const KEYWORD_CHARS = '噪声污染违建物业停车垃圾施工占道排水绿化餐饮食品医疗教育社保公积金户籍出入境交通出租地铁公交养老婚姻税务登记许可窗口投诉建议维修漏水电梯消防油烟广告装修拆迁补偿工资就业培训疫苗学校幼儿';
/** Characters of the filler text of generated tickets (those of keywords are removed per directory). */
const FILLER_CHARS = '的一是在不了有和人这中大为上个我以要他时来用们生到作于出就分对成会可主发年动同也能下过子说种面而方后多定行法所民得经十三之进着等部度家力里如化高自二理起小现实加量都两体制机当使点从本去把性好应开它合还因由其些然前外天四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向命此变只没结解问意月无系军很情者最立代想已并提直题程展五果料象员革位入常文总次式活设及特长求老头基资边流路级少图山统接知较将组见计别她手角期根论运指几九区强放决西被干做必战先回则任取据处府研';

/** Distinct two-character words drawn from `chars`, the same list for the same seed. */
export function vocabulary(size: number, seed = 7, chars: readonly string[] = [...KEYWORD_CHARS]): string[] {
  const p = new Picker(seededRandom(seed));
  const words = new Set<string>();
  while (words.size < size) words.add(`${p.pick(chars)}${p.pick(chars)}`);
  return [...words];
}

export interface LargeDirectoryOptions {
  units: number;
  overrides: number;
  districts: number;
  lines: number;
  categories: number;
  serviceItems: number;
  seed: number;
}

export const LARGE_DIRECTORY_DEFAULTS: LargeDirectoryOptions = {
  units: 5000,
  overrides: 2000,
  districts: 80,
  lines: 70,
  categories: 600,
  serviceItems: 1500,
  seed: 12345,
};

/**
 * A valid directory of a made-up jurisdiction 990000 with `districts` districts (3 streets each),
 * `lines` lines (the first 5 city-only), one city unit per line, a government per district, and
 * line branches filling the rest up to exactly `units` units (so some lines lack a branch in some
 * districts). Categories and service items spread over the lines and levels; overrides mix every
 * kind of condition.
 */
export function generateLargeDirectory(options: Partial<LargeDirectoryOptions> = {}): DirectoryDocument {
  const o = { ...LARGE_DIRECTORY_DEFAULTS, ...options };
  const p = new Picker(seededRandom(o.seed));
  const jurisdiction = '990000';

  const districts: string[] = [];
  const regions: DirectoryRegion[] = [];
  for (let i = 0; i < o.districts; i++) {
    const code = `99${String(Math.floor(i / 50) + 1).padStart(2, '0')}${String((i % 50) + 1).padStart(2, '0')}`;
    districts.push(code);
    regions.push({ code, name: `第${i + 1}区`, parent: jurisdiction });
  }
  for (const district of districts) {
    for (let s = 1; s <= 3; s++) regions.push({ code: `${district}${String(s).padStart(3, '0')}`, name: `${district}街道${s}`, parent: district });
  }

  const lines = Array.from({ length: o.lines }, (_, i) => ({ code: `line${i}`, name: `条线${i}` }));
  const units: DirectoryUnit[] = [
    { code: 'OFFICE', name: '热线管理办公室', kind: 'office', level: 'city', region: jurisdiction },
    { code: 'AUTHORITY', name: '政务服务管理办公室', kind: 'authority', level: 'city', region: jurisdiction },
  ];
  for (const line of lines) {
    units.push({ code: `CITY-${line.code}`, name: `市${line.name}局`, kind: 'line', level: 'city', line: line.code, region: jurisdiction });
  }
  for (const district of districts) {
    units.push({ code: `${district}-GOV`, name: `${district}区人民政府`, kind: 'block', level: 'district', region: district });
  }
  const pairs: [string, string][] = [];
  for (const line of lines.slice(5)) for (const district of districts) pairs.push([line.code, district]);
  const branchCount = Math.max(0, Math.min(pairs.length, o.units - units.length));
  for (const [line, district] of p.shuffle(pairs).slice(0, branchCount)) {
    units.push({
      code: `${district}-${line}`,
      name: `${district}区${line}分局`,
      kind: 'line',
      level: 'district',
      line,
      region: district,
      parent: `CITY-${line}`,
    });
  }

  const level = (): Level => (p.chance(0.15) ? 'city' : p.chance(0.06) ? 'street' : 'district');
  const categories: DirectoryCategory[] = [];
  for (let i = 0; i < o.categories; i++) {
    const code = `C${String(i).padStart(4, '0')}`;
    if (i % 20 === 0 || p.chance(0.05)) categories.push({ code, name: `分类${i}` });
    else categories.push({ code, name: `分类${i}`, line: p.pick(lines).code, level: level() });
  }
  const serviceItems: DirectoryServiceItem[] = Array.from({ length: o.serviceItems }, (_, i) => ({
    code: `990000-SX-${String(i).padStart(5, '0')}`,
    name: `事项${i}`,
    line: p.pick(lines).code,
    level: level(),
  }));

  const words = vocabulary(800);
  const handling = units.filter((u) => u.kind !== 'office');
  const withLine = categories.filter((c) => c.line !== undefined);
  const overrides: DirectoryOverride[] = [];
  const sources: Array<Exclude<Source, 'open311'>> = ['hotline', 'ywtb', 'national'];
  for (let i = 0; i < o.overrides; i++) {
    const r = p.random();
    const keywords = [p.pick(words), p.pick(words)];
    let when: DirectoryOverride['when'];
    if (r < 0.5) when = { categoryCode: p.pick(withLine).code, regionCode: p.pick(districts), keywords };
    else if (r < 0.7) when = { serviceItemCode: p.pick(serviceItems).code, keywords };
    else if (r < 0.85) when = { regionCode: p.chance(0.9) ? p.pick(districts) : p.pick(districts).slice(0, 4), keywords };
    else if (r < 0.95) when = { categoryCode: p.pick(categories).code, source: p.pick(sources) };
    else when = { keywords: [`${p.pick(words)}${p.pick(words)}`] };
    overrides.push({ id: `ov-${i}`, when, unit: p.pick(handling).code });
  }

  return {
    version: `large-${o.units}u-${o.overrides}o-seed${o.seed}`,
    jurisdiction: { regionCode: jurisdiction, name: '测试市', timezone: 'Asia/Shanghai' },
    regions,
    lines,
    units,
    categories,
    serviceItems,
    overrides,
    calendar: [{ year: 2026, published: true, holidays: ['2026-01-01', '2026-01-02'], workdays: ['2026-01-04'] }],
  };
}

/**
 * A stream of routing inputs over a directory that reaches every rule: designations (by code, by
 * name, unknown), respondents, service items and categories (known, unknown, none), locations
 * (district, street, 12-digit, city-only, unknown, none), and about one ticket in six built to
 * satisfy an override of the directory.
 */
export function generateTickets(doc: DirectoryDocument, count: number, seed = 42): RoutingInput[] {
  const p = new Picker(seededRandom(seed));
  const regionCodes = doc.regions.map((r) => r.code);
  const units = doc.units;
  const overrides = doc.overrides ?? [];
  const overrideWords = [...new Set(overrides.flatMap((o) => o.when.keywords ?? []))];
  // Filler never contains a keyword by accident: only the keywords put in on purpose match.
  const keywordChars = new Set(overrideWords.join(''));
  const words = vocabulary(800, seed, [...FILLER_CHARS].filter((c) => !keywordChars.has(c)));
  const jurisdiction = doc.jurisdiction.regionCode;
  const sources: Source[] = ['hotline', 'hotline', 'hotline', 'ywtb', 'national'];

  const text = (n: number): string => Array.from({ length: n }, () => p.pick(words)).join('');
  const region = (): string | undefined => {
    const r = p.random();
    if (r < 0.1) return undefined;
    if (r < 0.14) return `${jurisdiction.slice(0, 2)}9999`; // not in the directory
    if (r < 0.17) return jurisdiction;
    const code = p.pick(regionCodes);
    if (r < 0.3) return code.length === 6 ? `${code}${String(p.int(20) + 1).padStart(3, '0')}` : code;
    if (r < 0.36) return `${code.slice(0, 6)}00${p.int(9) + 1}00${p.int(9) + 1}`;
    return code;
  };

  const tickets: RoutingInput[] = [];
  for (let i = 0; i < count; i++) {
    const t: RoutingInput = { source: p.pick(sources), title: text(3), content: text(20) };
    const loc = region();
    if (loc !== undefined) t.location = { regionCode: loc };
    if (p.chance(0.85)) t.categoryCode = p.chance(0.05) ? 'ZZ99' : p.pick(doc.categories).code;
    if (p.chance(0.3)) t.serviceItemCode = p.chance(0.1) ? 'NO-SUCH-ITEM' : p.pick(doc.serviceItems).code;
    const r = p.random();
    if (r < 0.06) t.respondent = { unitCode: p.pick(units).code };
    else if (r < 0.08) t.respondent = { unitCode: 'NO-SUCH-UNIT' };
    else if (r < 0.1) t.respondent = { name: p.pick(units).name };
    if (p.chance(0.03)) t.designatedUnitCode = p.chance(0.25) ? 'NO-SUCH-UNIT' : p.pick(units).code;
    if (t.source === 'national' && p.chance(0.1)) t.designatedUnitName = p.pick(units).name;
    if (p.chance(0.01)) t.officeDesignatedUnitCode = p.pick(units).code;
    if (overrideWords.length > 0 && p.chance(0.2)) t.title += p.pick(overrideWords);
    if (overrides.length > 0 && p.chance(0.16)) satisfy(t, p.pick(overrides), doc, p);
    tickets.push(t);
  }
  return tickets;
}

function satisfy(t: RoutingInput, o: DirectoryOverride, doc: DirectoryDocument, p: Picker): void {
  const w = o.when;
  if (w.categoryCode !== undefined) t.categoryCode = w.categoryCode;
  if (w.serviceItemCode !== undefined) t.serviceItemCode = w.serviceItemCode;
  if (w.source !== undefined) t.source = w.source;
  if (w.regionCode !== undefined) {
    const prefix = w.regionCode;
    const inside = doc.regions.filter((r) => r.code.startsWith(prefix));
    t.location = { regionCode: inside.length > 0 ? p.pick(inside).code : prefix };
  }
  if (w.keywords && w.keywords.length > 0) t.content += p.pick(w.keywords);
}
