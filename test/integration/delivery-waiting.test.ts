/**
 * Messages for a system the hub is not connected to wait in the outbox (docs/contracts.md#connection-settings: "none: that
 * system's outbound messages wait in the outbox") and go once it is: after a restart with the
 * settings for an upstream, as soon as the directory names the endpoint for a unit's system (docs/contracts.md#unit-systems).
 */
import { parseKeyRing } from '@hub/connectors/signing';
import { attemptsOf, loadOutbox } from '@hub/store';
import { unitWorkOrder } from '@hub/connectors';
import { FakeUpstream } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { RunningHub, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { activateUnitEndpoints, eventIdOf, insertTicket, status, write } from '../factories/outbox.factory';

const HOTLINE_KEYS = 'hk-1:waiting-hotline-secret-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk-1:waiting-ywtb-secret-of-at-least-32-bytes:hmac-sm3';
const UNITS_KEYS = 'uk-1:waiting-units-secret-of-at-least-32-bytes:hmac-sha256';

describe('messages for systems not (yet) connected wait in the outbox', () => {
  let hub: RunningHub | undefined;
  let hotline: FakeUpstream;
  let ywtb: FakeUpstream;
  let unit: FakeUpstream;

  beforeAll(async () => {
    hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
    ywtb = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_YWTB_KEYS', YWTB_KEYS), rejectInvalidSignatures: true });
    unit = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, ['310104-MARKET']), rejectInvalidSignatures: true });
  });
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });
  afterAll(async () => {
    await Promise.all([hotline?.close(), ywtb?.close(), unit?.close()]);
  });

  const statusOf = async (h: RunningHub, id: string): Promise<string | undefined> => (await loadOutbox(h.ds, id))?.status;

  it('一网通办 without a URL: its event waits (no attempt) while others flow; a restart with HUB_YWTB_URL sends it', async () => {
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_KEYS: YWTB_KEYS }), ['notifier']);
    await resetDatabase(hub.ds);
    ywtb.reset();
    const sg = await insertTicket(hub.ds, { source: 'ywtb', sourceRecord: 'suggestion' });
    const hl = await insertTicket(hub.ds);
    const waiting = status(sg, 'accepted');
    const [ywtbId, hotlineId] = await write(hub.ds, [waiting, status(hl, 'accepted')]);

    // Written after the 一网通办 event, delivered while it still waits untouched.
    await eventually(async () => (await statusOf(hub!, hotlineId)) === 'delivered');
    expect(await loadOutbox(hub.ds, ywtbId)).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(await attemptsOf(hub.ds, ywtbId)).toEqual([]);
    expect(ywtb.received()).toHaveLength(0);

    await hub.close();
    hub = await startHub(
      testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_URL: ywtb.url, HUB_YWTB_KEYS: YWTB_KEYS }),
      ['notifier'],
    );
    await eventually(async () => (await statusOf(hub!, ywtbId)) === 'delivered');
    const [r] = ywtb.received();
    expect(r.signatureValid).toBe(true);
    expect(eventIdOf(r)).toBe(waiting.eventId);
    expect((await attemptsOf(hub.ds, ywtbId)).map((a) => a.outcome)).toEqual(['delivered']);
  });

  it('a URL without keys is not connected either: nothing unsigned ever leaves', async () => {
    hub = await startHub(testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_URL: ywtb.url }), ['notifier']);
    await resetDatabase(hub.ds);
    ywtb.reset();
    const sg = await insertTicket(hub.ds, { source: 'ywtb', sourceRecord: 'suggestion' });
    const hl = await insertTicket(hub.ds);
    const [ywtbId, hotlineId] = await write(hub.ds, [status(sg, 'accepted'), status(hl, 'accepted')]);
    await eventually(async () => (await statusOf(hub!, hotlineId)) === 'delivered');
    expect(await loadOutbox(hub.ds, ywtbId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(ywtb.received()).toHaveLength(0);
  });

  it("a unit's work order waits until the active directory gives that unit an endpoint, then goes without a restart", async () => {
    hub = await startHub(testConfig({ HUB_UNITS_KEYS: UNITS_KEYS }), ['notifier']);
    await resetDatabase(hub.ds);
    unit.reset();
    const t = await insertTicket(hub.ds);
    await activateUnitEndpoints(hub.ds, { 'OTHER-UNIT': unit.url });
    const [id] = await write(hub.ds, [unitWorkOrder('310104-MARKET', t.id, 'assigned', 'lead', {}, {})]);
    // The notifier has looked at it (claimed) and left it waiting: no attempt, nothing sent.
    await eventually(async () => {
      const [r] = (await hub!.ds.query(`SELECT queued_at IS NOT NULL AS seen FROM outbox WHERE id = $1`, [id])) as Array<{ seen: boolean }>;
      return r.seen;
    });
    expect(await loadOutbox(hub.ds, id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(unit.received()).toHaveLength(0);

    await activateUnitEndpoints(hub.ds, { '310104-MARKET': `${unit.url}/sys` });
    await eventually(async () => (await statusOf(hub!, id)) === 'delivered', 30_000, 200);
    expect(unit.received().map((r) => `${r.path} ${r.signatureValid}`)).toEqual(['/sys/work-orders true']);
  });
});
