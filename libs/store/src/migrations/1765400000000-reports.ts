import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (docs/reports.md): the facts a report counts, the office's assessment weights by version,
 * stored snapshots, and whether a callback's citizen said the matter was solved.
 *
 * `report_facts` is a narrow, append-only copy of the counted events (one row per counted event,
 * written by a trigger in the same transaction as the event, so it is never behind the log) with the
 * ticket's receipt time, source, district and category copied in: a period's figures are read from
 * its indexes without touching the wide `tickets` rows. Ticket facts (merged, supervised …) are
 * written once per ticket and unit; the others (objections, callbacks …) once per event.
 */
/** The facts' trigger function as this migration wrote it (the rollup migration's down restores it). */
export const REPORT_RECORD_FACT_1765400000000 = `
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
          ELSE
            u := COALESCE(e_data->'before'->>'unit', e_data->>'handlingUnit', e_data->>'unit', t.unit_code);
          END IF;
          CONTINUE WHEN f IN ('not_accepted', 'merged', 'archived', 'dispatched', 'disputed', 'reopened', 'terminated', 'supervised', 'bounced')
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

export class Reports1765400000000 implements MigrationInterface {
  name = 'Reports1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE work_order_callbacks ADD COLUMN resolved boolean`);
    await q.query(`
      CREATE TABLE report_facts (
        id bigserial NOT NULL,
        -- the event it was written for (null: the ticket's receipt)
        event_id bigint,
        ticket_id uuid NOT NULL,
        fact text NOT NULL,
        at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        source text NOT NULL,
        district text,
        category text,
        unit_code text,
        score smallint,
        resolved boolean
      )`);
    // A period's facts for everyone, and a unit's own; both carry what the counts need (index-only).
    await q.query(`CREATE INDEX ix_report_facts_received ON report_facts (received_at, id) INCLUDE (fact, at, unit_code, source, ticket_id, score, resolved)`);
    await q.query(`CREATE INDEX ix_report_facts_unit ON report_facts (unit_code, received_at, id) INCLUDE (fact, at, source, ticket_id, score, resolved) WHERE unit_code IS NOT NULL`);
    await q.query(`CREATE INDEX ix_report_facts_ticket ON report_facts (ticket_id, fact)`);
    // Upheld appeals take dissatisfied callbacks out of a period's count: found without reading the period.
    await q.query(`CREATE INDEX ix_report_facts_upheld ON report_facts (received_at) INCLUDE (ticket_id, at, unit_code) WHERE fact = 'appeal.upheld'`);
    // Append-only: vacuumed for its visibility map (index-only scans) as rows arrive, not for dead rows.
    await q.query(`ALTER TABLE report_facts SET (autovacuum_vacuum_insert_scale_factor = 0.02)`);
    await q.query(`
      CREATE TRIGGER trg_report_facts_append_only BEFORE UPDATE OR DELETE ON report_facts
      FOR EACH ROW EXECUTE FUNCTION refuse_event_change()`);
    // The same table as factsOfEvent in libs/rules/src/reports/figures.ts (a test compares them).
    // `received` is written by the tickets trigger below (the intake inserts the ticket and its
    // event in one statement, where the event's trigger cannot see the ticket yet).
    await q.query(REPORT_RECORD_FACT_1765400000000);
    await q.query(`
      CREATE FUNCTION report_fact_of_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM report_record_fact(NEW.id, NEW.ticket_id, NEW.type, NEW.data, NEW.occurred_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION report_fact_of_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_facts (event_id, ticket_id, fact, at, received_at, source, district, category)
        VALUES (NULL, NEW.id, 'received', NEW.created_at, NEW.received_at, NEW.source, left(NEW.region_code, 6), NEW.category_code);
        RETURN NULL;
      END $$`);
    // Facts already in the log (a hub upgraded with history): as the triggers would have written them.
    await q.query(`
      INSERT INTO report_facts (event_id, ticket_id, fact, at, received_at, source, district, category)
      SELECT NULL, id, 'received', created_at, received_at, source, left(region_code, 6), category_code FROM tickets ORDER BY created_at, id`);
    await q.query(`
      DO $$
      DECLARE e record;
      BEGIN
        FOR e IN SELECT id, ticket_id, type, data, occurred_at FROM ticket_events ORDER BY id LOOP
          PERFORM report_record_fact(e.id, e.ticket_id, e.type, e.data, e.occurred_at);
        END LOOP;
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_ticket_events_report_fact AFTER INSERT ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION report_fact_of_event()`);
    await q.query(`
      CREATE TRIGGER trg_tickets_report_fact AFTER INSERT ON tickets
      FOR EACH ROW EXECUTE FUNCTION report_fact_of_ticket()`);

    // Clocks by their end (a clock belongs to the period its deadline ends in), with what the
    // outcome needs, so a period's clocks are one index-only range scan.
    await q.query(`
      CREATE INDEX ix_ticket_clocks_report ON ticket_clocks (due, id)
      INCLUDE (type, unit_code, started_at, met_at, stopped_at, days, base_days, ticket_id)
      WHERE type IN ('contact', 'resolve')`);
    await q.query(`CREATE INDEX ix_extension_requests_decided ON extension_requests (decided_at) WHERE status = 'approved'`);

    // The assessment weights by version: a report uses the version in force at its asOf.
    await q.query(`
      CREATE TABLE assessment_settings (
        version serial PRIMARY KEY,
        weights jsonb NOT NULL,
        -- to the second, as a report's default asOf: a report asked right after sees the new weights
        effective_at timestamptz NOT NULL DEFAULT date_trunc('second', clock_timestamp()),
        set_by text NOT NULL
      )`);
    await q.query(`
      CREATE TRIGGER trg_assessment_settings_append_only BEFORE UPDATE OR DELETE ON assessment_settings
      FOR EACH ROW EXECUTE FUNCTION refuse_event_change()`);

    // Scheduled reports (Yunnan Measures Art. 16, 18; 沪府办〔2020〕49号 Art. 8): made once, never changed.
    await q.query(`
      CREATE TABLE report_snapshots (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('quarter', 'half', 'year', 'assessment')),
        period text NOT NULL,
        as_of timestamptz NOT NULL,
        weights_version integer NOT NULL,
        json text NOT NULL,
        xlsx bytea NOT NULL,
        sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_report_snapshots UNIQUE (kind, period)
      )`);
    await q.query(`
      CREATE TRIGGER trg_report_snapshots_append_only BEFORE UPDATE OR DELETE ON report_snapshots
      FOR EACH ROW EXECUTE FUNCTION refuse_event_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report_snapshots`);
    await q.query(`DROP TABLE IF EXISTS assessment_settings`);
    await q.query(`DROP INDEX IF EXISTS ix_extension_requests_decided`);
    await q.query(`DROP INDEX IF EXISTS ix_ticket_clocks_report`);
    await q.query(`DROP TRIGGER IF EXISTS trg_ticket_events_report_fact ON ticket_events`);
    await q.query(`DROP TRIGGER IF EXISTS trg_tickets_report_fact ON tickets`);
    await q.query(`DROP FUNCTION IF EXISTS report_fact_of_ticket()`);
    await q.query(`DROP FUNCTION IF EXISTS report_fact_of_event()`);
    await q.query(`DROP FUNCTION IF EXISTS report_record_fact(bigint, uuid, text, jsonb, timestamptz)`);
    await q.query(`DROP TABLE IF EXISTS report_facts`);
    await q.query(`ALTER TABLE work_order_callbacks DROP COLUMN IF EXISTS resolved`);
  }
}
