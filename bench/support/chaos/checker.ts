/**
 * The chaos bench's checker: once the hub has drained, the whole history against the database and
 * what the fake upstreams received (docs/reliability.md#what-the-checker-checks).
 */
import { installationPrefix } from '@hub/queues';
import { installationId } from '@hub/store';
import type { RecordedRequest } from '../../../test/fakes/fake-upstream';
import type { ChaosHub } from './hub';
import type { Workload } from './workload';

export interface Verdict {
  ticketsIn: number;
  answered2xx: number;
  /** answered 2xx and not stored, or a message stored as delivered that its target never received */
  lost: string[];
  /** a ticket stored twice, an event written twice for one ticket, a clock doubled or fired twice */
  duplicated: string[];
  /** a ticket's events that first reached a target out of the order they were written */
  outOfOrder: string[];
  /** pending messages, jobs left in Redis, clocks overdue and not fired, after the drain */
  stuck: string[];
  /** a ticket whose state is not the one its actions imply */
  wrongState: string[];
  /** dead letters that the fakes did not refuse for good */
  unexpectedDeadLetters: string[];
  deadLetters: number;
  /** the same eventId received again (a retry after a lost answer or a re-queued job), per fake */
  resends: number;
  resendsBy: Record<string, number>;
  /** plans that could not run to their end (answers refused, or patience ran out) */
  planErrors: string[];
}

/** Event types a ticket hears at most once per target in this workload (no merges, no reopening). */
const ONCE = ['accepted', 'dispatched', 'signed', 'contacted', 'replied', 'closed', 'objected'];

