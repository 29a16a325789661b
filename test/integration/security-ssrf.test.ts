/**
 * No SSRF through units' endpoints (docs/security.md "Units' endpoints"): the directory import
 * refuses endpoints that are not https to a public address unless HUB_UNIT_ENDPOINTS_ALLOW allows
 * them; the notifier checks each again and connects only to the addresses it judged (a name that
 * resolves to a public address for the check and to an internal one for the connection gets
 * nowhere); the reason of a refusal is for operators only.
 */
import { readFileSync } from 'node:fs';
import { checkUnitEndpoint, pinnedLookup, type UnitEndpointPolicy } from '@hub/common';
import { SignedHttpTransport, buildTargetUrl } from '@hub/connectors/delivery';
import { parseKeyRing, unitKeyRing } from '@hub/connectors/signing';
import { unitWorkOrder } from '@hub/connectors';
import { loadOutbox } from '@hub/store';
import { UnitEndpoints } from '../../apps/notifier/src/delivery/unit-endpoints.service';
import { FakeUpstream } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { authHeader } from '../support/auth';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, resetDatabase, startHub, testConfig, type AppName } from '../support/harness';
import { activateUnitEndpoints, insertTicket, write } from '../factories/outbox.factory';

const UNITS_KEYS = 'uk-1:ssrf-units-secret-of-at-least-32-bytes:hmac-sha256';
const UNIT = '310104-MARKET';

type Doc = { version: string; units: Array<{ code: string; endpoint?: string }> };
const withEndpoints = (version: string, endpoints: Record<string, string>): Doc => {
  const doc = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as Doc;
  doc.version = version;
  for (const u of doc.units) if (endpoints[u.code]) u.endpoint = endpoints[u.code];
  return doc;
};

/** A hub of `apps` with `env` on a reset database, for the describe it is called in. */
const hubFor = (env: Record<string, string>, apps: AppName[]): (() => RunningHub) => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(testConfig(env), apps);
    await resetDatabase(hub.ds);
  });
  afterAll(async () => hub?.close());
  return () => hub;
};

type ImportAnswer = { status: number; body: { error?: string; errors?: Array<{ path: string; message: string }> } };

/** POST /office/directory/versions as an admin. */
const importDirectory = async (hub: RunningHub, doc: Doc): Promise<ImportAnswer> => {
  const h = { ...(await authHeader(hub, { role: 'admin' })), 'content-type': 'application/json' };
  const res = await fetch(`${hub.url}/office/directory/versions`, { method: 'POST', headers: h, body: JSON.stringify(doc) });
  return { status: res.status, body: (await res.json()) as ImportAnswer['body'] };
};

