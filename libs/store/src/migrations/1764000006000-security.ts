import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may use the hub's own API, and the trail of who saw a citizen in clear (docs/security.md):
 * - `users`: staff, operators, supervisors and administrators; passwords as scrypt hashes whose
 *   parameters travel in the hash string.
 * - `api_keys`: units' own systems (`X-Api-Key: <keyId>.<secret>`); only a SHA-256 of the secret
 *   is kept; two keys may be active per unit while one replaces the other.
 * - `pii_access_log`: every unmasked read of a citizen's name, phone or ID number (Yunnan Measures Art. 9;
 *   沪府办〔2020〕49号 Art. 10), and `auth_audit`: who created, rotated or revoked which credential. Both only grow.
 * - `tickets.citizen_phone_hash` / `citizen_id_hash`: keyed hashes, so citizens stay searchable
 *   while the citizen column holds ciphertext.
 */
export class Security1764000006000 implements MigrationInterface {
  name = 'Security1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('unit_staff','operator','supervisor','admin')),
        unit_code text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_users_unit CHECK ((role = 'unit_staff') = (unit_code IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_users_username ON users (lower(username))`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        key_id text NOT NULL,
        secret_hash text NOT NULL,
        unit_code text NOT NULL,
        role text NOT NULL DEFAULT 'unit_system' CHECK (role = 'unit_system'),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        replaces text,
        CONSTRAINT uq_api_keys_key_id UNIQUE (key_id)
      )`);
    await q.query(`CREATE INDEX ix_api_keys_unit_live ON api_keys (unit_code) WHERE revoked_at IS NULL`);

    // Append-only audit tables (Yunnan Measures Art. 17: every step kept): the application cannot rewrite them.
    await q.query(`
      CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TABLE pii_access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        actor_unit text,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        fields text[] NOT NULL,
        purpose text NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_pii_access_log_ticket ON pii_access_log (ticket_id, at)`);
    await q.query(`CREATE INDEX ix_pii_access_log_actor ON pii_access_log (actor_id, at)`);
    await q.query(`
      CREATE TABLE auth_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        subject text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    for (const t of ['pii_access_log', 'auth_audit']) {
      await q.query(`
        CREATE TRIGGER trg_${t}_append_only BEFORE UPDATE OR DELETE ON ${t}
        FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()`);
    }

    await q.query(`ALTER TABLE tickets ADD COLUMN citizen_phone_hash text, ADD COLUMN citizen_id_hash text`);
    await q.query(`CREATE INDEX ix_tickets_citizen_phone_hash ON tickets (citizen_phone_hash) WHERE citizen_phone_hash IS NOT NULL`);
    await q.query(`CREATE INDEX ix_tickets_citizen_id_hash ON tickets (citizen_id_hash) WHERE citizen_id_hash IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_tickets_citizen_id_hash`);
    await q.query(`DROP INDEX IF EXISTS ix_tickets_citizen_phone_hash`);
    await q.query(`ALTER TABLE tickets DROP COLUMN IF EXISTS citizen_id_hash, DROP COLUMN IF EXISTS citizen_phone_hash`);
    for (const t of ['auth_audit', 'pii_access_log', 'api_keys', 'users']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`DROP FUNCTION IF EXISTS refuse_audit_change()`);
  }
}
