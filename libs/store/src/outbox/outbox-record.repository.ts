/**
 * Recording what a delivery did: one attempt (recordAttempt), or the steps of delivery chains, each
 * recording its attempts and claiming the next window of its order key in one statement
 * (recordSteps; docs/delivery.md#inside-the-outbox-statements). The rows and their reads are
 * outbox.repository.ts's.
 */
import { queryRows, type Queryable } from '../db';
import { OUTBOX_ROW_COLUMNS, pendingById, type OutboxRow } from './outbox.repository';

export type AttemptOutcome =
  | { outcome: 'delivered'; status: number; durationMs: number }
  | { outcome: 'retry'; status?: number; error: string; durationMs: number; nextAttemptAt: Date }
  | { outcome: 'permanent' | 'exhausted'; status?: number; error: string; durationMs: number };

/**
 * Records one attempt and its consequence, only if the row is still at the attempt the worker
 * loaded (a stale or duplicate job changes nothing). When the row leaves `pending` and the next
 * message of its order key can go, the relay is woken.
 */
export async function recordAttempt(db: Queryable, id: string, attempt: number, r: AttemptOutcome): Promise<boolean> {
  const [result] = await recordSteps(db, [{ records: [{ id, attempt, outcome: r }], unsent: [], claim: 0 }]);
  return result.recorded[0];
}

/** A claimed row, named by the attempt it was claimed at. */
export interface ClaimedRef {
  id: string;
  attempt: number;
}

export interface AttemptRecord {
  id: string;
  /** the attempts count the worker loaded the row at */
  attempt: number;
  outcome: AttemptOutcome;
  /** when the row leaves `pending`, claim and return the next message of its order key */
  claimNext: boolean;
}

export interface RecordedAttempt {
  /** false: the row had moved on (another worker recorded this attempt); nothing was changed */
  recorded: boolean;
  /** the claimed next message of the same order key, to be delivered by the caller now */
  next?: OutboxRow;
}

/**
 * One step of a delivery chain: what it sent since its last step, what it keeps, and what it gives
 * back. All rows of a step are of one order key (one ticket and target), in id order.
 */
export interface DeliveryStep {
  /** the attempts made, each recorded only if the row is still pending at `attempt` */
  records: Array<{ id: string; attempt: number; outcome: AttemptOutcome }>;
  /**
   * claimed rows the caller goes on sending (its queue, in order): the claim below continues behind
   * them, and they must be exactly the head of the order key after the records. Their claim is
   * renewed when it is older than a quarter of `requeueAfterMs`, else left as it is (no write).
   */
  held?: ClaimedRef[];
  /** claimed rows the caller will not send: given back, unless the claim below takes them (again) */
  unsent: ClaimedRef[];
  /**
   * claim up to this many consecutive messages from the head of the order key, `held` included
   * (0: none). Only when every record of the step was recorded, none of the order key's records
   * stays pending (a retry holds the key back), and the step holds the order key's highest id of
   * the statement.
   */
  claim: number;
}

export interface StepResult {
  /** per record, in order: false where the row had moved on (another worker recorded it) */
  recorded: boolean[];
  /**
   * the `held` rows found still at the head of the order key and still the caller's, in order: the
   * claim continued behind them only if this is all of `held`
   */
  held: string[];
  /** the messages claimed behind them, in order */
  window: OutboxRow[];
  /**
   * rows claimed but cut off from the window by a row that changed under the statement (another
   * worker recorded it meanwhile): the caller must give them back (as `unsent` of its next step)
   */
  strays: ClaimedRef[];
}

/**
 * The single-message form of recordSteps (one record each, `claimNext`: claim one successor).
 * Results are in the order of `items`.
 */
export async function recordAttempts(db: Queryable, items: AttemptRecord[], opts: RecordOptions = {}): Promise<RecordedAttempt[]> {
  const results = await recordSteps(
    db,
    items.map((i) => ({ records: [{ id: i.id, attempt: i.attempt, outcome: i.outcome }], unsent: [], claim: i.claimNext ? 1 : 0 })),
    opts,
  );
  return results.map((r) => (r.recorded[0] ? { recorded: true, ...(r.window[0] ? { next: r.window[0] } : {}) } : { recorded: false }));
}