describe('security: units endpoints (SSRF)', () => {
  let unit: FakeUpstream;
  beforeAll(async () => {
    unit = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, [UNIT]), rejectInvalidSignatures: true });
  });
  afterAll(async () => unit?.close());

  describe('at import (POST /office/directory/versions), without an allow-list', () => {
    const hub = hubFor({ HUB_UNIT_ENDPOINTS_ALLOW: '' }, ['gateway']);
    const post = (doc: Doc): Promise<ImportAnswer> => importDirectory(hub(), doc);

    it.each([
      ['plain http', 'http://93.184.216.34/biz'],
      ['loopback', `https://127.0.0.1:${8443}/biz`],
      ['loopback in decimal', 'https://2130706433/biz'],
      ['IPv6 loopback', 'https://[::1]/biz'],
      ['a private address', 'https://10.1.2.3/biz'],
      ['cloud metadata', 'https://169.254.169.254/latest/meta-data'],
      ['IPv4-mapped private', 'https://[::ffff:192.168.0.1]/'],
      ['an internal name', 'https://metadata.google.internal/'],
      ['credentials in the URL', 'https://user:pw@93.184.216.34/'],
    ])('%s is refused whole, naming the entry; nothing is stored', async (_what, endpoint) => {
      const doc = withEndpoints(`ssrf-${Math.random().toString(36).slice(2, 8)}`, { [UNIT]: endpoint });
      const index = doc.units.findIndex((u) => u.code === UNIT);
      const { status, body } = await post(doc);
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_directory');
      expect(body.errors).toEqual([{ path: `units[${index}].endpoint`, message: expect.stringMatching(/^refused: /) }]);
      expect(await hub().ds.query(`SELECT 1 FROM directory_versions WHERE version = $1`, [doc.version])).toEqual([]);
    });

    it('https to a public address on any port is accepted', async () => {
      const { status } = await post(withEndpoints('ssrf-public', { [UNIT]: 'https://93.184.216.34:8443/biz' }));
      expect(status).toBe(201);
    });

    it('the example directory (no endpoints) imports as before', async () => {
      const { status } = await post(withEndpoints('ssrf-plain', {}));
      expect(status).toBe(201);
    });
  });

  describe('with HUB_UNIT_ENDPOINTS_ALLOW', () => {
    const hub = hubFor({ HUB_UNIT_ENDPOINTS_ALLOW: 'http,127.0.0.1' }, ['gateway']);

    it('allows what it names (plain http on loopback) and nothing else (metadata, other private ranges)', async () => {
      const post = (doc: Doc): Promise<ImportAnswer> => importDirectory(hub(), doc);
      expect((await post(withEndpoints('allow-loopback', { [UNIT]: `${unit.url}/biz` }))).status).toBe(201);
      expect((await post(withEndpoints('allow-metadata', { [UNIT]: 'http://169.254.169.254/' }))).status).toBe(400);
      expect((await post(withEndpoints('allow-private', { [UNIT]: 'http://10.0.0.8/' }))).status).toBe(400);
    });
  });

  describe('at send time', () => {
    const policy: UnitEndpointPolicy = { allowHttp: true, allowNets: [] };
    const key = unitKeyRing(parseKeyRing('HUB_UNITS_KEYS', UNITS_KEYS), UNIT).signingKey!;
    /** One signed POST to `endpoint`'s work-orders through a transport that resolves with `lookup`. */
    const send = async (lookup: ReturnType<typeof pinnedLookup>, endpoint: string): Promise<unknown> => {
      const transport = new SignedHttpTransport({ lookup });
      try {
        return await transport.exchange({ method: 'POST', target: buildTargetUrl(endpoint, ['work-orders']), body: { a: 1 }, key, timeoutMs: 5000 });
      } finally {
        transport.destroy();
      }
    };

    it('DNS rebinding: a name public for the check and loopback for the connection is not connected to', async () => {
      unit.reset();
      const answers = [['93.184.216.34'], ['127.0.0.1']];
      const rebinding = async (): Promise<string[]> => answers.shift() ?? ['127.0.0.1'];
      const endpoint = `http://unit-system.example:${new URL(unit.url).port}/biz`;
      // The import's check sees the public address…
      expect(await checkUnitEndpoint(endpoint, policy, rebinding)).toMatchObject({ ok: true });
      // …the connection resolves again, is judged on what it got, and does not connect.
      expect(await send(pinnedLookup(policy, rebinding), endpoint)).toMatchObject({ kind: 'failure', error: 'connection_error: ERR_ENDPOINT_ADDRESS_REFUSED' });
      expect(unit.received()).toHaveLength(0);
    });

    it('the socket goes to the address that was checked (an allowed one), not to a second resolution', async () => {
      unit.reset();
      // `unit-system.example` does not exist: the request can only arrive through the checked address.
      const endpoint = `http://unit-system.example:${new URL(unit.url).port}/biz`;
      expect(await send(pinnedLookup({ allowHttp: true, allowNets: ['127.0.0.1'] }, async () => ['127.0.0.1']), endpoint)).toMatchObject({ kind: 'response', status: 200 });
      expect(unit.received().map((r) => `${r.path} ${r.signatureValid}`)).toEqual(['/biz/work-orders true']);
    });

    describe('the notifier, with a directory written around the import', () => {
      const running = hubFor({ HUB_UNIT_ENDPOINTS_ALLOW: '', HUB_UNITS_KEYS: UNITS_KEYS }, ['gateway', 'notifier']);

      it.each([
        ['plain http on loopback', () => `${unit.url}/biz`, /^endpoint_refused: protocol http: not allowed$/],
        ['https on loopback', () => `https://127.0.0.1:${new URL(unit.url).port}/biz`, /^endpoint_refused: address 127\.0\.0\.1 is loopback$/],
        ['localhost', () => `https://localhost:${new URL(unit.url).port}/biz`, /^endpoint_refused: host localhost is internal$/],
      ])('%s: nothing is sent; the message fails for good with the reason, shown to operators only', async (_what, endpoint, reason) => {
        unit.reset();
        const hub = running();
        const t = await insertTicket(hub.ds);
        await activateUnitEndpoints(hub.ds, { [UNIT]: endpoint() });
        // the notifier re-reads the directory every few seconds
        await hub.apps.notifier!.get(UnitEndpoints).refresh();
        const [id] = await write(hub.ds, [unitWorkOrder(UNIT, t.id, 'assigned', 'lead', {}, {})]);
        const row = await eventually(async () => {
          const r = await loadOutbox(hub.ds, id);
          return r?.status === 'failed' ? r : undefined;
        });
        expect(row.lastError).toMatch(reason);
        expect(unit.received()).toHaveLength(0);
        const op = await authHeader(hub, { role: 'operator' });
        const seen = (await (await fetch(`${hub.url}/office/deliveries/${id}`, { headers: op })).json()) as { lastError: string };
        expect(seen.lastError).toMatch(reason);
        // the unit's own API says nothing of deliveries
        const staff = await authHeader(hub, { role: 'unit_staff', unitCode: UNIT });
        const wo = await fetch(`${hub.url}/work-orders/${t.id}`, { headers: staff });
        expect(JSON.stringify(await wo.json())).not.toMatch(/endpoint_refused|127\.0\.0\.1|localhost/);
      });
    });
  });
});
