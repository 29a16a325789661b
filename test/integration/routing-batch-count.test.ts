/**
 * hub_routing_decisions_total counts each routed ticket once, also when the router's batch
 * (runInternalJobs, docs/reliability.md#overload-and-catch-up) fails on one ticket, rolls back and
 * runs every job again alone: outcomes are counted after the commit, not inside the transaction.
 */
import type { Job } from 'bullmq';
import { INSTALLATION_ID, routed } from '@hub/common';
import type { OutboxJob } from '@hub/queues';
import { queryRows, routeJob } from '@hub/store';
import { insertTickets, write } from '../factories/outbox.factory';
import { RunningHub, startHub, testConfig } from '../support/harness';
import { RouteProcessor } from '../../apps/router/src/routing/route.processor';

const disputes = async (): Promise<number> => (await routed.get()).values.filter((v) => v.labels.outcome === 'dispute').reduce((n, v) => n + v.value, 0);

describe('routing outcomes counted once per ticket when a batch falls back to one job at a time', () => {
  let hub: RunningHub;

  beforeAll(async () => {
    // no directory: every ticket the router can route becomes a dispute (outcome `dispute`)
    hub = await startHub(testConfig(), ['router'], { fresh: true });
  });
  afterAll(async () => {
    await hub?.ds.query(`DROP TRIGGER IF EXISTS test_refuse_one ON ticket_events`);
    await hub?.ds.query(`DROP FUNCTION IF EXISTS test_refuse_one()`);
    await hub?.close();
  });

  it('five jobs routed together, the third ticket failing: four counted, once each', async () => {
    const tickets = await insertTickets(hub.ds, 5);
    const ids = await write(hub.ds, tickets.map((t) => routeJob(t.id)));
    // the third ticket's event cannot be written: its routing fails, in the batch and alone
    await hub.ds.query(`CREATE FUNCTION test_refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.ticket_id = '${tickets[2].id}' THEN RAISE EXCEPTION 'test: this ticket cannot be routed'; END IF; RETURN NEW; END $$`);
    await hub.ds.query(`CREATE TRIGGER test_refuse_one BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION test_refuse_one()`);

    const processor = hub.apps.router!.get(RouteProcessor);
    const installation = hub.apps.router!.get<string>(INSTALLATION_ID);
    const before = await disputes();
    // handed to the processor in one tick, as a worker holding five jobs does: one batch
    const results = await Promise.all(
      ids.map((id) => processor.process({ id: `test-${id}`, queueName: 'route', data: { outboxId: id, attempt: 0, installation } } as unknown as Job<OutboxJob>)),
    );
    expect(results).toEqual(['done', 'done', 'retry', 'done', 'done']);
    expect(await disputes()).toBe(before + 4);
    const states = await queryRows<{ state: string }>(hub.ds, `SELECT state FROM tickets WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`, [tickets.map((t) => t.id)]);
    expect(states.map((s) => s.state)).toEqual(['disputed', 'disputed', 'received', 'disputed', 'disputed']);
  });
});
