/**
 * `npm run sandbox`: the fake upstream systems of the tests as long-running servers on loopback, so
 * that an integrator can watch the hub talk without the real systems (docs/delivery.md):
 *
 *   12345 hotline   :4001  receives status events                 (docs/contracts.md#hotline-status-events)
 *   一网通办         :4002  receives status events                 (docs/contracts.md#ywtb-status-events)
 *   national (国办)  :4003  serves sample transfers to pull; receives receipts, returns, results (docs/contracts.md#national-messages)
 *   a unit's system :4004  receives work orders                   (docs/contracts.md#unit-systems)
 *
 * Each checks the hub's signatures as the real system would (401 otherwise) and prints one line per
 * request: time, system, method and path, whether the signature is valid, the answer, and a summary
 * of the body with citizens' phone and ID numbers masked. At start it prints the variables that
 * point the hub at it.
 *
 * Env: SANDBOX_HOTLINE_PORT, SANDBOX_YWTB_PORT, SANDBOX_NATIONAL_PORT, SANDBOX_UNIT_PORT (4001–4004);
 * HUB_HOTLINE_KEYS, HUB_YWTB_KEYS, HUB_NATIONAL_KEYS, HUB_UNITS_KEYS (fixed sandbox keys otherwise);
 * SANDBOX_UNIT_CODE (the unit whose system this is, default 310104-MARKET);
 * SANDBOX_NATIONAL_EVERY_S (publish one more sample transfer every N seconds; off by default).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { maskPii } from '@hub/common/logging/pii';
import { parseKeyRing } from '@hub/connectors/signing';
import { nationalTransfer } from '../factories/tickets.factory';
import { FakeNational } from './fake-national';
import { FakeUpstream, type RecordedRequest } from './fake-upstream';
import { unitSystemKeys } from './unit-keys';

const KEEP = 200;
const port = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
};
const keys = (name: string, fallback: string): string => process.env[name] || fallback;

const KEYS = {
  hotline: keys('HUB_HOTLINE_KEYS', 'sandbox-hl:sandbox-hotline-secret-of-at-least-32-bytes:hmac-sha256'),
  ywtb: keys('HUB_YWTB_KEYS', 'sandbox-yw:sandbox-ywtb-secret-of-at-least-32-bytes:hmac-sm3'),
  national: keys('HUB_NATIONAL_KEYS', 'sandbox-gb:sandbox-national-secret-of-at-least-32-bytes:hmac-sm3'),
  units: keys('HUB_UNITS_KEYS', 'sandbox-unit:sandbox-units-secret-of-at-least-32-bytes:hmac-sha256'),
};
const UNIT_CODE = process.env.SANDBOX_UNIT_CODE || '310104-MARKET';

const time = (d: Date): string => d.toTimeString().slice(0, 8);
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The body in one line, citizens' numbers masked, cut to a readable length. */
function summary(r: RecordedRequest): string {
  if (r.method === 'GET') return r.query.toString() ? `?${r.query.toString()}` : '';
  if (r.body === undefined) return r.rawBody.length ? `(${r.rawBody.length} bytes, not JSON)` : '';
  const text = JSON.stringify(maskPii(r.body));
  return text.length > 220 ? `${text.slice(0, 217)}...` : text;
}

function print(system: string, r: RecordedRequest): void {
  const sig = r.signature === undefined ? 'unsigned' : r.signature.ok ? `sig ok (${r.signature.keyId})` : `sig BAD (${r.signature.error})`;
  const answer = r.responseStatus === undefined ? 'dropped' : String(r.responseStatus);
  console.log(`${time(r.receivedAt)} ${pad(system, 8)} ${r.method} ${r.path}  ${sig}  → ${answer}  ${summary(r)}`);
}

