import { MigrationInterface, QueryRunner } from 'typeorm';
import { REPORT_RECORD_FACT_1765400000000 } from './1765400000000-reports';

/**
 * Reports at scale and two exactness gaps (docs/reports.md "How the figures stay exact and fast").
 *
 * - The rollup: `report_rollup_facts` and `report_rollup_clocks` hold per receipt (or deadline)
 *   month × group the counts of everything final before a watermark (`report_rollup_state`),
 *   materialised by the reports job; a report at an asOf after the watermark adds what came
 *   after it (`ix_report_facts_at`, clocks due after it, `report_rollup_live_clocks`).
 * - Every move of a clock's deadline is kept (`clock_due_changes`, by trigger): an extension or a
 *   provisional year replaced, so the end a clock had at any asOf is known.
 * - An unmerge is a fact (`unmerged`): a merged ticket stops counting as merged from that moment.
 */
/** The facts' trigger function as this migration wrote it (a later migration's down restores it). */
export const REPORT_RECORD_FACT_1766300000000 = `
      CREATE OR REPLACE FUNCTION report_record_fact(e_id bigint, e_ticket uuid, e_type text, e_data jsonb, e_at timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        facts text[];
        f text;
        u text;
        t record;
        sc smallint;
        rs boolean;
        v jsonb;
      BEGIN
        facts := CASE e_type
          WHEN 'not_accepted' THEN ARRAY['not_accepted']
          WHEN 'merged' THEN ARRAY['merged']
          WHEN 'unmerged' THEN ARRAY['unmerged']
          WHEN 'archived' THEN ARRAY['archived']
          WHEN 'dispatched' THEN ARRAY['dispatched']
          WHEN 'designated' THEN ARRAY['dispatched']
          WHEN 'redispatched' THEN ARRAY['objection.accepted', 'dispatched']
          WHEN 'objection_refused' THEN ARRAY['objection.refused']
          WHEN 'disputed' THEN ARRAY['disputed']
          WHEN 'objected' THEN ARRAY['objection.filed']
          WHEN 'extension_filed' THEN ARRAY['extension.requested']
          WHEN 'extension_reviewed' THEN CASE WHEN e_data->>'decision' = 'approved' THEN ARRAY['extension.approved'] END
          WHEN 'appealed' THEN ARRAY['appeal.filed']
          WHEN 'appeal_reviewed' THEN CASE e_data->>'decision' WHEN 'upheld' THEN ARRAY['appeal.upheld'] WHEN 'refused' THEN ARRAY['appeal.refused'] END
          WHEN 'reopened' THEN ARRAY['reopened']
          WHEN 'terminated' THEN ARRAY['terminated']
          WHEN 'supervised' THEN ARRAY['supervised']
          WHEN 'bounce_flagged' THEN ARRAY['bounced']
          -- an unsatisfied callback sends the order back to the unit (重办): a reopening too
          WHEN 'called_back' THEN CASE WHEN e_data->'after'->>'state' IN ('closed', 'terminated') THEN ARRAY['callback'] ELSE ARRAY['callback', 'reopened'] END
        END;
        IF facts IS NULL THEN RETURN; END IF;
        SELECT received_at, source, left(region_code, 6) AS district, category_code, unit_code INTO t FROM tickets WHERE id = e_ticket;
        IF NOT FOUND THEN RETURN; END IF;
        FOREACH f IN ARRAY facts LOOP
          sc := NULL;
          rs := NULL;
          IF f IN ('not_accepted', 'archived', 'disputed') THEN
            u := NULL;
          ELSIF f = 'dispatched' THEN
            u := COALESCE(e_data->'after'->>'unit', t.unit_code);
          ELSIF f = 'unmerged' THEN
            SELECT m.unit_code INTO u FROM report_facts m WHERE m.ticket_id = e_ticket AND m.fact = 'merged' ORDER BY m.id DESC LIMIT 1;
            IF NOT FOUND THEN CONTINUE; END IF;
          ELSE
            u := COALESCE(e_data->'before'->>'unit', e_data->>'handlingUnit', e_data->>'unit', t.unit_code);
          END IF;
          CONTINUE WHEN f IN ('not_accepted', 'archived', 'dispatched', 'disputed', 'reopened', 'terminated', 'supervised', 'bounced')
            AND EXISTS (SELECT 1 FROM report_facts WHERE ticket_id = e_ticket AND fact = f AND unit_code IS NOT DISTINCT FROM u);
          IF f = 'callback' THEN
            v := e_data->'input'->'visit';
            sc := COALESCE((v->>'result')::smallint, CASE WHEN (v->>'satisfied')::boolean THEN 4 ELSE 2 END);
            rs := (v->>'resolved')::boolean;
          END IF;
          INSERT INTO report_facts (event_id, ticket_id, fact, at, received_at, source, district, category, unit_code, score, resolved)
          VALUES (e_id, e_ticket, f, e_at, t.received_at, t.source, t.district, t.category_code, u, sc, rs);
        END LOOP;
      END $$`;

