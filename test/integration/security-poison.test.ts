/**
 * A citizen cannot poison a ticket (docs/security.md "Unreadable values"): a name shaped like the
 * hub's ciphertext is a name like any other. Black box: signed requests in, the ticket dispatched
 * to its unit and the office reading the name back as it was sent.
 */
import { readFileSync } from 'node:fs';
import { parseKeyRing, type SigningKey } from '@hub/connectors/signing';
import { importDirectory } from '@hub/store';
import { FakeNational } from '../fakes/fake-national';
import { SignedClient } from '../fakes/signed-client';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, resetDatabase, startHub, testConfig } from '../support/harness';
import { authHeader } from '../support/auth';
import { hotlineOrder, nationalTransfer, ywtbEvaluation, ywtbSuggestion } from '../factories/tickets.factory';

const HOTLINE_KEYS = 'hk1:hotline-secret-of-at-least-32-bytes:hmac-sha256';
const YWTB_KEYS = 'yk1:ywtb-secret-of-at-least-32-bytes:hmac-sha256';
const NATIONAL_KEYS = 'nk1:national-secret-of-at-least-32-bytes:hmac-sha256';
const first = (keys: string): SigningKey => parseKeyRing('X', keys).signingKey!;
const POISON = 'enc:v1:a256gcm:zz:A:B:C';

jest.setTimeout(240_000);

describe('a citizen cannot poison a ticket', () => {
  let hub: RunningHub;
  let national: FakeNational;

  beforeAll(async () => {
    national = await FakeNational.start({ keyRing: parseKeyRing('HUB_NATIONAL_KEYS', NATIONAL_KEYS) });
    hub = await startHub(
      testConfig({ HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_YWTB_KEYS: YWTB_KEYS, HUB_NATIONAL_KEYS: NATIONAL_KEYS, HUB_NATIONAL_URL: national.url }),
      undefined,
      { fresh: true },
    );
    await resetDatabase(hub.ds);
    const directory = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as Record<string, unknown>;
    expect((await importDirectory(hub.ds, directory, 'test', true)).ok).toBe(true);
  });
  afterAll(async () => {
    await hub.close();
    await national.close();
  });

  const dispatched = (id: string): Promise<boolean> =>
    eventually(async () => ((await hub.ds.query(`SELECT state FROM tickets WHERE id = $1`, [id])) as Array<{ state: string }>)[0]?.state === 'dispatched', 60_000);

  const officeView = async (id: string): Promise<Record<string, unknown>> => {
    const r = await fetch(`${hub.url}/office/tickets/${id}`, { headers: await authHeader(hub, { role: 'operator' }) });
    expect(r.status).toBe(200);
    return (await r.json()) as Record<string, unknown>;
  };

  it('hotline: a token-shaped name → 201, dispatched, read back as sent', async () => {
    const order = hotlineOrder();
    (order.citizen as Record<string, unknown>).name = POISON;
    const r = await new SignedClient(hub.url, first(HOTLINE_KEYS)).post<{ ticketId: string }>('/connectors/hotline/orders', order);
    expect(r.status).toBe(201);
    await dispatched(r.body.ticketId);
    expect(JSON.stringify(await officeView(r.body.ticketId))).toContain(POISON);
  });

  it('一网通办: a suggestion and a bad review with that name → 201 and dispatched', async () => {
    const ywtb = new SignedClient(hub.url, first(YWTB_KEYS));
    const s = ywtbSuggestion({ citizen: { name: POISON, phone: '13900001111', anonymous: false, confidential: false } });
    const rs = await ywtb.post<{ ticketId: string }>('/connectors/ywtb/suggestions', s);
    expect(rs.status).toBe(201);
    const e = ywtbEvaluation({ applicant: { name: POISON, phone: '13900003333' } });
    const re = await ywtb.post<{ ticketId: string }>('/connectors/ywtb/evaluations', e);
    expect(re.status).toBe(201);
    await dispatched(rs.body.ticketId);
    await dispatched(re.body.ticketId);
    expect(JSON.stringify(await officeView(rs.body.ticketId))).toContain(POISON);
  });

  it('national: a transfer whose submitter has that name is taken in and dispatched', async () => {
    const t = nationalTransfer({ transferId: 'NT-POISON-1', submitter: { name: POISON, phone: '13900002222' } });
    national.setTransfers([t]);
    const poller = hub.apps.gateway!.get((await import('../../apps/gateway/src/intake/national-poller.service')).NationalPollerService);
    await poller.pollOnce();
    const id = await eventually(async () => ((await hub.ds.query(`SELECT id FROM tickets WHERE external_id = $1`, ['NT-POISON-1'])) as Array<{ id: string }>)[0]?.id);
    await dispatched(id);
    expect(JSON.stringify(await officeView(id))).toContain(POISON);
  });
});