/** The Shanghai example directory with the sandbox's unit system as SANDBOX_UNIT_CODE's endpoint. */
function sandboxDirectory(unitUrl: string): string | undefined {
  const source = path.resolve(__dirname, '../../data/shanghai-directory.json');
  try {
    const doc = JSON.parse(readFileSync(source, 'utf8')) as { version: string; units: Array<{ code: string; endpoint?: string }> };
    const unit = doc.units.find((u) => u.code === UNIT_CODE);
    if (!unit) {
      console.error(`SANDBOX_UNIT_CODE ${UNIT_CODE} is not a unit of ${source}; no directory written`);
      return undefined;
    }
    unit.endpoint = unitUrl;
    doc.version = `${doc.version}-sandbox`;
    const file = path.join(os.tmpdir(), 'hub-sandbox-directory.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    return file;
  } catch (e) {
    console.error(`could not write the sandbox directory: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', KEYS.hotline), rejectInvalidSignatures: true, port: port('SANDBOX_HOTLINE_PORT', 4001), keepRequests: KEEP });
  const ywtb = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_YWTB_KEYS', KEYS.ywtb), rejectInvalidSignatures: true, port: port('SANDBOX_YWTB_PORT', 4002), keepRequests: KEEP });
  const national = await FakeNational.start({
    keyRing: parseKeyRing('HUB_NATIONAL_KEYS', KEYS.national),
    port: port('SANDBOX_NATIONAL_PORT', 4003),
    // The cursor of the last page lets the next pull see only transfers published since.
    exhaustedCursor: 'position',
    transfers: [
      nationalTransfer({ level: 'general', title: '国办转办：某企业拖欠工资', regionCode: '310104' }),
      nationalTransfer({ level: 'urgent', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), title: '国办转办：小区供水中断', categoryCode: '0101' }),
    ],
    keepRequests: KEEP,
  });
  const unit = await FakeUpstream.start({ keyRing: unitSystemKeys(KEYS.units, [UNIT_CODE]), rejectInvalidSignatures: true, port: port('SANDBOX_UNIT_PORT', 4004), keepRequests: KEEP });

  hotline.onRecorded((r) => print('hotline', r));
  ywtb.onRecorded((r) => print('ywtb', r));
  national.upstream.onRecorded((r) => print('national', r));
  unit.onRecorded((r) => print('unit', r));

  const every = Number(process.env.SANDBOX_NATIONAL_EVERY_S ?? 0);
  const timer = every > 0 ? setInterval(() => national.addTransfers(nationalTransfer()), every * 1000) : undefined;

  const directory = sandboxDirectory(unit.url);
  console.log(
    [
      '# 12345 hub sandbox: fake upstream systems on loopback, checking the hub\'s signatures',
      `#   12345 hotline    ${hotline.url}   status events: POST /api/orders/{orderNo}/status`,
      `#   一网通办          ${ywtb.url}   POST /api/evaluations|suggestions/{id}/status`,
      `#   national (国办)   ${national.url}   GET /api/v1/transfers (2 sample transfers${every > 0 ? `, one more every ${every} s` : ''}); POST …/receipt|return|result`,
      `#   unit system      ${unit.url}   work orders for ${UNIT_CODE}: POST /work-orders`,
      '# Start the hub with:',
      `export HUB_HOTLINE_URL=${hotline.url}`,
      `export HUB_HOTLINE_KEYS=${KEYS.hotline}`,
      `export HUB_YWTB_URL=${ywtb.url}`,
      `export HUB_YWTB_KEYS=${KEYS.ywtb}`,
      `export HUB_NATIONAL_URL=${national.url}`,
      `export HUB_NATIONAL_KEYS=${KEYS.national}`,
      'export HUB_NATIONAL_POLL_MS=5000',
      `export HUB_UNITS_KEYS=${KEYS.units}`,
      "export HUB_UNIT_ENDPOINTS_ALLOW=http,127.0.0.1   # the sandbox's unit system is plain http on loopback, which units' endpoints may not be by default",
      directory
        ? `export HUB_DIRECTORY_FILE=${directory}   # the Shanghai directory with ${UNIT_CODE}'s system here (imported when no directory is active)`
        : `# give a unit "endpoint": "${unit.url}" in the directory to receive its work orders`,
      '# The same keys sign what the hotline and 一网通办 push to the hub (test/fakes/signed-client.ts does that).',
      '# Requests as they arrive (citizens\' numbers masked):',
    ].join('\n'),
  );

  const stop = (): void => {
    if (timer) clearInterval(timer);
    void Promise.all([hotline.close(), ywtb.close(), national.close(), unit.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
