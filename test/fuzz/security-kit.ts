/**
 * Helpers of the security tests (docs/security.md): raw HTTP to the hub (paths go on the wire
 * exactly as given, so `../` and `%2e%2e` reach the server), the counts of every table a request
 * could write to, and the actors of the access matrix.
 */
import http from 'node:http';
import type { DataSource } from 'typeorm';
import type { HubActor } from '@hub/common';
import type { RunningHub } from '../support/harness';
import { authHeader } from '../support/auth';

export interface RawAnswer<T = Record<string, unknown>> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: T;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** object → JSON; string/Buffer as is */
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

export function request<T = Record<string, unknown>>(baseUrl: string, r: RawRequest): Promise<RawAnswer<T>> {
  const base = new URL(baseUrl);
  const raw = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), 'utf8');
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (raw) {
    headers['content-type'] ??= r.contentType ?? 'application/json';
    headers['content-length'] = String(raw.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: body as T });
      });
      res.on('error', reject);
    });
    req.setTimeout(r.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer to ${r.method} ${r.path}`)));
    req.on('error', reject);
    req.end(raw);
  });
}

/** Every table a request could write to (the "stores nothing" check). */
export const WRITABLE_TABLES = [
  'tickets',
  'ticket_events',
  'outbox',
  'inbound_events',
  'evaluation_records',
  'directory_versions',
  'users',
  'api_keys',
  'auth_audit',
  'pii_access_log',
] as const;

export async function tableCounts(ds: DataSource): Promise<Record<string, number>> {
  const present = (await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)) as Array<{ tablename: string }>;
  const names = [...new Set([...WRITABLE_TABLES, ...present.map((p) => p.tablename).filter((t) => /^(work_orders?|ticket_|clock|deadline|office_)/.test(t))])].filter((t) =>
    present.some((p) => p.tablename === t),
  );
  const [row] = (await ds.query(`SELECT ${names.map((n) => `(SELECT count(*)::int FROM "${n}") AS "${n}"`).join(', ')}`)) as Array<Record<string, number>>;
  return row;
}

export type MatrixActor = 'anonymous' | 'unit_staff' | 'unit_staff_other' | 'unit_system' | 'unit_system_other' | 'operator' | 'supervisor' | 'admin';

export const OWN_UNIT = '310104-MARKET';
export const OTHER_UNIT = '310115-MARKET';

export function actorOf(a: MatrixActor): (Partial<HubActor> & Pick<HubActor, 'role'>) | undefined {
  switch (a) {
    case 'anonymous':
      return undefined;
    case 'unit_staff':
      return { role: 'unit_staff', unitCode: OWN_UNIT, id: 'staff-own' };
    case 'unit_staff_other':
      return { role: 'unit_staff', unitCode: OTHER_UNIT, id: 'staff-other' };
    case 'unit_system':
      return { role: 'unit_system', unitCode: OWN_UNIT, id: 'uk_ownunitsystem00' };
    case 'unit_system_other':
      return { role: 'unit_system', unitCode: OTHER_UNIT, id: 'uk_otherunitsyst00' };
    default:
      return { role: a, id: `${a}-1` };
  }
}

export async function headersOf(hub: RunningHub, a: MatrixActor): Promise<Record<string, string>> {
  const actor = actorOf(a);
  return actor ? authHeader(hub, actor) : {};
}

/** Test citizens' phones are 1390000xxxx (tickets.factory); their ID numbers start 310101. */
export const TEST_PHONE_RE = /1390000[0-9]{4}/;
