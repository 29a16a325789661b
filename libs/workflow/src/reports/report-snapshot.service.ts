import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dueSnapshots, parsePeriod, type SnapshotKind } from '@hub/rules/reports';
import { insertSnapshot, snapshotExists, type SnapshotMeta } from '@hub/store';
import { ReportService } from './report.service';
import { writeSummaryXlsx } from './report.xlsx';

async function xlsxBuffer(write: (s: PassThrough) => Promise<void>): Promise<Buffer> {
  const s = new PassThrough();
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => { s.on('end', resolve); s.on('error', reject); });
  await write(s);
  await ended;
  return Buffer.concat(chunks);
}

/**
 * Scheduled reports (docs/reports.md "Snapshots"): the report grouped by unit at the period's fixed
 * asOf, stored once as JSON and xlsx. Making one twice stores one (unique kind + period); a stored
 * snapshot is never changed (the table refuses UPDATE and DELETE).
 */
@Injectable()
export class ReportSnapshotService {
  private readonly logger = new Logger(ReportSnapshotService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly reports: ReportService,
  ) {}

  async make(kind: SnapshotKind, period: string, asOf: Date): Promise<{ created: boolean; snapshot: SnapshotMeta }> {
    const p = parsePeriod(period);
    if (!p.ok) throw new RangeError(`bad period ${period}`);
    const answer = await this.reports.summary({ period: p.value, asOf, groupBy: 'unit' });
    const json = JSON.stringify(answer);
    const xlsx = await xlsxBuffer((s) => writeSummaryXlsx(s, answer));
    const sha256 = createHash('sha256').update(json).digest('hex');
    const r = await insertSnapshot(this.ds, { kind, period, asOf, weightsVersion: answer.weights.version, json, xlsx, sha256 });
    if (r.created) this.logger.log({ kind, period, asOf: asOf.toISOString(), sha256 }, 'report snapshot stored');
    return r;
  }

  /** Makes every snapshot whose moment has come and that is not stored yet (the repeatable job). */
  async makeDue(now: Date): Promise<SnapshotMeta[]> {
    const made: SnapshotMeta[] = [];
    for (const d of dueSnapshots(now)) {
      if (await snapshotExists(this.ds, d.kind, d.period)) continue;
      const r = await this.make(d.kind, d.period, d.asOf);
      if (r.created) made.push(r.snapshot);
    }
    return made;
  }
}
