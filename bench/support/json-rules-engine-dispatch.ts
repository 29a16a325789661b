/**
 * The dispatch bench's yardstick: json-rules-engine making the hub's routing decisions from the same
 * directory data (bench/dispatch.bench.ts), and the helpers both sides measure with.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine, Operator, type Almanac, type Event, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { CompiledDirectory, DirectoryDocument, DirectoryUnit, Level } from '@hub/rules/directory';
import { route, type RoutingDecision, type RoutingInput } from '@hub/rules/dispatch';

type NestedCondition = Extract<TopLevelCondition, { all: unknown }>['all'][number];

// A collectable heap makes the memory figures meaningful without --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Heap in use after a full collection. */
export function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** The comparable part of a decision. */
export function keyOf(d: RoutingDecision): string {
  return d.outcome === 'unit' ? `unit|${d.rule}|${d.unitCode}` : `dispute|${d.reasonCode}`;
}

// ---------------------------------------------------------------------------------------------
// The same decisions with json-rules-engine
//
// The directory's data become lookup tables behind dynamic facts (built here from the raw
// document, independently of compileDirectory); the rule order becomes rule priorities:
//   100 office designation · 99 upstream code · 98 national unit name · 90 one rule per override
//   (same priority; the most specific by the documented order wins) · 80 respondent ·
//   70 service item line (city / branch) · 60 category line (city / branch) ·
//   50 district government · 1 dispute (always true).
// The engine stops after the first priority level that produced a success.

interface Tables {
  jurisdiction: string;
  regions: Set<string>;
  districtOfRegion: Map<string, string>;
  units: Map<string, DirectoryUnit>;
  unitByName: Map<string, DirectoryUnit | null>;
  lines: Set<string>;
  items: Map<string, { line: string; level: Level }>;
  categories: Map<string, { line?: string; level?: Level }>;
  cityUnit: Map<string, string>;
  branch: Map<string, string>;
  government: Map<string, string>;
}

function tablesOf(doc: DirectoryDocument): Tables {
  const jurisdiction = doc.jurisdiction.regionCode;
  const parents = new Map(doc.regions.map((r) => [r.code, r.parent] as const));
  const districtOfRegion = new Map<string, string>();
  for (const r of doc.regions) {
    let code: string | undefined = r.code;
    for (let i = 0; code !== undefined && i < 8; i++) {
      const parent = parents.get(code);
      if (parent === undefined) break;
      if (code.length === 6 && parent === jurisdiction) {
        districtOfRegion.set(r.code, code);
        break;
      }
      code = parent;
    }
  }
  const units = new Map<string, DirectoryUnit>();
  const unitByName = new Map<string, DirectoryUnit | null>();
  const cityUnit = new Map<string, string>();
  const branch = new Map<string, string>();
  const government = new Map<string, string>();
  for (const u of doc.units) {
    if (units.has(u.code)) continue;
    units.set(u.code, u);
    unitByName.set(u.name, unitByName.has(u.name) ? null : u);
    if (u.kind === 'line' && u.line !== undefined) {
      const key = u.level === 'city' ? u.line : `${u.line}|${u.region}`;
      const table = u.level === 'city' ? cityUnit : branch;
      if (!table.has(key)) table.set(key, u.code);
    }
    if (u.kind === 'block' && u.level === 'district' && !government.has(u.region)) government.set(u.region, u.code);
  }
  return {
    jurisdiction,
    regions: new Set(doc.regions.map((r) => r.code)),
    districtOfRegion,
    units,
    unitByName,
    lines: new Set(doc.lines.map((l) => l.code)),
    items: new Map(doc.serviceItems.map((s) => [s.code, s] as const)),
    categories: new Map(doc.categories.map((c) => [c.code, c] as const)),
    cityUnit,
    branch,
    government,
  };
}

interface Place {
  regionCode?: string;
  district?: string;
  problem?: string;
}

const REGION_CODE = /^[0-9]{6}(?:[0-9]{3}){0,2}$/;

function placeOf(t: RoutingInput, tb: Tables): Place {
  const regionCode = t.location?.regionCode?.trim();
  if (!regionCode) return { problem: 'no_location' };
  if (!REGION_CODE.test(regionCode)) return { regionCode, problem: 'unknown_region' };
  const six = regionCode.slice(0, 6);
  const inside = regionCode === tb.jurisdiction || tb.regions.has(regionCode) || (regionCode.length > 6 && tb.regions.has(six));
  if (!inside) return { regionCode, problem: 'unknown_region' };
  const district = tb.districtOfRegion.get(regionCode) ?? tb.districtOfRegion.get(six);
  return district === undefined ? { regionCode, problem: 'no_district' } : { regionCode, district };
}

