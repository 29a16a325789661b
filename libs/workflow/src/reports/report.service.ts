import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { NOW, type NowFn } from '@hub/common';
import { addCounts, emptyCounts, finish, monthsOf, notices, parsePeriod, rank, type NoticeEntry, type RankBy, type RankedUnit } from '@hub/rules/reports';
import { ReadReplica, assessmentWeightsAt, countsWithRollup, drillTickets, noticeTickets, refreshRollupIn, rollupSafeWatermark, rollupWatermark, setReportSession, unitNames, type DrillQuery, type DrillRow, type GroupBy, type RollupRefresh } from '@hub/store';
import type { ReportAnswer, ReportQuestion } from './report.types';

/**
 * Reports (docs/reports.md): every answer is a function of the facts, the clocks and `asOf`. Each
 * answer is read in one REPEATABLE READ transaction, so its statements see the same moment.
 */
@Injectable()
export class ReportService {
  /** false: every answer from the facts themselves (the rollup's reference in tests and the bench) */
  useRollup = true;

  constructor(
    private readonly ds: DataSource,
    @Inject(NOW) private readonly now: NowFn,
    @Optional() private readonly replica?: ReadReplica,
  ) {}

  /**
   * Moves the rollup's watermark as far as is safe now (docs/reports.md "The rollup"): the safe
   * moment is read before the refresh's snapshot is taken, which is what makes it exact.
   * `upTo` (tests): a watermark earlier than the day's start.
   */
  async refreshRollup(upTo?: Date): Promise<RollupRefresh | null> {
    const to = await rollupSafeWatermark(this.ds, upTo);
    return this.ds.transaction('REPEATABLE READ', async (m) => {
      await setReportSession(m);
      return refreshRollupIn(m, to);
    });
  }

  /**
   * On the read replica where the app has one (the gateway; docs/reliability.md#postgresql-read-replica):
   * a replica at most DATABASE_REPLICA_MAX_LAG_MS behind holds every fact of an asOf older than that.
   * The router's snapshots read the primary (it opens no replica): stored for good, exact.
   */
  private read<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    const run = (ds: DataSource) =>
      ds.transaction('REPEATABLE READ', async (m) => {
        // A report's statements are estimated as large; compiling them (JIT) costs more than it saves.
        await setReportSession(m);
        return fn(m);
      });
    return this.replica ? this.replica.read(run) : run(this.ds);
  }

  summary(q: ReportQuestion): Promise<ReportAnswer> {
    return this.read((m) => this.summaryIn(m, q));
  }

  async summaryIn(m: EntityManager, q: ReportQuestion): Promise<ReportAnswer> {
    const w = await assessmentWeightsAt(m, q.asOf);
    const watermark = this.useRollup ? await rollupWatermark(m) : null;
    const groups = await countsWithRollup(m, { fromInstant: q.period.fromInstant, toInstant: q.period.toInstant, asOf: q.asOf, groupBy: q.unit ? 'none' : q.groupBy, unit: q.unit ?? null }, watermark);
    let total = emptyCounts();
    for (const c of groups.values()) total = addCounts(total, c);
    const names = q.groupBy === 'unit' ? await unitNames(m, [...groups.keys()].filter((k): k is string => k !== null)) : new Map<string, string>();
    return {
      from: q.period.from,
      to: q.period.to,
      period: q.period.period,
      asOf: q.asOf.toISOString(),
      groupBy: q.unit ? 'none' : q.groupBy,
      ...(q.unit ? { unit: q.unit } : {}),
      weights: { version: w.version, ...w.weights },
      total: finish(total, w.weights),
      groups: q.unit || q.groupBy === 'none' ? [] : [...groups.entries()].map(([key, c]) => ({ key, name: key === null ? null : (names.get(key) ?? null), ...finish(c, w.weights) })),
    };
  }

  /** The three rates month by month over the period (the dashboard's trend lines), each month at the same asOf. */
  async trend(q: ReportQuestion): Promise<{ asOf: string; months: { month: string; contactRate: number | null; resolutionRate: number | null; satisfactionRate: number | null; score: number | null }[] }> {
    return this.read(async (m) => {
      const out = [];
      for (const month of monthsOf(q.period)) {
        const p = parsePeriod(month);
        if (!p.ok) continue;
        const a = await this.summaryIn(m, { ...q, period: p.value, groupBy: 'none' });
        out.push({ month, ...a.total.threeRates });
      }
      return { asOf: q.asOf.toISOString(), months: out };
    });
  }

  drill(q: Omit<DrillQuery, 'fromInstant' | 'toInstant' | 'asOf'> & { question: ReportQuestion }): Promise<DrillRow[]> {
    const { question, ...rest } = q;
    return this.read((m) => drillTickets(m, { ...rest, fromInstant: question.period.fromInstant, toInstant: question.period.toInstant, asOf: question.asOf }));
  }

  async rankings(q: ReportQuestion, by: RankBy): Promise<{ from: string; to: string; asOf: string; by: RankBy; weights: ReportAnswer['weights']; rows: RankedUnit[] }> {
    const a = await this.summary({ ...q, groupBy: 'unit' as GroupBy });
    return { from: a.from, to: a.to, asOf: a.asOf, by, weights: a.weights, rows: rank(a.groups, by) };
  }

  async notices(q: ReportQuestion): Promise<{ from: string; to: string; asOf: string; entries: (NoticeEntry & { name: string | null })[] }> {
    return this.read(async (m) => {
      const list = notices(await noticeTickets(m, { fromInstant: q.period.fromInstant, toInstant: q.period.toInstant, asOf: q.asOf, unit: q.unit ?? null }));
      const names = await unitNames(m, list.map((e) => e.unit));
      return { from: q.period.from, to: q.period.to, asOf: q.asOf.toISOString(), entries: list.map((e) => ({ ...e, name: names.get(e.unit) ?? null })) };
    });
  }
}