export async function check(hub: ChaosHub, w: Workload): Promise<Verdict> {
  const v: Verdict = { ticketsIn: 0, answered2xx: 0, lost: [], duplicated: [], outOfOrder: [], stuck: [], wrongState: [], unexpectedDeadLetters: [], deadLetters: 0, resends: 0, resendsBy: {}, planErrors: [] };
  const q = <T>(sql: string, params: unknown[] = []): Promise<T[]> => hub.ds.query(sql, params) as Promise<T[]>;

  // every ticket answered 2xx exists exactly once, in the state its actions imply
  const answered = w.tickets.filter((t) => t.answered !== undefined);
  v.ticketsIn = w.tickets.length + w.transfers.length;
  v.answered2xx = answered.length;
  const stored = await q<{ source: string; external_id: string; n: number; state: string }>(
    `SELECT source, external_id, count(*)::int AS n, min(state) AS state FROM tickets GROUP BY source, external_id`,
  );
  const byKey = new Map(stored.map((s) => [`${s.source}/${s.external_id}`, s]));
  for (const t of answered) {
    const s = byKey.get(`${t.source}/${t.externalId}`);
    if (!s) v.lost.push(`ticket ${t.source}/${t.externalId} answered ${t.answered} and not stored`);
    else if (s.n > 1) v.duplicated.push(`ticket ${t.source}/${t.externalId} stored ${s.n} times`);
    else if (t.expected !== undefined && s.state !== t.expected) v.wrongState.push(`${t.externalId}: ${s.state}, expected ${t.expected}`);
    if (t.planError) v.planErrors.push(`${t.externalId}: ${t.planError}`);
  }
  for (const id of w.transfers) {
    const s = byKey.get(`national/${id}`);
    if (!s) v.lost.push(`national transfer ${id} published and never taken in`);
    else if (s.n > 1) v.duplicated.push(`national transfer ${id} stored ${s.n} times`);
  }

  // every message: delivered ones were received (2xx or 409), in the order written, per ticket and target
  const rows = await q<{ id: string; event_id: string; ticket_id: string; target: string; type: string; status: string; external_id: string }>(
    `SELECT o.id::text, o.event_id::text, o.ticket_id::text, o.target, o.type, o.status, t.external_id
       FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id WHERE o.target <> 'router' ORDER BY o.id`,
  );
  const fakes: Record<string, RecordedRequest[]> = { hotline: hub.hotline.requests, ywtb: hub.ywtb.requests, national: hub.national.upstream.requests, units: hub.units.requests };
  const fakeOf = (target: string): string => (target.startsWith('unit:') ? 'units' : target);
  // per fake and eventId: the first arrival of any kind, and the first answered 2xx or 409
  const received = new Map<string, Map<string, { any: number; ok?: number }>>();
  for (const [name, reqs] of Object.entries(fakes)) {
    const seen = new Map<string, { any: number; ok?: number }>();
    reqs.forEach((r, i) => {
      const id = (r.body as { eventId?: unknown } | undefined)?.eventId;
      if (typeof id !== 'string') return;
      const s = seen.get(id);
      if (s) {
        v.resends++;
        v.resendsBy[name] = (v.resendsBy[name] ?? 0) + 1;
      }
      else seen.set(id, { any: i });
      const cur = seen.get(id)!;
      if (cur.ok === undefined && r.responseStatus !== undefined && (r.responseStatus < 300 || r.responseStatus === 409)) cur.ok = i;
    });
    received.set(name, seen);
  }
  const seq = new Map<string, Array<{ id: string; any: number; ok: number }>>();
  const types = new Map<string, number>();
  for (const r of rows) {
    const got = received.get(fakeOf(r.target))?.get(r.event_id);
    if (r.status === 'delivered' && got?.ok === undefined) v.lost.push(`message ${r.id} (${r.type} to ${r.target}) marked delivered, never received`);
    if (r.status === 'pending') v.stuck.push(`message ${r.id} (${r.type} to ${r.target}) still pending`);
    if (r.status === 'failed' || r.status === 'discarded') {
      v.deadLetters++;
      if (!(r.target === 'hotline' && r.external_id?.startsWith('CHX'))) v.unexpectedDeadLetters.push(`message ${r.id} (${r.type} to ${r.target})`);
    }
    if (got?.ok !== undefined) {
      const k = `${r.ticket_id}>${r.target}`;
      seq.set(k, [...(seq.get(k) ?? []), { id: r.id, any: got.any, ok: got.ok }]);
    }
    if (ONCE.includes(r.type) && !r.target.startsWith('unit:')) {
      const k = `${r.ticket_id}>${r.target}>${r.type}`;
      types.set(k, (types.get(k) ?? 0) + 1);
    }
  }
  for (const [k, list] of seq) {
    // a message may leave only once the one before it was answered (docs/delivery.md#order)
    for (let i = 1; i < list.length; i++) {
      if (list[i].any < list[i - 1].ok) {
        v.outOfOrder.push(`${k}: message ${list[i].id} arrived before ${list[i - 1].id}`);
        break;
      }
    }
  }
  for (const [k, n] of types) if (n > 1) v.duplicated.push(`${k} written ${n} times`);

  // clocks: one per ticket and type, none overdue and unfired, no 督办 round fired twice
  for (const r of await q<{ ticket_id: string; type: string; n: number }>(
    `SELECT ticket_id::text, type, count(*)::int AS n FROM ticket_clocks WHERE state IN ('running', 'missed') GROUP BY 1, 2 HAVING count(*) > 1`,
  )) v.duplicated.push(`clock ${r.type} of ${r.ticket_id} open ${r.n} times`);
  for (const r of await q<{ id: string }>(
    `SELECT t.id::text FROM tickets t WHERE t.state IN ('dispatched', 'signed', 'contacted')
        AND NOT EXISTS (SELECT 1 FROM ticket_clocks c WHERE c.ticket_id = t.id AND c.type = 'resolve' AND c.state IN ('running', 'missed'))`,
  )) v.lost.push(`ticket ${r.id} in handling without its resolve clock`);
  for (const r of await q<{ id: string; type: string }>(
    `SELECT id::text, type FROM ticket_clocks WHERE state IN ('running', 'missed') AND next_fire_at < now() - interval '60 seconds'`,
  )) v.stuck.push(`clock ${r.id} (${r.type}) overdue and not fired`);
  for (const r of await q<{ ticket_id: string; clock: string; round: string; n: number }>(
    `SELECT ticket_id::text, COALESCE(data->'supervision', data)->>'clock' AS clock, COALESCE(data->'supervision', data)->>'round' AS round, count(*)::int AS n
       FROM ticket_events WHERE type = 'supervised' AND COALESCE(data->'supervision', data) ? 'round' GROUP BY 1, 2, 3 HAVING count(*) > 1`,
  )) v.duplicated.push(`督办 round ${r.round} of the ${r.clock} clock of ${r.ticket_id} fired ${r.n} times`);
  return v;
}

/** Jobs left in Redis after the drain: waiting or active routing and delivery jobs. */
export async function stuckJobs(hub: ChaosHub): Promise<string[]> {
  const out: string[] = [];
  const prefix = installationPrefix('chaos', await installationId(hub.ds));
  await hub.redis.command(async (r) => {
    for (const queue of ['route', 'deliver', 'clock']) {
      const wait = await r.llen(`${prefix}:${queue}:wait`);
      const active = await r.llen(`${prefix}:${queue}:active`);
      if (wait + active > 0) out.push(`${queue}: ${wait} waiting, ${active} active`);
    }
  });
  return out;
}
