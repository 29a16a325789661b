/**
 * Working-day calendar benchmark: our WorkingCalendar vs. the `chinese-days` package on the same
 * questions (Shanghai directory calendar, 2024–2026), checking that the answers agree.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/calendar.bench.ts
 *
 * Inputs come from a seeded PRNG, so every run asks the same questions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findWorkday, isWorkday } from 'chinese-days';
import { WorkingCalendar, formatDay, parseDay } from '@hub/rules/calendar';
import type { DirectoryDocument } from '@hub/rules/directory/directory.types';
import { seededRandom } from '@hub/rules/dispatch/testing';

const DIRECTORY = path.resolve(__dirname, '../data/shanghai-directory.json');
const OURS_N = 500_000;
const THEIRS_N = 20_000;

interface Question {
  from: Date;
  /** local date of `from` (what chinese-days is given) */
  day: string;
  n: number;
}

function questions(count: number, seed: number): Question[] {
  const rnd = seededRandom(seed);
  const first = parseDay('2024-01-01');
  const last = parseDay('2026-10-31'); // + 30 WD stays inside the published years
  const out: Question[] = [];
  for (let i = 0; i < count; i++) {
    const day = first + Math.floor(rnd() * (last - first + 1));
    const secondOfDay = Math.floor(rnd() * 86_400);
    out.push({ from: new Date((day * 86_400 + secondOfDay - 8 * 3600) * 1000), day: formatDay(day), n: 1 + Math.floor(rnd() * 30) });
  }
  return out;
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const t0 = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result };
}

const fmtRate = (count: number, ms: number): string => `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(2)} MiB`;

export function runCalendarBench(): { oursPerSec: number; theirsPerSec: number; mismatches: number } {
  const doc = JSON.parse(fs.readFileSync(DIRECTORY, 'utf8')) as DirectoryDocument;

  const heap0 = process.memoryUsage().heapUsed;
  const build = time(() => {
    const built: WorkingCalendar[] = [];
    for (let i = 0; i < 200; i++) built.push(WorkingCalendar.fromDirectory(doc));
    return built;
  });
  const heapPerCalendar = (process.memoryUsage().heapUsed - heap0) / build.result.length;
  const cal = build.result[0];

  const qs = questions(OURS_N, 20_261_122);
  // warm up the JIT on a slice
  for (let i = 0; i < 50_000; i++) cal.addWorkingDays(qs[i].from, qs[i].n);

  const ours = time(() => {
    let sink = 0;
    for (const q of qs) sink += cal.addWorkingDays(q.from, q.n).due.getTime() & 1;
    return sink;
  });
  const between = time(() => {
    let sink = 0;
    for (let i = 1; i < qs.length; i++) sink += cal.workingDaysBetween(qs[i - 1].from, qs[i].from);
    return sink;
  });
  const sample = qs.slice(0, THEIRS_N);
  const oursSample = time(() => sample.map((q) => cal.addWorkingDays(q.from, q.n).dueDate));
  const theirs = time(() => sample.map((q) => findWorkday(q.n, q.day)));

  let mismatches = 0;
  for (let i = 0; i < sample.length; i++) {
    if (oursSample.result[i] !== theirs.result[i]) {
      if (mismatches < 10) console.log(`MISMATCH ${sample[i].day} +${sample[i].n}: ours ${oursSample.result[i]}, chinese-days ${theirs.result[i]}`);
      mismatches++;
    }
  }

  const days: string[] = [];
  for (let d = parseDay('2024-01-01'); d <= parseDay('2026-12-31'); d++) days.push(formatDay(d));
  const ourIs = time(() => days.map((d) => cal.isWorkingDay(d)));
  const theirIs = time(() => days.map((d) => isWorkday(d)));
  const dayMismatches = days.filter((_, i) => ourIs.result[i] !== theirIs.result[i]);

  const oursPerSec = (OURS_N / ours.ms) * 1000;
  const theirsPerSec = (THEIRS_N / theirs.ms) * 1000;
  console.log('calendar bench (Shanghai directory, receipts 2024-01-01 … 2026-10-31, N = 1…30)');
  console.log(`  build WorkingCalendar          ${(build.ms / build.result.length).toFixed(3)} ms each, ~${mib(heapPerCalendar)} heap each`);
  console.log(`  addWorkingDays (ours)          ${fmtRate(OURS_N, ours.ms)}  (${OURS_N.toLocaleString('en-US')} in ${ours.ms.toFixed(1)} ms)`);
  console.log(`  workingDaysBetween (ours)      ${fmtRate(OURS_N - 1, between.ms)}`);
  console.log(`  addWorkingDays sample (ours)   ${fmtRate(THEIRS_N, oursSample.ms)}  (incl. dueDate string)`);
  console.log(`  findWorkday (chinese-days)     ${fmtRate(THEIRS_N, theirs.ms)}  (${THEIRS_N.toLocaleString('en-US')} in ${theirs.ms.toFixed(1)} ms)`);
  console.log(`  speed-up                       ${(oursPerSec / theirsPerSec).toFixed(0)}x`);
  console.log(`  due dates agree                ${THEIRS_N - mismatches}/${THEIRS_N}${mismatches ? '  <-- DISAGREEMENT' : ''}`);
  console.log(`  isWorkingDay vs isWorkday      ${fmtRate(days.length, ourIs.ms)} vs ${fmtRate(days.length, theirIs.ms)}; ${days.length - dayMismatches.length}/${days.length} days agree`);
  if (dayMismatches.length) console.log(`  days that disagree: ${dayMismatches.join(', ')}`);
  const mem = process.memoryUsage();
  console.log(`  memory: rss ${mib(mem.rss)}, heapUsed ${mib(mem.heapUsed)}`);
  return { oursPerSec, theirsPerSec, mismatches: mismatches + dayMismatches.length };
}

if (require.main === module) {
  const { mismatches } = runCalendarBench();
  if (mismatches > 0) process.exitCode = 1;
}
