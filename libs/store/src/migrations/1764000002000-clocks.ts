import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The working-day clock (docs/domain.md#the-clocks; 沪府办〔2020〕49号 Art. 5): the deadline table, the office's
 * replacement calendar years, and extension requests (申请延期).
 *
 * `ticket_clocks` is the truth for every timer (README.md#architecture: Postgres is the truth, Redis is
 * transport). `next_fire_at` is the next moment something must happen to a clock — its 预警, its
 * miss, or its next 督办 round — and is NULL once nothing is pending, so the sweeper's question
 * "what is due?" is one range scan of a partial index that holds only live timers. The index
 * carries `id` so that scan never touches the heap (Index Only Scan, see bench/sweeper.bench.ts).
 */
export class Clocks1764000002000 implements MigrationInterface {
  name = 'Clocks1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ticket_clocks (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        type text NOT NULL CHECK (type IN ('contact','resolve','objection','appeal','return','forward','accept')),
        policy_id text NOT NULL,
        -- running → met | missed | stopped; missed → met (late) | stopped. A met clock with
        -- missed_at set was fulfilled late (reports: on-time rate, 沪府办〔2020〕49号 Art. 8).
        state text NOT NULL DEFAULT 'running' CHECK (state IN ('running','met','missed','stopped')),
        complex boolean NOT NULL DEFAULT false,
        -- the handling unit when the clock started (reports count overdue work per unit)
        unit_code text,
        started_at timestamptz NOT NULL,
        -- working days after started_at's day (Civil Code Art. 201), the total after extensions;
        -- NULL when the deadline is fixed upstream (national 特殊/紧急 dueAt, 沪府办〔2020〕49号 Art. 5)
        days integer CHECK (days >= 0),
        base_days integer CHECK (base_days >= 0),
        -- exclusive end: 00:00 of the day after due_date (Civil Code Art. 203: "二十四时")
        due timestamptz NOT NULL,
        due_date date NOT NULL,
        warn_before_days integer NOT NULL DEFAULT 1,
        warn_at timestamptz NOT NULL,
        -- counts days of a year without a published schedule: recomputed when it is published
        provisional boolean NOT NULL DEFAULT false,
        warned_at timestamptz,
        missed_at timestamptz,
        met_at timestamptz,
        stopped_at timestamptz,
        supervise_count integer NOT NULL DEFAULT 0,
        last_supervised_at timestamptz,
        next_fire_at timestamptz,
        -- the next_fire_at a delayed job was queued for; differs from next_fire_at = not queued
        scheduled_for timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_ticket_clocks_closed_no_timer CHECK (state IN ('running','missed') OR next_fire_at IS NULL)
      )`);
    // One open clock of a type per ticket: a reopen (重办) or a re-dispatch closes the old clock
    // before starting a fresh one, and keeps the old row as history.
    await q.query(`CREATE UNIQUE INDEX uq_ticket_clocks_open ON ticket_clocks (ticket_id, type) WHERE state IN ('running','missed')`);
    await q.query(`CREATE INDEX ix_ticket_clocks_ticket ON ticket_clocks (ticket_id, id)`);
    // The sweeper's index: only live timers. `id` is a key column, not merely INCLUDEd: deadlines
    // cluster at 00:00 (every due is the end of a day), so thousands of timers share one instant
    // and the sweeper pages through them by (next_fire_at, id) — still an index-only scan.
    await q.query(`CREATE INDEX ix_ticket_clocks_next_fire ON ticket_clocks (next_fire_at, id) WHERE next_fire_at IS NOT NULL`);
    // Open clocks are updated several times (queued, warned, missed, each 督办 round): leave room on
    // the page for HOT updates, and vacuum often enough that the visibility map stays fresh — the
    // sweeper's index-only scan reads the heap for every page not marked all-visible.
    await q.query(`ALTER TABLE ticket_clocks SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02)`);

    // Office-replaced schedules (the State Council publishes next year's each autumn). A row here
    // takes precedence over the directory's calendar for that year. `revision` grows on every
    // replacement so every replica can tell its cached calendar is stale with one index probe.
    await q.query(`CREATE SEQUENCE calendar_revision_seq`);
    await q.query(`
      CREATE TABLE calendar_years (
        year integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
        holidays date[] NOT NULL DEFAULT '{}',
        workdays date[] NOT NULL DEFAULT '{}',
        published boolean NOT NULL,
        revision bigint NOT NULL DEFAULT nextval('calendar_revision_seq'),
        -- set on replacement, cleared once open clocks were recomputed under it (the sweeper
        -- finishes the job if the process died in between)
        recompute_pending boolean NOT NULL DEFAULT true,
        replaced_at timestamptz NOT NULL DEFAULT now(),
        replaced_by text NOT NULL
      )`);
    // Yunnan Measures Art. 17 (every step kept): each replacement, as given, with who did it.
    await q.query(`
      CREATE TABLE calendar_year_changes (
        id bigserial PRIMARY KEY,
        year integer NOT NULL,
        holidays date[] NOT NULL,
        workdays date[] NOT NULL,
        published boolean NOT NULL,
        revision bigint NOT NULL,
        replaced_at timestamptz NOT NULL DEFAULT now(),
        replaced_by text NOT NULL,
        clocks_recomputed integer,
        clocks_moved integer
      )`);
    await q.query(`CREATE INDEX ix_calendar_year_changes_year ON calendar_year_changes (year, id)`);

    // 申请延期 (沪府办〔2020〕49号 Art. 5: "对特别疑难的事项，承办单位可申请延期"): the unit asks, the office decides.
    await q.query(`
      CREATE TABLE extension_requests (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        clock_type text NOT NULL DEFAULT 'resolve' CHECK (clock_type = 'resolve'),
        clock_id bigint REFERENCES ticket_clocks(id),
        requested_due_date date NOT NULL,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','refused')),
        requested_by text NOT NULL,
        decided_by text,
        decided_at timestamptz,
        decision_note text,
        previous_due_date date,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_extension_requests_one_pending ON extension_requests (ticket_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX ix_extension_requests_ticket ON extension_requests (ticket_id, id)`);
    await q.query(`CREATE INDEX ix_extension_requests_pending ON extension_requests (created_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS extension_requests`);
    await q.query(`DROP TABLE IF EXISTS calendar_year_changes`);
    await q.query(`DROP TABLE IF EXISTS calendar_years`);
    await q.query(`DROP SEQUENCE IF EXISTS calendar_revision_seq`);
    await q.query(`DROP TABLE IF EXISTS ticket_clocks`);
  }
}
