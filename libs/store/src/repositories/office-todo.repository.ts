import { queryRows, type Queryable } from '../db';

/** What waits for the hotline office, tab by tab of the console's 待办 (docs/console.md). */
export interface OfficeTodoCounts {
  /** 争议: no unit fits, the office names one */
  disputes: number;
  /** 退单 waiting for review (or for designation after a second one) */
  objections: number;
  /** extension requests waiting for a decision */
  extensions: number;
  /** 申诉 waiting for review */
  appeals: number;
  /** replied, waiting for the callback (回访) */
  callbacks: number;
  /** a duty deadline in its warning window */
  dueSoon: number;
  /** a duty deadline passed */
  overdue: number;
  /** outbound messages that failed for good (dead letters) */
  deadLetters: number;
}

export async function officeTodoCounts(db: Queryable, now: Date): Promise<OfficeTodoCounts> {
  const [row] = await queryRows<OfficeTodoCounts>(
    db,
    `SELECT
       (SELECT count(*)::int FROM tickets WHERE state = 'disputed') AS disputes,
       (SELECT count(*)::int FROM tickets WHERE state = 'objected') AS objections,
       (SELECT count(DISTINCT ticket_id)::int FROM extension_requests WHERE status = 'pending') AS extensions,
       (SELECT count(*)::int FROM tickets WHERE state = 'appealed') AS appeals,
       (SELECT count(*)::int FROM tickets WHERE state = 'replied') AS callbacks,
       (SELECT count(DISTINCT c.ticket_id)::int FROM ticket_clocks c
         WHERE c.type IN ('contact','resolve') AND c.state = 'running' AND c.warn_at <= $1 AND c.due > $1) AS "dueSoon",
       (SELECT count(DISTINCT c.ticket_id)::int FROM ticket_clocks c
         WHERE c.type IN ('contact','resolve') AND (c.state = 'missed' OR (c.state = 'running' AND c.due <= $1))) AS overdue,
       (SELECT count(*)::int FROM outbox WHERE status = 'failed') AS "deadLetters"`,
    [now],
  );
  return row;
}
