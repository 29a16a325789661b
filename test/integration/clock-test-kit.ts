/**
 * What the clock tests share: a hub whose router runs on an injected clock (no sleeping for
 * deadlines), a fake 12345 hotline and a fake unit system (real signed HTTP on loopback), the
 * Shanghai directory with two units given their own systems, and tickets dispatched by SQL.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { NOW, createAdapter } from '@hub/common';
import { parseKeyRing } from '@hub/connectors/signing';
import { importDirectory, loadTicket, type TicketRow } from '@hub/store';
import type { DirectoryDocument } from '@hub/rules/directory';
import { RouterModule } from '../../apps/router/src/router.module';
import { ClockService } from '@hub/workflow/clock';
import { ClockTimersService } from '../../apps/router/src/clock/clock-timers.service';
import { CLOCK_SETTINGS, loadClockSettings, type ClockSettings } from '@hub/workflow/clock';
import { FakeUpstream, type RecordedRequest } from '../fakes/fake-upstream';
import { unitSystemKeys } from '../fakes/unit-keys';
import { RunningHub, SHANGHAI_DIRECTORY, eventually, flushRedis, resetDatabase, startHub, testConfig } from '../support/harness';

export const HOTLINE_KEYS = 'hk1:clock-hotline-secret-of-at-least-32-bytes:hmac-sha256';
export const UNITS_KEYS = 'uk1:clock-units-secret-of-at-least-32-bytes:hmac-sha256';

/** Units that get their own system in these tests: a district branch and its city line (parent). */
export const UNIT = '310115-MARKET';
export const PARENT = 'SH-MARKET';
export const OFFICE = 'SH-12345';
/** A district government: no parent in the directory, so its supervisor is the authority. */
export const BLOCK_UNIT = '310115-GOV';
export const AUTHORITY = 'SH-GOV-OFFICE';

/** An injected clock the tests move by hand. */
export class TestClock {
  private t: number;
  constructor(iso: string) {
    this.t = Date.parse(iso);
  }
  readonly now = (): Date => new Date(this.t);
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface ClockHub {
  hub: RunningHub;
  router: NestFastifyApplication;
  clocks: ClockService;
  timers: ClockTimersService;
  clock: TestClock;
  hotline: FakeUpstream;
  units: FakeUpstream;
  ds: DataSource;
  close(): Promise<void>;
}

/**
 * Gateway and notifier as the harness starts them; the router built with NOW and the clock
 * settings overridden (background sweeper off unless `settings.sweepIntervalMs` is set).
 */
export async function startClockHub(startAt: string, settings: Partial<ClockSettings> = {}): Promise<ClockHub> {
  await flushRedis();
  const hotline = await FakeUpstream.start({ keyRing: parseKeyRing('HUB_HOTLINE_KEYS', HOTLINE_KEYS), rejectInvalidSignatures: true });
  const units = await FakeUpstream.start({ keyRing: unitSystemKeys(UNITS_KEYS, [UNIT, PARENT]), rejectInvalidSignatures: true });
  const config = testConfig({ HUB_HOTLINE_URL: hotline.url, HUB_HOTLINE_KEYS: HOTLINE_KEYS, HUB_UNITS_KEYS: UNITS_KEYS });
  const hub = await startHub(config, ['gateway', 'notifier'], { fresh: true });
  const clock = new TestClock(startAt);
  const moduleRef = await Test.createTestingModule({ imports: [RouterModule.forRoot(config)] })
    .overrideProvider(NOW)
    .useValue(clock.now)
    .overrideProvider(CLOCK_SETTINGS)
    .useValue({ ...loadClockSettings({}), sweepIntervalMs: 0, ...settings })
    .compile();
  const router = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(), { logger: false, bodyParser: false });
  await router.init();
  return {
    hub,
    router,
    clocks: router.get(ClockService),
    timers: router.get(ClockTimersService),
    clock,
    hotline,
    units,
    ds: hub.ds,
    async close() {
      await router.close();
      await hub.close();
      await hotline.close();
      await units.close();
    },
  };
}

