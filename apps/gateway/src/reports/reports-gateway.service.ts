import { PassThrough } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { HubError, NOW, ValidationFailed, type HubActor, type NowFn } from '@hub/common';
import { checkWeights } from '@hub/rules/reports';
import { ReadReplica, assessmentWeightsAt, listSnapshots, saveAssessmentWeights, snapshotContent, type DrillRow } from '@hub/store';
import { ReportService, writeSummaryXlsx, writeTicketsXlsx } from '@hub/workflow/reports';
import { encodeDrillCursor, parseReportQuery, type ParsedReport, type RawReportQuery } from './reports.query';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The gateway's side of reports: parameters, who may see what, JSON or a streamed workbook. */
@Injectable()
export class ReportsGatewayService {
  private readonly logger = new Logger(ReportsGatewayService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly reports: ReportService,
    private readonly replica: ReadReplica,
    @Inject(NOW) private readonly now: NowFn,
  ) {}

  /** A unit's own report: `unit`, when given, must be the caller's own (another's: 404, nothing revealed). */
  private ownUnit(actor: HubActor, p: ParsedReport): string {
    const own = actor.unitCode;
    if (!own) throw new HubError(403, 'forbidden', 'only a unit has its own report');
    if (p.unit !== undefined && p.unit !== own) throw new HubError(404, 'not_found', `no report for unit ${p.unit}`);
    return own;
  }

  async summary(raw: RawReportQuery, reply: FastifyReply, actor?: HubActor): Promise<void> {
    const p = parseReportQuery(raw, this.now(), actor ? { format: true, unit: true } : { groupBy: true, format: true });
    const unit = actor ? this.ownUnit(actor, p) : null;
    const answer = await this.reports.summary({ ...p.question, unit });
    if (p.format === 'json') {
      await reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(answer));
      return;
    }
    const stream = new PassThrough();
    void reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="report-${answer.from}-${answer.to}.xlsx"`).send(stream);
    await writeSummaryXlsx(stream, answer);
  }

  async tickets(raw: RawReportQuery, reply: FastifyReply, actor?: HubActor): Promise<void> {
    const p = parseReportQuery(raw, this.now(), actor ? { figure: true, format: true, unit: true } : { figure: true, groupBy: true, format: true });
    const unit = actor ? this.ownUnit(actor, p) : null;
    if (p.key !== undefined && p.question.groupBy === 'none') throw new ValidationFailed([{ path: 'groupBy', message: 'is required with key' }]);
    const group = p.key !== undefined && p.question.groupBy !== 'none' ? { by: p.question.groupBy, key: p.key } : undefined;
    const base = { question: p.question, figure: p.figure!, group, unit };
    if (p.format === 'xlsx') {
      // The whole list, page by page into the stream: memory stays one page whatever its length.
      let after = p.after;
      const next = async (): Promise<DrillRow[]> => {
        const rows = await this.reports.drill({ ...base, limit: 1000, after });
        if (rows.length > 0) after = rows[rows.length - 1]!.pos;
        return rows;
      };
      const stream = new PassThrough();
      void reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="tickets-${p.figure}.xlsx"`).send(stream);
      const n = await writeTicketsXlsx(stream, { figure: p.figure!, asOf: p.question.asOf.toISOString() }, next);
      this.logger.log({ figure: p.figure, rows: n }, 'drill-down exported');
      return;
    }
    const rows = await this.reports.drill({ ...base, limit: p.limit + 1, after: p.after });
    const page = rows.slice(0, p.limit);
    const last = page[page.length - 1];
    await reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({
      from: p.question.period.from,
      to: p.question.period.to,
      asOf: p.question.asOf.toISOString(),
      figure: p.figure,
      ...(group ? { groupBy: group.by, key: group.key } : {}),
      ...(unit ? { unit } : {}),
      items: page.map(({ pos: _pos, ...r }) => r),
      nextCursor: rows.length > p.limit && last ? encodeDrillCursor(last.pos) : null,
    }));
  }

  rankings(raw: RawReportQuery) {
    const p = parseReportQuery(raw, this.now(), { by: true });
    return this.reports.rankings(p.question, p.by);
  }

  notices(raw: RawReportQuery) {
    const p = parseReportQuery(raw, this.now());
    return this.reports.notices(p.question);
  }

  trend(raw: RawReportQuery, actor?: HubActor) {
    const p = parseReportQuery(raw, this.now(), actor ? { unit: true } : {});
    const unit = actor ? this.ownUnit(actor, p) : null;
    return this.reports.trend({ ...p.question, unit });
  }

  assessment() {
    return assessmentWeightsAt(this.ds, this.now());
  }

  async setAssessment(body: unknown, actor: HubActor) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ValidationFailed([{ path: '', message: 'must be an object of weights' }]);
    const v = checkWeights(body as Record<string, unknown>);
    if (!v.ok) throw new ValidationFailed(v.fields);
    return saveAssessmentWeights(this.ds, v.value, `${actor.role}:${actor.id}`);
  }

  snapshots() {
    return this.replica.read((db) => listSnapshots(db, 200)).then((items) => ({ items }));
  }

  async snapshot(id: string, format: string | undefined, reply: FastifyReply): Promise<void> {
    if (format !== undefined && format !== 'json' && format !== 'xlsx') throw new ValidationFailed([{ path: 'format', message: 'must be json or xlsx' }]);
    const what = format === 'xlsx' ? 'xlsx' : 'json';
    const c = await snapshotContent(this.ds, id, what);
    if (c === null) throw new HubError(404, 'not_found', `snapshot ${id} not found`);
    if (what === 'json') await reply.header('content-type', 'application/json; charset=utf-8').send(c);
    else await reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="snapshot-${id}.xlsx"`).send(c);
  }
}
