/**
 * One signing key per unit (docs/contracts.md#unit-systems "Signatures"): the hub signs what it
 * sends to a unit's own system with that unit's key, derived from HUB_UNITS_KEYS; a unit's key
 * verifies its own work orders and no other unit's, so no unit can forge the hub's work orders to
 * another (before, all units held the one shared key).
 */
import { InMemoryNonceStore, parseKeyRing, signRequest, unitKeyRing, unitKeysSetting, verifySignature } from '@hub/connectors/signing';
import { unitWorkOrder } from '@hub/connectors';
import { loadOutbox } from '@hub/store';
import { FakeUpstream } from '../fakes/fake-upstream';
import { RunningHub, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { activateUnitEndpoints, insertTicket, write } from '../factories/outbox.factory';

const UNITS_KEYS = 'uk-2:unit-keys-master-secret-of-at-least-32-bytes:hmac-sm3,uk-1:unit-keys-older-master-secret-32-bytes-long:hmac-sha256';
const A = '310104-MARKET';
const B = '310105-MARKET';

describe('security: one signing key per unit', () => {
  let hub: RunningHub;
  let systemA: FakeUpstream;
  let systemB: FakeUpstream;
  // each system holds only its own keys, as the administrator handed them out (unit-signing-key)
  const keysOf = (code: string) => parseKeyRing(`unit ${code}`, unitKeysSetting(parseKeyRing('HUB_UNITS_KEYS', UNITS_KEYS), code));

  beforeAll(async () => {
    systemA = await FakeUpstream.start({ keyRing: keysOf(A), rejectInvalidSignatures: true });
    // B's system, verifying with A's key: what A could check (or forge) of B's work orders
    systemB = await FakeUpstream.start({ keyRing: keysOf(A) });
    hub = await startHub(testConfig({ HUB_UNITS_KEYS: UNITS_KEYS }), ['notifier']);
    await resetDatabase(hub.ds);
    await activateUnitEndpoints(hub.ds, { [A]: systemA.url, [B]: systemB.url });
  });
  afterAll(async () => {
    await hub?.close();
    await Promise.all([systemA?.close(), systemB?.close()]);
  });

  it("each unit's work order verifies with that unit's key only", async () => {
    const t = await insertTicket(hub.ds);
    const [toA, toB] = await write(hub.ds, [unitWorkOrder(A, t.id, 'assigned', 'lead', {}, {}), unitWorkOrder(B, t.id, 'assigned', 'co', {}, {})]);
    await eventually(async () => (await loadOutbox(hub.ds, toA))?.status === 'delivered' && (await loadOutbox(hub.ds, toB))?.status === 'delivered');

    const [a] = systemA.received();
    expect(a.signature).toMatchObject({ ok: true, keyId: 'uk-2' });
    const [b] = systemB.received();
    // A's key does not verify B's work order…
    expect(b.signature).toMatchObject({ ok: false });
    // …B's own key does
    const own = await verifySignature(b.headers, b.method, b.path, b.rawBody, keysOf(B), Math.floor(Date.now() / 1000), new InMemoryNonceStore());
    expect(own).toMatchObject({ ok: true, keyId: 'uk-2' });
    // and neither is the master key a unit could have been given before
    const master = await verifySignature(b.headers, b.method, b.path, b.rawBody, parseKeyRing('HUB_UNITS_KEYS', UNITS_KEYS), Math.floor(Date.now() / 1000), new InMemoryNonceStore());
    expect(master.ok).toBe(false);
  });

  it("a work order A signs with its own key is refused by B's system", async () => {
    const body = Buffer.from(JSON.stringify({ eventId: '00000000-0000-4000-8000-000000000001', type: 'assigned' }));
    const forged = signRequest(unitKeyRing(parseKeyRing('HUB_UNITS_KEYS', UNITS_KEYS), A).signingKey!, 'POST', '/work-orders', body, new Date());
    const r = await verifySignature(forged, 'POST', '/work-orders', body, keysOf(B), Math.floor(Date.now() / 1000), new InMemoryNonceStore());
    expect(r.ok).toBe(false);
  });

  it('keys differ per unit and per master key, and are stable (nothing stored: the same every start)', () => {
    const master = parseKeyRing('HUB_UNITS_KEYS', UNITS_KEYS);
    expect(unitKeysSetting(master, A)).toBe(unitKeysSetting(parseKeyRing('HUB_UNITS_KEYS', UNITS_KEYS), A));
    const [a2, a1] = unitKeysSetting(master, A).split(',');
    const [b2, b1] = unitKeysSetting(master, B).split(',');
    expect(a2).toMatch(/^uk-2:[A-Za-z0-9_-]{43}:hmac-sm3$/);
    expect(a1).toMatch(/^uk-1:[A-Za-z0-9_-]{43}:hmac-sha256$/);
    expect(new Set([a2, a1, b2, b1]).size).toBe(4);
    expect(unitKeysSetting(master, A)).not.toContain('unit-keys-master-secret');
  });
});
