import { get, query } from '@/api';
import type { ListEntry } from './WorkOrderTable.vue';
import { KIND, SOURCE, STATE, label } from '@/labels';
import { formatTime } from '@/time';

/** At most this many rows go into one export (the API pages by 100). */
export const EXPORT_MAX = 5000;

/**
 * The current list, every page of it, as an .xlsx file (exceljs, loaded only when exporting).
 * Returns the number of rows written.
 */
export async function exportList(filters: Record<string, string | undefined>, fileName: string): Promise<number> {
  const rows: ListEntry[] = [];
  let cursor: string | undefined;
  do {
    const p = await get<{ items: ListEntry[]; nextCursor: string | null }>(`/office/tickets${query({ ...filters, limit: 100, cursor })}`);
    rows.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor && rows.length < EXPORT_MAX);
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('工单');
  sheet.columns = [
    { header: '工单编号', key: 'externalId', width: 20 },
    { header: '标题', key: 'title', width: 40 },
    { header: '来源', key: 'source', width: 12 },
    { header: '类型', key: 'kind', width: 8 },
    { header: '状态', key: 'state', width: 12 },
    { header: '承办单位', key: 'unit', width: 28 },
    { header: '先行联系期限', key: 'contact', width: 18 },
    { header: '办结期限', key: 'resolve', width: 18 },
    { header: '预警', key: 'dueSoon', width: 6 },
    { header: '超期', key: 'overdue', width: 6 },
    { header: '接收时间', key: 'receivedAt', width: 18 },
    { header: '工单ID', key: 'id', width: 38 },
  ];
  for (const r of rows.slice(0, EXPORT_MAX)) {
    sheet.addRow({
      externalId: r.externalId,
      title: r.title,
      source: label(SOURCE, r.source),
      kind: label(KIND, r.kind),
      state: label(STATE, r.state),
      unit: r.unit?.name ?? '',
      contact: r.due.contact ? formatTime(r.due.contact) : '',
      resolve: r.due.resolve ? formatTime(r.due.resolve) : '',
      dueSoon: r.dueSoon ? '是' : '',
      overdue: r.overdue ? '是' : '',
      receivedAt: formatTime(r.receivedAt),
      id: r.id,
    });
  }
  sheet.getRow(1).font = { bold: true };
  const buf = await book.xlsx.writeBuffer();
  const url = URL.createObjectURL(new Blob([buf], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return Math.min(rows.length, EXPORT_MAX);
}