export interface RecordOptions {
  /**
   * the commit does not wait for the WAL flush (synchronous_commit off for this transaction only).
   * For delivery records that is safe: if PostgreSQL itself crashes within the next few hundred ms,
   * the last records are lost, those messages are sent again with the same eventId, and the target
   * answers 2xx or 409 (docs/contracts.md#delivery-and-retries): nothing is lost or reordered.
   */
  asyncCommit?: boolean;
  /**
   * a row claimed this long ago and still pending may be claimed again (its holder is gone), as in
   * reclaimStale; held rows' claims are renewed after a quarter of it
   */
  requeueAfterMs?: number;
}

/**
 * Records the steps of many delivery chains in ONE statement, and claims each chain's next window
 * of messages: per record the condition of recordAttempt (pending at that attempt), then per order
 * key **claim** (a free key's oldest pending rows, a consecutive run from the head, to the step that
 * holds its highest id), **release** (`unsent` rows the claim did not take) and **wake** (the relay,
 * only for a new head that can go and that nobody holds). One statement, so nothing slips in
 * between a record and the claim of what follows it; the rules in full are in
 * docs/delivery.md#inside-the-outbox-statements. Results are in the order of `steps`; a row may
 * appear once per call (as a record, held or unsent of one step).
 */
export async function recordSteps(db: Queryable, steps: DeliveryStep[], opts: RecordOptions = {}): Promise<StepResult[]> {
  if (steps.length === 0) return [];
  const recs = steps.flatMap((s, k) => s.records.map((r, index) => ({ step: k + 1, index, ...r })));
  const unsent = steps.flatMap((s, k) => s.unsent.map((u) => ({ step: k + 1, ...u })));
  const held = steps.flatMap((s, k) => (s.held ?? []).map((h) => ({ step: k + 1, ...h })));
  const statusOf = (r: AttemptOutcome): string => (r.outcome === 'delivered' ? 'delivered' : r.outcome === 'retry' ? 'pending' : 'failed');
  const errorOf = (r: AttemptOutcome): string | null => (r.outcome === 'delivered' ? null : r.outcome === 'exhausted' ? `retries exhausted: ${r.error}` : r.error);
  const rows = await queryRows<{ kind: 'r' | 'h' | 'w' | 's' | null; step: number; pos: number; ok: boolean; rid: string; rattempt: number } & Partial<OutboxRow>>(db, `WITH
     cfg AS (SELECT set_config('synchronous_commit', CASE WHEN $1::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true) AS v),
     rin AS (
       SELECT * FROM unnest($3::int[], $4::bigint[], $5::int[], $6::text[], $7::timestamptz[], $8::int[], $9::text[], $10::text[], $11::int[])
         WITH ORDINALITY AS i(step, id, attempt, status, next_at, status_code, error, outcome, duration_ms, pos)),
     uin AS (SELECT * FROM unnest($12::int[], $13::bigint[], $14::int[]) AS u(step, id, attempt)),
     hin AS (SELECT * FROM unnest($15::int[], $16::bigint[], $17::int[]) AS h(step, id, attempt)),
     sin AS (SELECT * FROM unnest($18::int[]) WITH ORDINALITY AS s(claim, step)),
     upd AS (
       UPDATE outbox o SET
         status = i.status, attempts = o.attempts + 1,
         first_attempt_at = COALESCE(o.first_attempt_at, now()),
         next_attempt_at = COALESCE(i.next_at, o.next_attempt_at),
         last_status = i.status_code, last_error = i.error,
         delivered_at = CASE WHEN i.status = 'delivered' THEN now() ELSE o.delivered_at END
       FROM rin i
       WHERE o.id = i.id AND o.attempts = i.attempt AND ${pendingById('o')}
       RETURNING o.id, o.attempts, o.status, o.order_key, i.outcome, i.status_code, i.duration_ms, i.error),
     log AS (
       INSERT INTO delivery_attempts (outbox_id, attempt, outcome, status_code, duration_ms, error)
       SELECT id, attempts, outcome, status_code, duration_ms, error FROM upd),
     -- the rows a step owns (kept or given back), at most one lookup of their key per step
     mine AS (
       SELECT id, attempt, bool_or(held) AS held FROM (SELECT id, attempt, false AS held FROM uin UNION ALL SELECT id, attempt, true FROM hin) m
        GROUP BY id, attempt),
     -- every record with its order key, and each step's highest owned row (this statement's snapshot)
     own AS (
       SELECT COALESCE(u.order_key, (SELECT o.order_key FROM outbox o WHERE o.id = i.id)) AS order_key, i.step, i.id, true AS rec,
              u.id IS NOT NULL AS recorded, u.status AS new_status
         FROM rin i LEFT JOIN upd u ON u.id = i.id
       UNION ALL
       -- a scalar subquery, like the records' above: a join here may be planned as a hash join over
       -- the whole outbox (the generic plan reckons with ten rows per array)
       SELECT (SELECT o.order_key FROM outbox o WHERE o.id = x.id), x.step, x.id, false, false, NULL
         FROM (SELECT step, max(id) AS id FROM (SELECT step, id FROM uin UNION ALL SELECT step, id FROM hin) y GROUP BY step) x),
     -- per order key: the step that may claim (the one holding its highest id), how many, and whether
     -- the key is free (every record of it recorded, none stays pending: a retry holds the key back)
     keys AS (
       SELECT k.order_key, k.step, s.claim, k.free AND s.claim > 0 AS claims FROM (
         SELECT w.order_key, (array_agg(w.step ORDER BY w.id DESC))[1] AS step,
                bool_and(NOT w.rec OR (w.recorded AND w.new_status <> 'pending')) AS free
           FROM own w GROUP BY w.order_key) k
         JOIN sin s ON s.step = k.step),
     cand AS (
       SELECT c.*, m.id IS NOT NULL AS mine, COALESCE(m.held, false) AS held,
              c.next_attempt_at <= now()
                AND (c.queued_attempt IS DISTINCT FROM c.attempts OR m.id IS NOT NULL
                     OR c.queued_at < now() - make_interval(secs => $2::double precision / 1000)) AS ok,
              -- a held row is left as it is while its claim is fresh (no write, no dead tuple)
              COALESCE(m.held, false) AND c.queued_attempt IS NOT DISTINCT FROM c.attempts
                AND c.queued_at >= now() - make_interval(secs => COALESCE($2::double precision, 1e12) / 4000) AS keep
         FROM (
           SELECT k.order_key, k.step, p.id, p.attempts, p.next_attempt_at, p.queued_attempt, p.queued_at, p.rn
             FROM keys k CROSS JOIN LATERAL (
               SELECT q.id, q.attempts, q.next_attempt_at, q.queued_attempt, q.queued_at, row_number() OVER (ORDER BY q.id) AS rn
                 FROM outbox q
                WHERE q.order_key = k.order_key AND q.status = 'pending' AND q.id NOT IN (SELECT id FROM upd)
                ORDER BY q.id LIMIT k.claim) p
            WHERE k.claims) c
         LEFT JOIN mine m ON m.id = c.id AND m.attempt = c.attempts),
     -- the window: the consecutive run of claimable rows from the head
     pick AS (
       SELECT * FROM (SELECT c.*, bool_and(c.ok) OVER (PARTITION BY c.order_key ORDER BY c.rn) AS run FROM cand c) r WHERE r.run),
     act AS (
       SELECT p.id AS aid, p.attempts AS aattempt, true AS aclaim, p.mine AS amine FROM pick p WHERE NOT p.keep
       UNION ALL
       SELECT DISTINCT u.id, u.attempt, false, true FROM uin u
        WHERE u.id NOT IN (SELECT id FROM pick) AND u.id NOT IN (SELECT id FROM rin)),
     -- claim the window and release the rest in one pass (a row is changed once per statement); the
     -- conditions are checked again on the row's latest version
     mark AS (
       UPDATE outbox o SET queued_attempt = CASE WHEN a.aclaim THEN o.attempts END, queued_at = CASE WHEN a.aclaim THEN now() END
         FROM act a
        WHERE o.id = a.aid AND ${pendingById('o')} AND o.attempts = a.aattempt
          AND CASE WHEN a.aclaim
                THEN o.next_attempt_at <= now()
                     AND (o.queued_attempt IS DISTINCT FROM o.attempts OR a.amine OR o.queued_at < now() - make_interval(secs => $2::double precision / 1000))
                ELSE o.queued_attempt = a.aattempt END
       RETURNING a.aclaim AS claimed, ${OUTBOX_ROW_COLUMNS}),
     -- a row of the window that changed under this statement cuts it: what follows is a stray
     got AS (
       SELECT p.step, p.id, p.attempts, p.rn, p.held, m.id IS NOT NULL OR p.keep AS claimed,
              bool_and(m.id IS NOT NULL OR p.keep) OVER (PARTITION BY p.order_key ORDER BY p.rn) AS inrun
         FROM pick p LEFT JOIN mark m ON m.claimed AND m.id = p.id::text),
     -- a key that claims has its head claimed here, or held by a retry or by someone else: only the
     -- others may need the relay
     heads AS (
       SELECT h.* FROM keys k CROSS JOIN LATERAL (
         SELECT p.id, p.attempts, p.next_attempt_at, p.queued_attempt FROM outbox p
          WHERE p.order_key = k.order_key AND p.status = 'pending' AND p.id NOT IN (SELECT id FROM upd WHERE status <> 'pending')
          ORDER BY p.id LIMIT 1) h
        WHERE NOT k.claims),
     wake AS (
       SELECT pg_notify('hub_outbox', '') FROM (
         SELECT 1 FROM heads h
          WHERE h.next_attempt_at <= now()
            AND h.id NOT IN (SELECT id FROM upd)
            AND (h.queued_attempt IS DISTINCT FROM h.attempts OR h.id::text IN (SELECT id FROM mark WHERE NOT claimed))
          LIMIT 1) x),
     res AS (
       SELECT 'r'::text AS kind, i.step, i.pos::int AS pos, u.id IS NOT NULL AS ok, NULL::text AS rid, NULL::int AS rattempt
         FROM rin i LEFT JOIN upd u ON u.id = i.id
       UNION ALL
       SELECT CASE WHEN NOT g.inrun THEN 's' WHEN g.held THEN 'h' ELSE 'w' END, g.step, g.rn::int, true, g.id::text, g.attempts
         FROM got g WHERE g.claimed)
     -- one row at least, whatever else: the wake-up and the setting are evaluated (and referenced in
     -- the output, or the planner would drop them as unused)
     SELECT w.woke, w.v AS "syncCommit", r.kind, r.step, r.pos, r.ok, r.rid, r.rattempt, m.*
       FROM (SELECT (SELECT count(*) FROM wake) AS woke, (SELECT v FROM cfg) AS v) w
       LEFT JOIN res r ON true
       LEFT JOIN mark m ON r.kind = 'w' AND m.claimed AND m.id = r.rid
      ORDER BY r.step, r.kind, r.pos`,
    [
      opts.asyncCommit ?? false,
      opts.requeueAfterMs ?? null,
      recs.map((r) => r.step),
      recs.map((r) => r.id),
      recs.map((r) => r.attempt),
      recs.map((r) => statusOf(r.outcome)),
      recs.map((r) => (r.outcome.outcome === 'retry' ? r.outcome.nextAttemptAt : null)),
      recs.map((r) => r.outcome.status ?? null),
      recs.map((r) => errorOf(r.outcome)),
      recs.map((r) => r.outcome.outcome),
      recs.map((r) => Math.round(r.outcome.durationMs)),
      unsent.map((u) => u.step),
      unsent.map((u) => u.id),
      unsent.map((u) => u.attempt),
      held.map((h) => h.step),
      held.map((h) => h.id),
      held.map((h) => h.attempt),
      steps.map((s) => Math.max(0, Math.floor(s.claim))),
    ],
  );
  const results: StepResult[] = steps.map((s) => ({ recorded: s.records.map(() => false), held: [], window: [], strays: [] }));
  for (const row of rows) {
    if (row.kind === null || row.kind === undefined) continue;
    const result = results[row.step - 1];
    if (row.kind === 'r') result.recorded[recs[row.pos - 1].index] = row.ok;
    else if (row.kind === 'h') result.held.push(row.rid);
    else if (row.kind === 's') result.strays.push({ id: row.rid, attempt: row.rattempt });
    else {
      const { kind: _k, step: _s, pos: _p, ok: _o, rid: _r, rattempt: _a, claimed: _c, woke: _w, syncCommit: _v, ...outbox } = row as typeof row & {
        claimed?: unknown;
        woke?: unknown;
        syncCommit?: unknown;
      };
      result.window.push(outbox as OutboxRow);
    }
  }
  return results;
}
