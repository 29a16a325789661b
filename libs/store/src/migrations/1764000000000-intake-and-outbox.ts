import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core store: canonical tickets with their raw payload, the append-only event log, the
 * transactional outbox with its delivery log, the inbound event and statistics records, the
 * national poller's cursor and the directory versions.
 */
export class IntakeAndOutbox1764000000000 implements MigrationInterface {
  name = 'IntakeAndOutbox1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE tickets (
        id uuid PRIMARY KEY,
        source text NOT NULL CHECK (source IN ('hotline','ywtb','national')),
        source_record text NOT NULL CHECK (source_record IN ('order','evaluation','suggestion','transfer')),
        external_id text NOT NULL,
        content_hash text NOT NULL,
        kind text NOT NULL,
        channel text NOT NULL,
        category_code text,
        title text NOT NULL,
        content text NOT NULL,
        citizen jsonb NOT NULL,
        respondent jsonb,
        service_item_code text,
        region_code text,
        location jsonb,
        urgency text NOT NULL DEFAULT 'normal',
        complex boolean NOT NULL DEFAULT false,
        designated_unit_code text,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
        national jsonb,
        evaluation jsonb,
        received_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL DEFAULT 'received',
        unit_code text,
        directory_version text,
        merged_into uuid REFERENCES tickets(id),
        row_version integer NOT NULL DEFAULT 1,
        raw_payload jsonb NOT NULL,
        CONSTRAINT uq_tickets_source_record_external UNIQUE (source, source_record, external_id)
      )`);
    await q.query(`CREATE INDEX ix_tickets_state ON tickets (state)`);
    await q.query(`CREATE INDEX ix_tickets_unit_state ON tickets (unit_code, state)`);
    await q.query(`CREATE INDEX ix_tickets_created ON tickets (created_at)`);

    await q.query(`
      CREATE TABLE ticket_events (
        id bigserial PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        type text NOT NULL,
        actor text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_ticket_events_ticket ON ticket_events (ticket_id, id)`);
    // Yunnan Measures Art. 17 (归档: every step kept): the event log can only grow, whoever connects.
    await q.query(`
      CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ticket_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION refuse_event_change()`);
    await q.query(`
      CREATE TRIGGER trg_ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change()`);

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        ticket_id uuid REFERENCES tickets(id),
        target text NOT NULL,
        type text NOT NULL,
        order_key text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed','discarded')),
        attempts integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        queued_attempt integer,
        queued_at timestamptz,
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        discard_reason text
      )`);
    await q.query(`CREATE INDEX ix_outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX ix_outbox_pending_key ON outbox (order_key, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX ix_outbox_failed_target ON outbox (target, id) WHERE status = 'failed'`);
    await q.query(`CREATE INDEX ix_outbox_ticket ON outbox (ticket_id, id)`);
    // Wake the relay as soon as a message commits (it also polls, so a lost notification costs latency only).
    await q.query(`
      CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('hub_outbox', ''); RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER trg_outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox()`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        outbox_id bigint NOT NULL REFERENCES outbox(id),
        attempt integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        outcome text NOT NULL,
        status_code integer,
        duration_ms integer NOT NULL,
        error text
      )`);
    await q.query(`CREATE INDEX ix_delivery_attempts_outbox ON delivery_attempts (outbox_id, attempt)`);

    await q.query(`
      CREATE TABLE inbound_events (
        id uuid PRIMARY KEY,
        source text NOT NULL,
        event_id text NOT NULL,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        content_hash text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_inbound_events UNIQUE (source, event_id)
      )`);

    await q.query(`
      CREATE TABLE evaluation_records (
        evaluation_id text PRIMARY KEY,
        rating integer NOT NULL,
        unit_code text NOT NULL,
        service_item_code text NOT NULL,
        evaluated_at timestamptz NOT NULL,
        content_hash text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE poll_cursors (
        name text PRIMARY KEY,
        cursor text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE directory_versions (
        id serial PRIMARY KEY,
        version text NOT NULL,
        document jsonb NOT NULL,
        active boolean NOT NULL DEFAULT false,
        imported_at timestamptz NOT NULL DEFAULT now(),
        imported_by text NOT NULL,
        activated_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_directory_one_active ON directory_versions (active) WHERE active`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['directory_versions', 'poll_cursors', 'evaluation_records', 'inbound_events', 'delivery_attempts', 'outbox', 'ticket_events', 'tickets']) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS notify_outbox()`);
    await q.query(`DROP FUNCTION IF EXISTS refuse_event_change()`);
  }
}
