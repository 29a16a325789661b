import { MigrationInterface, QueryRunner } from 'typeorm';
import { REPORT_RECORD_FACT_1766300000000 } from './1766300000000-report-rollup';

/**
 * `extension.approved` is counted from `extension_approved`, the event every approval writes
 * (the office's decision and an extension on the unit's notice under a Yunnan-style policy), not
 * from the office's `extension_reviewed`, which the notice path never writes: those approvals were
 * not counted. The event → facts table becomes its own function, `report_event_facts`, so the
 * integration test can hold it against `factsOfEvent` (libs/rules/src/reports/figures.ts).
 *
 * The approvals by notice already in the log get their fact; if there was any, the rollup is
 * emptied so that its next refresh counts them in their months (docs/reports.md "The rollup").
 */
export class ExtensionApprovedFact1766900000000 implements MigrationInterface {
  name = 'ExtensionApprovedFact1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION report_event_facts(e_type text, e_data jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE e_type
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
          WHEN 'extension_approved' THEN ARRAY['extension.approved']
          WHEN 'appealed' THEN ARRAY['appeal.filed']
          WHEN 'appeal_reviewed' THEN CASE e_data->>'decision' WHEN 'upheld' THEN ARRAY['appeal.upheld'] WHEN 'refused' THEN ARRAY['appeal.refused'] END
          WHEN 'reopened' THEN ARRAY['reopened']
          WHEN 'terminated' THEN ARRAY['terminated']
          WHEN 'supervised' THEN ARRAY['supervised']
          WHEN 'bounce_flagged' THEN ARRAY['bounced']
          -- an unsatisfied callback sends the order back to the unit (重办): a reopening too
          WHEN 'called_back' THEN CASE WHEN e_data->'after'->>'state' IN ('closed', 'terminated') THEN ARRAY['callback'] ELSE ARRAY['callback', 'reopened'] END
        END
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION report_record_fact(e_id bigint, e_ticket uuid, e_type text, e_data jsonb, e_at timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        facts text[] := report_event_facts(e_type, e_data);
        f text;
        u text;
        t record;
        sc smallint;
        rs boolean;
        v jsonb;
      BEGIN
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
      END $$`);
    // The approvals by notice already in the log (the office's carry their fact from extension_reviewed).
    const missing = `FROM ticket_events ev WHERE ev.type = 'extension_approved' AND ev.actor = 'policy:extension-by-notice'
      AND NOT EXISTS (SELECT 1 FROM report_facts f WHERE f.event_id = ev.id)`;
    const added = (await q.query(`SELECT count(*)::int AS n ${missing}`)) as Array<{ n: number }>;
    await q.query(`SELECT report_record_fact(ev.id, ev.ticket_id, ev.type, ev.data, ev.occurred_at) ${missing}`);
    if (added[0]!.n > 0) {
      await q.query(`DELETE FROM report_rollup_facts`);
      await q.query(`DELETE FROM report_rollup_clocks`);
      await q.query(`DELETE FROM report_rollup_live_clocks`);
      await q.query(`DELETE FROM report_rollup_state`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(REPORT_RECORD_FACT_1766300000000);
    await q.query(`DROP FUNCTION report_event_facts(text, jsonb)`);
  }
}
