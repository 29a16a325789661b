/**
 * Reports as Excel workbooks, written as a stream (exceljs WorkbookWriter): rows are committed as
 * they are made, so a long drill-down export keeps the gateway's memory bounded.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { FIGURE_COLUMNS, figureAt } from '@hub/rules/reports';
import type { DrillRow } from '@hub/store';
import type { ReportAnswer } from './report.types';

function workbook(stream: Writable, asOf: string): ExcelJS.stream.xlsx.WorkbookWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  wb.creator = '12345 hub';
  wb.created = new Date(asOf);
  wb.modified = new Date(asOf);
  return wb;
}

/** Sheet "figures": a header of figure paths, the total, then one row per group; sheet "report": the question and the weights. */
export async function writeSummaryXlsx(stream: Writable, a: ReportAnswer): Promise<void> {
  const wb = workbook(stream, a.asOf);
  const about = wb.addWorksheet('report');
  const meta: [string, string | number | null][] = [
    ['from', a.from], ['to', a.to], ['period', a.period], ['asOf', a.asOf], ['groupBy', a.groupBy], ['unit', a.unit ?? null],
    ['weights.version', a.weights.version], ['weights.basicallySatisfied', a.weights.basicallySatisfied],
    ['weights.contact', a.weights.contact], ['weights.resolution', a.weights.resolution], ['weights.satisfaction', a.weights.satisfaction],
  ];
  for (const row of meta) about.addRow(row).commit();
  about.commit();
  const sheet = wb.addWorksheet('figures');
  sheet.addRow(['key', 'name', ...FIGURE_COLUMNS]).commit();
  sheet.addRow(['total', null, ...FIGURE_COLUMNS.map((c) => figureAt(a.total, c))]).commit();
  for (const g of a.groups) sheet.addRow([g.key, g.name, ...FIGURE_COLUMNS.map((c) => figureAt(g, c))]).commit();
  sheet.commit();
  await wb.commit();
}

/** A drill-down as a sheet, page after page from `next` until it answers an empty page. */
export async function writeTicketsXlsx(stream: Writable, meta: { figure: string; asOf: string }, next: () => Promise<DrillRow[]>): Promise<number> {
  const wb = workbook(stream, meta.asOf);
  const sheet = wb.addWorksheet(meta.figure.slice(0, 31));
  sheet.addRow(['ticketId', 'at', 'unitCode', 'what']).commit();
  let n = 0;
  for (let page = await next(); page.length > 0; page = await next()) {
    for (const r of page) sheet.addRow([r.ticketId, r.at, r.unitCode, r.what]).commit();
    n += page.length;
    // A slow reader: the zip stops reading the sheet when the response is full, and committed rows
    // would pile up in memory; the next page waits until the response takes more.
    if (stream.writableNeedDrain) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    if (stream.destroyed) return n; // the reader went away: stop reading the list
  }
  sheet.commit();
  await wb.commit();
  return n;
}