function buildJsonRulesEngine(doc: DirectoryDocument): Engine {
  const tb = tablesOf(doc);
  const engine = new Engine([], { allowUndefinedFacts: true, replaceFactsInEventParams: true });

  engine.addOperator(new Operator<unknown, string>('startsWith', (v, prefix) => typeof v === 'string' && v.startsWith(prefix)));
  engine.addOperator(
    new Operator<unknown, string[]>('containsAny', (v, words) => typeof v === 'string' && words.some((w) => w.trim() !== '' && v.includes(w))),
  );

  const ticket = (almanac: Almanac): Promise<RoutingInput> => almanac.factValue<RoutingInput>('ticket');
  const fact = <T>(id: string, compute: (t: RoutingInput, almanac: Almanac, params: Record<string, unknown>) => T | Promise<T>): void => {
    engine.addFact<Promise<T>>(id, async (params, almanac) => compute(await ticket(almanac), almanac, params));
  };
  const trimmed = (s: string | undefined): string | undefined => s?.trim() || undefined;
  const handling = (code: string | undefined): string | null => {
    const u = code === undefined ? undefined : tb.units.get(code);
    return u && u.kind !== 'office' ? u.code : null;
  };
  const byName = (name: string | undefined): string | null => {
    const u = name === undefined ? undefined : tb.unitByName.get(name);
    return u && u.kind !== 'office' ? u.code : null;
  };

  fact('place', (t) => placeOf(t, tb));
  fact('categoryCode', (t) => t.categoryCode ?? null);
  fact('serviceItemCode', (t) => t.serviceItemCode ?? null);
  fact('source', (t) => t.source);
  fact('regionCode', (t) => t.location?.regionCode ?? null);
  fact('title', (t) => t.title);
  fact('content', (t) => t.content);
  fact('officeDesignee', (t) => handling(trimmed(t.officeDesignatedUnitCode)));
  fact('codeDesignee', (t) => handling(trimmed(t.designatedUnitCode)));
  fact('nameDesignee', (t) => byName(trimmed(t.designatedUnitName)));
  fact('respondentUnit', (t) => handling(trimmed(t.respondent?.unitCode)) ?? byName(trimmed(t.respondent?.name)));
  fact('itemLine', (t) => {
    const item = tb.items.get(trimmed(t.serviceItemCode) ?? '');
    return item && tb.lines.has(item.line) ? item.line : null;
  });
  fact('itemLevel', (t) => tb.items.get(trimmed(t.serviceItemCode) ?? '')?.level ?? null);
  fact('categoryLine', (t) => {
    const line = tb.categories.get(trimmed(t.categoryCode) ?? '')?.line;
    return line !== undefined && tb.lines.has(line) ? line : null;
  });
  fact('categoryLevel', (t) => {
    const category = tb.categories.get(trimmed(t.categoryCode) ?? '');
    return category?.line === undefined ? null : (category.level ?? 'district');
  });
  fact('cityUnit', async (_t, almanac, params) => {
    const line = await almanac.factValue<string | null>(String(params.of));
    return line === null ? null : (tb.cityUnit.get(line) ?? null);
  });
  fact('branch', async (_t, almanac, params) => {
    const line = await almanac.factValue<string | null>(String(params.of));
    const level = await almanac.factValue<Level | null>(String(params.levelOf));
    const place = await almanac.factValue<Place>('place');
    if (line === null || place.district === undefined) return null;
    const region = place.regionCode ?? '';
    const street = level === 'street' && region.length > 6 ? (tb.branch.get(`${line}|${region}`) ?? tb.branch.get(`${line}|${region.slice(0, 9)}`)) : undefined;
    return street ?? tb.branch.get(`${line}|${place.district}`) ?? null;
  });
  fact('districtGovernment', async (_t, almanac) => {
    const place = await almanac.factValue<Place>('place');
    return place.district === undefined ? null : (tb.government.get(place.district) ?? null);
  });
  fact('disputeReason', async (_t, almanac) => (await almanac.factValue<Place>('place')).problem ?? 'no_district_government');

  const present = (factId: string, params?: Record<string, string>): TopLevelCondition => ({
    all: [{ fact: factId, params, operator: 'notEqual', value: null }],
  });
  const unitEvent = (rule: string, factId: string, params?: Record<string, string>): Event => ({
    type: 'unit',
    params: { rule, unitCode: { fact: factId, params } },
  });
  const rules: RuleProperties[] = [
    { name: 'designated-office', priority: 100, conditions: present('officeDesignee'), event: unitEvent('designated', 'officeDesignee') },
    { name: 'designated-code', priority: 99, conditions: present('codeDesignee'), event: unitEvent('designated', 'codeDesignee') },
    { name: 'designated-name', priority: 98, conditions: present('nameDesignee'), event: unitEvent('designated', 'nameDesignee') },
    { name: 'respondent', priority: 80, conditions: present('respondentUnit'), event: unitEvent('respondent', 'respondentUnit') },
  ];
  for (const [priority, rule, lineFact, levelFact] of [
    [70, 'service_item_line', 'itemLine', 'itemLevel'],
    [60, 'category_line', 'categoryLine', 'categoryLevel'],
  ] as const) {
    rules.push({
      name: `${rule}-city`,
      priority,
      conditions: {
        all: [
          { fact: levelFact, operator: 'equal', value: 'city', priority: 2 },
          { fact: 'cityUnit', params: { of: lineFact }, operator: 'notEqual', value: null, priority: 1 },
        ],
      },
      event: unitEvent(rule, 'cityUnit', { of: lineFact }),
    });
    rules.push({
      name: `${rule}-branch`,
      priority,
      conditions: {
        all: [
          { fact: levelFact, operator: 'in', value: ['district', 'street'], priority: 2 },
          { fact: 'branch', params: { of: lineFact, levelOf: levelFact }, operator: 'notEqual', value: null, priority: 1 },
        ],
      },
      event: unitEvent(rule, 'branch', { of: lineFact, levelOf: levelFact }),
    });
  }
  rules.push({ name: 'district_backstop', priority: 50, conditions: present('districtGovernment'), event: unitEvent('district_backstop', 'districtGovernment') });
  rules.push({ name: 'dispute', priority: 1, conditions: { all: [] }, event: { type: 'dispute', params: { reasonCode: { fact: 'disputeReason' } } } });

  // Overrides: one rule each. Rank = the documented try order (more conditions, longer region
  // prefix, file order), recomputed here from the document.
  const overrides = (doc.overrides ?? []).map((o, order) => {
    const w = o.when;
    const count = [w.categoryCode, w.serviceItemCode, w.regionCode, w.keywords, w.source].filter((c) => c !== undefined).length;
    return { o, order, count, prefix: w.regionCode?.length ?? 0 };
  });
  overrides.sort((a, b) => b.count - a.count || b.prefix - a.prefix || a.order - b.order);
  overrides.forEach(({ o, count }, rank) => {
    if (count === 0) return;
    const w = o.when;
    const all: NestedCondition[] = [];
    // equality first (condition priority 3) so that most rules short-circuit on one fact
    if (w.categoryCode !== undefined) all.push({ fact: 'categoryCode', operator: 'equal', value: w.categoryCode, priority: 3 });
    if (w.serviceItemCode !== undefined) all.push({ fact: 'serviceItemCode', operator: 'equal', value: w.serviceItemCode, priority: 3 });
    if (w.source !== undefined) all.push({ fact: 'source', operator: 'equal', value: w.source, priority: 3 });
    if (w.regionCode !== undefined) all.push({ fact: 'regionCode', operator: 'startsWith', value: w.regionCode, priority: 2 });
    if (w.keywords !== undefined) {
      all.push({
        any: [
          { fact: 'title', operator: 'containsAny', value: w.keywords },
          { fact: 'content', operator: 'containsAny', value: w.keywords },
        ],
        priority: 1,
      });
    }
    rules.push({ name: o.id, priority: 90, conditions: { all }, event: { type: 'override', params: { rule: 'override', unitCode: o.unit, rank } } });
  });

  for (const rule of rules) engine.addRule(rule);
  engine.on('success', () => {
    engine.stop();
  });
  return engine;
}

