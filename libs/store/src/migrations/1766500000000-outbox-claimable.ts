import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay's claim under a backlog (docs/reliability.md#overload-and-catch-up): an index of the
 * pending rows nobody has claimed, by order key (the claim walks its keys). Claimed rows leave it,
 * so a backlog already queued in Redis costs the claim nothing, and a busy ticket one probe. Its predicate says `(status = 'pending') IS TRUE`
 * so that it is implied only by claimUnclaimedFrom's key walk, which repeats it (the statements that find rows by
 * id with pendingById do not name queued_attempt). A claim now changes an indexed column: the
 * update is no longer HOT, a few index entries more per message.
 */
export class OutboxClaimable1766500000000 implements MigrationInterface {
  name = 'OutboxClaimable1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_outbox_claimable ON outbox (order_key, id) WHERE (status = 'pending') IS TRUE AND queued_attempt IS DISTINCT FROM attempts`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_outbox_claimable`);
  }
}
