/**
 * Dispatch bench: routing decisions per second of the hub's engine (libs/rules/src/dispatch) on the
 * Shanghai directory and on a generated large directory (5,000 units, 2,000 overrides), side by
 * side with json-rules-engine making the same decisions from the same directory data. Every ticket
 * that json-rules-engine routes is compared with the hub's decision (outcome, rule, unit or
 * dispute reason) and the agreement is printed.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/dispatch.bench.ts
 *
 * Targets: ≥ 50,000 decisions/s on Shanghai; ≥ 10× json-rules-engine on the large directory.
 * Env: BENCH_TICKETS (hub engine, default 20000), BENCH_JRE_SHANGHAI (default: all of them),
 * BENCH_JRE_LARGE (default 500), BENCH_MIN_MS (time per hub measurement, default 1500).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine, Operator, type Almanac, type Event, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import {
  compileDirectory,
  validateDirectory,
  type CompiledDirectory,
  type DirectoryDocument,
  type DirectoryUnit,
  type Level,
} from '@hub/rules/directory';
import { shanghaiDocument } from '@hub/rules/directory/testing';
import { route, type RoutingDecision, type RoutingInput } from '@hub/rules/dispatch';
import { generateLargeDirectory, generateTickets } from '@hub/rules/dispatch/testing';

type NestedCondition = Extract<TopLevelCondition, { all: unknown }>['all'][number];

const TICKETS = Number(process.env.BENCH_TICKETS ?? 20000);
const JRE_SHANGHAI = Number(process.env.BENCH_JRE_SHANGHAI ?? TICKETS);
const JRE_LARGE = Number(process.env.BENCH_JRE_LARGE ?? 500);
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 1500);

// A collectable heap makes the memory figures meaningful without --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mib = (bytes: number): string =>
  Math.abs(bytes) < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** The comparable part of a decision. */
function keyOf(d: RoutingDecision): string {
  return d.outcome === 'unit' ? `unit|${d.rule}|${d.unitCode}` : `dispute|${d.reasonCode}`;
}

// ---------------------------------------------------------------------------------------------
// The hub's engine

interface HubFigures {
  validateMs: number;
  compileMs: number;
  compiledHeap: number;
  perSecond: number;
  decisions: number;
  byRule: Map<string, number>;
}

function benchHub(doc: DirectoryDocument, tickets: readonly RoutingInput[]): { dir: CompiledDirectory; figures: HubFigures } {
  let t0 = now();
  const validation = validateDirectory(doc);
  const validateMs = now() - t0;
  if (!validation.ok) throw new Error(`directory invalid: ${JSON.stringify(validation.errors.slice(0, 3))}`);

  t0 = now();
  const dir = compileDirectory(validation.directory);
  const compileMs = now() - t0;
  // heap of the indexes alone: ten more compiled copies held at once, averaged
  const before = heapUsed();
  const copies = Array.from({ length: 10 }, () => compileDirectory(validation.directory));
  const compiledHeap = (heapUsed() - before) / copies.length;

  const byRule = new Map<string, number>();
  for (const t of tickets) {
    const d = route(t, dir);
    const k = d.outcome === 'unit' ? d.rule : `dispute:${d.reasonCode}`;
    byRule.set(k, (byRule.get(k) ?? 0) + 1);
  }

  // warm-up, then as many full passes as fit in MIN_MS
  for (let i = 0; i < Math.min(tickets.length, 5000); i++) route(tickets[i], dir);
  let decisions = 0;
  let checksum = 0;
  t0 = now();
  let elapsed = 0;
  do {
    for (const t of tickets) checksum += route(t, dir).trace.length;
    decisions += tickets.length;
    elapsed = now() - t0;
  } while (elapsed < MIN_MS);
  if (checksum === 0) throw new Error('no work done');
  return { dir, figures: { validateMs, compileMs, compiledHeap, perSecond: (decisions / elapsed) * 1000, decisions, byRule } };
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

interface JreFigures {
  perSecond: number;
  agreed: number;
  compared: number;
  buildHeap: number;
  disagreements: string[];
}

async function benchJre(doc: DirectoryDocument, dir: CompiledDirectory, tickets: readonly RoutingInput[]): Promise<JreFigures> {
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

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`dispatch bench — node ${process.version}`);
  const cases: { name: string; doc: DirectoryDocument; jreTickets: number }[] = [
    { name: 'Shanghai', doc: shanghaiDocument(), jreTickets: JRE_SHANGHAI },
    { name: 'large', doc: generateLargeDirectory(), jreTickets: JRE_LARGE },
  ];
  const summary: { name: string; hub: number; jre: number; agreed: number; compared: number }[] = [];
  let failures = 0;

  for (const { name, doc, jreTickets } of cases) {
    const tickets = generateTickets(doc, TICKETS);
    console.log(
      `\n== ${name} directory ${doc.version}: ${doc.units.length} units, ${doc.categories.length} categories, ` +
        `${doc.serviceItems.length} service items, ${(doc.overrides ?? []).length} overrides; ${tickets.length} tickets`,
    );
    const { dir, figures } = benchHub(doc, tickets);
    console.log(`hub  validate ${figures.validateMs.toFixed(1)} ms${name === 'Shanghai' ? ' (incl. the schema compile)' : ''} · compile ${figures.compileMs.toFixed(1)} ms · compiled heap ≈ ${mib(figures.compiledHeap)}`);
    console.log(`hub  ${fmt(figures.perSecond)} decisions/s (${fmt(figures.decisions)} decisions)`);
    console.log(`hub  decisions by rule: ${[...figures.byRule.entries()].sort().map(([k, v]) => `${k} ${v}`).join(' · ')}`);

    const jre = await benchJre(doc, dir, tickets.slice(0, jreTickets));
    console.log(`jre  ${fmt(jre.perSecond)} decisions/s (${fmt(jre.compared)} decisions) · engine heap ≈ ${mib(jre.buildHeap)}`);
    console.log(`agreement ${jre.agreed}/${jre.compared}`);
    for (const d of jre.disagreements) console.log(`  DISAGREE ${d}`);
    if (jre.agreed !== jre.compared) failures++;
    summary.push({ name, hub: figures.perSecond, jre: jre.perSecond, agreed: jre.agreed, compared: jre.compared });
  }

  const mem = process.memoryUsage();
  console.log(`\nprocess: rss ${mib(mem.rss)} · heapUsed ${mib(mem.heapUsed)}`);
  console.log('\ndirectory | hub decisions/s | json-rules-engine decisions/s | ratio | agreement');
  for (const s of summary) {
    console.log(`${s.name} | ${fmt(s.hub)} | ${fmt(s.jre)} | ${(s.hub / s.jre).toFixed(0)}× | ${s.agreed}/${s.compared}`);
  }
  const shanghai = summary[0];
  const large = summary[1];
  const okShanghai = shanghai.hub >= 50000;
  const okLarge = large.hub >= 10 * large.jre;
  console.log(`target ≥ 50,000 decisions/s on Shanghai: ${okShanghai ? 'met' : 'NOT met'} (${fmt(shanghai.hub)})`);
  console.log(`target ≥ 10× json-rules-engine on large: ${okLarge ? 'met' : 'NOT met'} (${(large.hub / large.jre).toFixed(0)}×)`);
  if (!okShanghai || !okLarge || failures > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
