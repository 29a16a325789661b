/** The tickets behind the 通报 list (docs/reports.md "Rankings and 通报"), per unit and reason. */
import type { NoticeTicket } from '@hub/rules/reports';
import { queryRows, type Queryable } from '../db';
import { CLOCK_OUTCOME_SQL } from './report.repository';

/**
 * - overdue_supervised: supervised (督办) tickets whose resolve clock at that unit was late at asOf;
 * - appeal_refused: 差评申诉 the office refused (the bad review stands);
 * - bounced: tickets flagged for passing between units too often (推诿扯皮, 沪府办〔2020〕49号 Art. 8(二)).
 */
export async function noticeTickets(db: Queryable, q: { fromInstant: Date; toInstant: Date; asOf: Date; unit?: string | null }): Promise<NoticeTicket[]> {
  const params: unknown[] = [q.fromInstant, q.toInstant, q.asOf];
  let unit = '';
  if (q.unit) {
    params.push(q.unit);
    unit = 'AND f.unit_code = $4';
  }
  const rows = await queryRows<{ unit: string; reason: NoticeTicket['reason']; ticket_id: string }>(
    db,
    `SELECT f.unit_code AS unit, 'overdue_supervised' AS reason, f.ticket_id::text
       FROM report_facts f
      WHERE f.fact = 'supervised' AND f.received_at >= $1 AND f.received_at < $2 AND f.at <= $3 AND f.unit_code IS NOT NULL ${unit}
        AND EXISTS (SELECT 1 FROM (SELECT c.met_at, c.stopped_at, c.due FROM ticket_clocks c
                     WHERE c.ticket_id = f.ticket_id AND c.type = 'resolve' AND c.unit_code = f.unit_code AND c.started_at <= $3) c
                     WHERE ${CLOCK_OUTCOME_SQL.late})
     UNION ALL
     SELECT f.unit_code, CASE f.fact WHEN 'appeal.refused' THEN 'appeal_refused' ELSE 'bounced' END, f.ticket_id::text
       FROM report_facts f
      WHERE f.fact IN ('appeal.refused', 'bounced') AND f.received_at >= $1 AND f.received_at < $2 AND f.at <= $3 AND f.unit_code IS NOT NULL ${unit}`,
    params,
  );
  return rows.map((r) => ({ unit: r.unit, reason: r.reason, ticketId: r.ticket_id }));
}