export class ReportRollup1766300000000 implements MigrationInterface {
  name = 'ReportRollup1766300000000';

  async up(q: QueryRunner): Promise<void> {
    // Facts after the watermark, found by their moment (append-only: the index grows at its right end).
    await q.query(`CREATE INDEX ix_report_facts_at ON report_facts (at, id) INCLUDE (received_at, fact, unit_code, source, district, category, ticket_id, score, resolved)`);
    // A unit's clocks by deadline: its own report and drill-down read its rows only.
    await q.query(`
      CREATE INDEX ix_ticket_clocks_unit_report ON ticket_clocks (unit_code, due, id)
      INCLUDE (type, started_at, met_at, stopped_at, ticket_id) WHERE type IN ('contact', 'resolve')`);
    // Clocks created with their deadline already passed (an upstream's fixed end): the rollup never
    // holds them, a report reads them live (a refresh may not have seen them yet).
    await q.query(`CREATE INDEX ix_ticket_clocks_born_late ON ticket_clocks (due) WHERE type IN ('contact', 'resolve') AND due <= created_at`);

    await q.query(`
      CREATE TABLE clock_due_changes (
        id bigserial PRIMARY KEY,
        clock_id bigint NOT NULL REFERENCES ticket_clocks(id),
        changed_at timestamptz NOT NULL,
        previous_due timestamptz NOT NULL,
        due timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_clock_due_changes_clock ON clock_due_changes (clock_id, changed_at)`);
    await q.query(`CREATE INDEX ix_clock_due_changes_at ON clock_due_changes (changed_at) INCLUDE (clock_id)`);
    await q.query(`
      CREATE TRIGGER trg_clock_due_changes_append_only BEFORE UPDATE OR DELETE ON clock_due_changes
      FOR EACH ROW EXECUTE FUNCTION refuse_event_change()`);
    // Fires only for statements that set `due` (extensions, calendar recomputation), never on the
    // hot path's closes and timer updates.
    await q.query(`
      CREATE FUNCTION record_clock_due_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO clock_due_changes (clock_id, changed_at, previous_due, due) VALUES (NEW.id, now(), OLD.due, NEW.due);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_ticket_clocks_due_change AFTER UPDATE OF due ON ticket_clocks
      FOR EACH ROW WHEN (OLD.due IS DISTINCT FROM NEW.due) EXECUTE FUNCTION record_clock_due_change()`);
    // History: approved extensions and recomputed deadlines already in the log.
    await q.query(`
      INSERT INTO clock_due_changes (clock_id, changed_at, previous_due, due)
      SELECT clock_id, changed_at, previous_due, due FROM (
        SELECT e.clock_id, e.decided_at AS changed_at, ((e.previous_due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS previous_due,
               ((e.requested_due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS due
          FROM extension_requests e WHERE e.status = 'approved' AND e.clock_id IS NOT NULL AND e.previous_due_date IS NOT NULL AND e.decided_at IS NOT NULL
        UNION ALL
        SELECT (c->>'clockId')::bigint, ev.occurred_at, (((c->>'previousDueDate')::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
               (((c->>'dueDate')::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
          FROM ticket_events ev CROSS JOIN LATERAL jsonb_array_elements(ev.data->'clocks') c
         WHERE ev.type = 'deadline_recomputed' AND c->>'previousDueDate' IS NOT NULL AND c->>'clockId' IS NOT NULL
      ) h WHERE EXISTS (SELECT 1 FROM ticket_clocks k WHERE k.id = h.clock_id) ORDER BY changed_at`);

    // Merged counts each merge and an unmerge takes it back (in the merge's group: its unit).
    await q.query(REPORT_RECORD_FACT_1766300000000);
    // Merges after the first and the unmerges already in the log.
    await q.query(`
      DO $$
      DECLARE e record;
      BEGIN
        FOR e IN SELECT id, ticket_id, type, data, occurred_at FROM ticket_events ev
                  WHERE type IN ('merged', 'unmerged') AND NOT EXISTS (SELECT 1 FROM report_facts f WHERE f.event_id = ev.id)
                  ORDER BY id LOOP
          PERFORM report_record_fact(e.id, e.ticket_id, e.type, e.data, e.occurred_at);
        END LOOP;
      END $$`);

    // The rollup. One row per month (of receipt for facts, of deadline for clocks) × dimension × key.
    await q.query(`
      CREATE TABLE report_rollup_state (
        id integer PRIMARY KEY CHECK (id = 1),
        watermark timestamptz NOT NULL,
        refreshed_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE report_rollup_facts (
        month date NOT NULL,
        dim text NOT NULL CHECK (dim IN ('unit', 'district', 'source', 'category')),
        key text,
        fact text NOT NULL,
        -- as report_facts are counted: a receipt's source, a callback's class (s/b/d), solved
        d text,
        y boolean,
        n integer NOT NULL,
        CONSTRAINT uq_report_rollup_facts UNIQUE NULLS NOT DISTINCT (dim, key, month, fact, d, y)
      )`);
    await q.query(`
      CREATE TABLE report_rollup_clocks (
        month date NOT NULL,
        dim text NOT NULL CHECK (dim IN ('unit', 'district', 'source', 'category')),
        key text,
        type text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('onTime', 'late')),
        n integer NOT NULL,
        CONSTRAINT uq_report_rollup_clocks UNIQUE NULLS NOT DISTINCT (dim, key, month, type, outcome)
      )`);
    // Clocks due by the watermark that were not final before it: read live (with their deadline
    // as the refresh saw it, to find a period's without reading them all).
    await q.query(`
      CREATE TABLE report_rollup_live_clocks (
        clock_id bigint PRIMARY KEY,
        due timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_report_rollup_live_clocks_due ON report_rollup_live_clocks (due, clock_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report_rollup_live_clocks`);
    await q.query(`DROP TABLE IF EXISTS report_rollup_clocks`);
    await q.query(`DROP TABLE IF EXISTS report_rollup_facts`);
    await q.query(`DROP TABLE IF EXISTS report_rollup_state`);
    // the facts' function without `unmerged` (facts already written stay: report_facts is append-only)
    await q.query(REPORT_RECORD_FACT_1765400000000);
    await q.query(`DROP TRIGGER IF EXISTS trg_ticket_clocks_due_change ON ticket_clocks`);
    await q.query(`DROP FUNCTION IF EXISTS record_clock_due_change()`);
    await q.query(`DROP TABLE IF EXISTS clock_due_changes`);
    await q.query(`DROP INDEX IF EXISTS ix_ticket_clocks_born_late`);
    await q.query(`DROP INDEX IF EXISTS ix_ticket_clocks_unit_report`);
    await q.query(`DROP INDEX IF EXISTS ix_report_facts_at`);
  }
}