async function decideWithJre(engine: Engine, t: RoutingInput): Promise<string> {
  const { events } = await engine.run({ ticket: t });
  if (events.length === 0) throw new Error('json-rules-engine: no event');
  let chosen = events[0];
  if (chosen.type === 'override') {
    for (const e of events) if (Number(e.params?.rank) < Number(chosen.params?.rank)) chosen = e;
  }
  const p = chosen.params ?? {};
  return chosen.type === 'dispute' ? `dispute|${String(p.reasonCode)}` : `unit|${String(p.rule)}|${String(p.unitCode)}`;
}

export interface JreFigures {
  perSecond: number;
  agreed: number;
  compared: number;
  buildHeap: number;
  disagreements: string[];
}

export async function benchJre(doc: DirectoryDocument, dir: CompiledDirectory, tickets: readonly RoutingInput[]): Promise<JreFigures> {
  const before = heapUsed();
  const engine = buildJsonRulesEngine(doc);
  const buildHeap = heapUsed() - before;
  for (let i = 0; i < Math.min(50, tickets.length); i++) await decideWithJre(engine, tickets[i]); // warm-up
  let agreed = 0;
  const disagreements: string[] = [];
  const t0 = now();
  const theirs: string[] = [];
  for (const t of tickets) theirs.push(await decideWithJre(engine, t));
  const elapsed = now() - t0;
  tickets.forEach((t, i) => {
    const ours = keyOf(route(t, dir));
    if (ours === theirs[i]) agreed++;
    else if (disagreements.length < 5) disagreements.push(`#${i}: hub ${ours} vs json-rules-engine ${theirs[i]} — ${JSON.stringify(t)}`);
  });
  return { perSecond: (tickets.length / elapsed) * 1000, agreed, compared: tickets.length, buildHeap, disagreements };
}
