import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The life of a work order (docs/domain.md#work-order-life; 沪府办〔2020〕49号 Art. 4–7): the state machine's
 * context per ticket, who handles it (主办/协办), and the records units and the office leave on
 * the way — replies, objections, appeals, callbacks, co-handlers' input, merges.
 *
 * `tickets.work_order` is the machine's WorkOrderContext as the machine returned it: the executor
 * reads it under the ticket's row lock, hands it to `transition()`, and writes back what it got.
 * `state`, `unit_code`, `designated` and `bounces` are copies of it kept as columns for the
 * queries (lists, office queues, reports); the executor writes them in the same UPDATE.
 *
 * "My work orders" are the tickets whose `unit_code` is the unit (lead, 主办) and those
 * `ticket_units` lists it on as a co-handler (协办), newest first, keyset-paged on (created_at, id);
 * both sides have an index in that order. `ticket_units` keeps every handler with its role; rows
 * are closed (removed_at), never deleted, so who held the order when stays answerable.
 */
export class WorkOrders1764000003000 implements MigrationInterface {
  name = 'WorkOrders1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN work_order jsonb,
        -- 指定谁、谁办理 (沪府办〔2020〕49号 Art. 4(二)): the current unit was named and may not object (Art. 7(二))
        ADD COLUMN designated boolean NOT NULL DEFAULT false,
        -- when the current lead unit received the order: the appeal window counts from it (Art. 6(二))
        ADD COLUMN assigned_at timestamptz,
        -- moves of the lead role to a unit new to the matter (推诿扯皮, 沪府办〔2020〕49号 Art. 8(二))
        ADD COLUMN bounces integer NOT NULL DEFAULT 0,
        ADD COLUMN bounce_flagged_at timestamptz`);
    await q.query(`CREATE INDEX ix_tickets_bounce_flagged ON tickets (bounce_flagged_at DESC, id) WHERE bounce_flagged_at IS NOT NULL`);
    // A lead unit's list, newest first (keyset on created_at, id); co-handled ones come from ticket_units.
    await q.query(`CREATE INDEX ix_tickets_unit_created ON tickets (unit_code, created_at DESC, id DESC) WHERE unit_code IS NOT NULL`);

    await q.query(`
      CREATE TABLE ticket_units (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        unit_code text NOT NULL,
        role text NOT NULL CHECK (role IN ('lead','co')),
        -- the ticket's created_at, copied so a unit's list is read from this table's index alone
        ticket_created_at timestamptz NOT NULL,
        added_at timestamptz NOT NULL,
        added_by text NOT NULL,
        removed_at timestamptz,
        removed_by text
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_ticket_units_current ON ticket_units (ticket_id, unit_code) WHERE removed_at IS NULL`);
    await q.query(`CREATE INDEX ix_ticket_units_unit ON ticket_units (unit_code, ticket_created_at DESC, ticket_id DESC) WHERE removed_at IS NULL`);
    await q.query(`CREATE INDEX ix_ticket_units_ticket ON ticket_units (ticket_id, id)`);

    // 办结 (沪府办〔2020〕49号 Art. 4(三), (六)): 谁承办，谁答复 — the report and answer points of the lead unit; for
    // national transfers also who approved it and the sealed document (docs/contracts.md#national-messages `result`).
    await q.query(`
      CREATE TABLE work_order_replies (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        unit_code text NOT NULL,
        report text NOT NULL,
        reply_points text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
        approved_by text,
        sealed_document jsonb,
        maintains_previous boolean NOT NULL DEFAULT false,
        replied_by text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_work_order_replies_ticket ON work_order_replies (ticket_id, id)`);

    // 退单 (沪府办〔2020〕49号 Art. 7): reason, legal basis (载明相关依据) and the suggested unit; one pending at a time.
    await q.query(`
      CREATE TABLE work_order_objections (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        unit_code text NOT NULL,
        reason text NOT NULL,
        legal_basis text NOT NULL,
        suggested_unit text NOT NULL,
        -- settled: the office designated instead of reviewing; lapsed: the matter ended first
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','refused','settled','lapsed')),
        objected_by text NOT NULL,
        created_at timestamptz NOT NULL,
        reviewed_by text,
        reviewed_at timestamptz,
        review_note text,
        redispatched_to text
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_work_order_objections_pending ON work_order_objections (ticket_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX ix_work_order_objections_ticket ON work_order_objections (ticket_id, id)`);
    await q.query(`CREATE INDEX ix_work_order_objections_open ON work_order_objections (created_at) WHERE status = 'pending'`);

    // 差评申诉 (沪府办〔2020〕49号 Art. 6): the written defence and its evidence; upheld → 不属实, not counted.
    await q.query(`
      CREATE TABLE work_order_appeals (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        unit_code text NOT NULL,
        reason text NOT NULL,
        evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','upheld','refused','lapsed')),
        appealed_by text NOT NULL,
        created_at timestamptz NOT NULL,
        reviewed_by text,
        reviewed_at timestamptz,
        review_note text
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_work_order_appeals_pending ON work_order_appeals (ticket_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX ix_work_order_appeals_ticket ON work_order_appeals (ticket_id, id)`);
    await q.query(`CREATE INDEX ix_work_order_appeals_open ON work_order_appeals (created_at) WHERE status = 'pending'`);

    // 回访 (沪府办〔2020〕49号 Art. 4(四)): every replied order, satisfaction with result, speed and attitude.
    await q.query(`
      CREATE TABLE work_order_callbacks (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        unit_code text,
        reply_id bigint REFERENCES work_order_replies(id),
        satisfied boolean NOT NULL,
        result smallint CHECK (result BETWEEN 1 AND 5),
        efficiency smallint CHECK (efficiency BETWEEN 1 AND 5),
        attitude smallint CHECK (attitude BETWEEN 1 AND 5),
        note text,
        called_by text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_work_order_callbacks_ticket ON work_order_callbacks (ticket_id, id)`);
    await q.query(`CREATE INDEX ix_work_order_callbacks_unit ON work_order_callbacks (unit_code, created_at)`);

    // 协办 input to the lead unit, which answers for everyone (Shenzhen Draft ch. 4).
    await q.query(`
      CREATE TABLE work_order_co_inputs (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        unit_code text NOT NULL,
        lead_unit_code text NOT NULL,
        content text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
        submitted_by text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_work_order_co_inputs_ticket ON work_order_co_inputs (ticket_id, id)`);

    // 合并 (Yunnan Measures Art. 13) by the office, and its undoing; tickets.merged_into holds the live link.
    await q.query(`
      CREATE TABLE ticket_merges (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        into_ticket_id uuid NOT NULL REFERENCES tickets(id),
        state_before text NOT NULL,
        reason text,
        merged_by text NOT NULL,
        merged_at timestamptz NOT NULL,
        unmerged_by text,
        unmerged_at timestamptz,
        unmerge_reason text
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_ticket_merges_live ON ticket_merges (ticket_id) WHERE unmerged_at IS NULL`);
    await q.query(`CREATE INDEX ix_ticket_merges_into ON ticket_merges (into_ticket_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ticket_merges', 'work_order_co_inputs', 'work_order_callbacks', 'work_order_appeals', 'work_order_objections', 'work_order_replies', 'ticket_units']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP INDEX IF EXISTS ix_tickets_unit_created`);
    await q.query(`DROP INDEX IF EXISTS ix_tickets_bounce_flagged`);
    await q.query(`
      ALTER TABLE tickets
        DROP COLUMN IF EXISTS bounce_flagged_at,
        DROP COLUMN IF EXISTS bounces,
        DROP COLUMN IF EXISTS assigned_at,
        DROP COLUMN IF EXISTS designated,
        DROP COLUMN IF EXISTS work_order`);
  }
}