/** Empty tables, the directory imported with UNIT and PARENT reachable at the fake unit system. */
export async function resetWorld(h: ClockHub): Promise<void> {
  await resetDatabase(h.ds);
  h.hotline.reset();
  h.units.reset();
  const doc = JSON.parse(readFileSync(SHANGHAI_DIRECTORY, 'utf8')) as DirectoryDocument;
  for (const u of doc.units) if (u.code === UNIT || u.code === PARENT) u.endpoint = `${h.units.url}/${u.code}`;
  const r = await importDirectory(h.ds, doc, 'test', true);
  if (!r.ok) throw new Error(`directory rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
}

export interface TicketOptions {
  unitCode?: string;
  complex?: boolean;
  source?: 'hotline' | 'national';
  national?: { level: 'general' | 'special' | 'urgent'; dueAt?: string; transferredAt: string };
}

/** A ticket already routed to `unitCode` (inserted directly: dispatch itself is another issue's). */
export async function insertDispatchedTicket(ds: DataSource, o: TicketOptions = {}): Promise<TicketRow> {
  const id = randomUUID();
  const source = o.source ?? 'hotline';
  const externalId = `${source === 'hotline' ? 'HL' : 'NT'}-${id.slice(0, 8)}`;
  await ds.query(
    `INSERT INTO tickets (id, source, source_record, external_id, content_hash, kind, channel, category_code, title, content, citizen,
        received_at, state, unit_code, complex, national, raw_payload)
     VALUES ($1, $2, $3, $4, 'h', 'complaint', 'phone', '0101', '商户拒不退款', '在某商场购物后商户拒绝按约定退款。', $5::jsonb,
        now(), 'dispatched', $6, $7, $8::jsonb, '{}'::jsonb)`,
    [
      id,
      source,
      source === 'hotline' ? 'order' : 'transfer',
      externalId,
      JSON.stringify({ name: '张三', phone: '13812345678', anonymous: false, confidential: false }),
      o.unitCode ?? UNIT,
      o.complex ?? false,
      o.national ? JSON.stringify(o.national) : null,
    ],
  );
  const t = await loadTicket(ds, id);
  if (!t) throw new Error('ticket not stored');
  return t;
}

/** What dispatch will do: start the clocks in a transaction, return the wire `due`. */
export function dispatchClocks(h: ClockHub, t: TicketRow, at: string): Promise<Record<string, string>> {
  return h.ds.transaction((tx) => h.clocks.startForDispatch(tx, t, new Date(at)));
}

/** Status bodies the fake hotline received for an order, in arrival order. */
export function statusesAt(hotline: FakeUpstream, orderNo: string): Array<Record<string, unknown>> {
  return hotline
    .received(`/api/orders/${orderNo}/status`)
    .filter((r) => r.responseStatus === 200)
    .map((r) => r.body as Record<string, unknown>);
}

/** Waits until the fake hotline has a status of `type` for the order and returns it. */
export async function waitForStatus(hotline: FakeUpstream, orderNo: string, type: string, count = 1): Promise<Array<Record<string, unknown>>> {
  return eventually(async () => {
    const got = statusesAt(hotline, orderNo).filter((b) => b.type === type);
    return got.length >= count ? got : undefined;
  });
}

/** Work orders a unit's fake system received (path `/<unitCode>/work-orders`). */
export function workOrdersAt(units: FakeUpstream, unitCode: string): RecordedRequest[] {
  return units.received(`/${unitCode}/work-orders`).filter((r) => r.responseStatus === 200);
}

export interface LoggedEvent {
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export async function eventsOfType(ds: DataSource, ticketId: string, type: string): Promise<LoggedEvent[]> {
  return (await ds.query(`SELECT type, actor, data FROM ticket_events WHERE ticket_id = $1 AND type = $2 ORDER BY id`, [ticketId, type])) as LoggedEvent[];
}

export interface ClockState {
  type: string;
  state: string;
  dueDate: string;
  provisional: boolean;
  superviseCount: number;
  nextFireAt: Date | null;
  warnedAt: Date | null;
  days: number | null;
}

export async function clockStates(ds: DataSource, ticketId: string): Promise<Record<string, ClockState>> {
  const rows = (await ds.query(
    `SELECT type, state, due_date::text AS "dueDate", provisional, supervise_count AS "superviseCount", next_fire_at AS "nextFireAt",
            warned_at AS "warnedAt", days
       FROM ticket_clocks WHERE ticket_id = $1 AND state IN ('running','missed') ORDER BY id`,
    [ticketId],
  )) as ClockState[];
  return Object.fromEntries(rows.map((r) => [r.type, r]));
}
