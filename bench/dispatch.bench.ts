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
import { compileDirectory, validateDirectory, type CompiledDirectory, type DirectoryDocument } from '@hub/rules/directory';
import { shanghaiDocument } from '@hub/rules/directory/testing';
import { route, type RoutingInput } from '@hub/rules/dispatch';
import { generateLargeDirectory, generateTickets } from '@hub/rules/dispatch/testing';
import { benchJre, heapUsed, now } from './support/json-rules-engine-dispatch';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 20000);
const JRE_SHANGHAI = Number(process.env.BENCH_JRE_SHANGHAI ?? TICKETS);
const JRE_LARGE = Number(process.env.BENCH_JRE_LARGE ?? 500);
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 1500);

const mib = (bytes: number): string =>
  Math.abs(bytes) < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

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
