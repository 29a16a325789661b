import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RateLimiter } from '@hub/common';
import type { CompiledDirectory } from '@hub/rules/directory';
import {
  Open311Error,
  encodeDiscovery,
  encodeRequests,
  encodeServiceDefinition,
  encodeServices,
  encodeTokens,
  encodeUpdates,
  findService,
  notFound,
  open311Services,
  presentRequest,
  presentUpdate,
  serviceDefinition,
  statesWithStatus,
  type Open311Format,
  type Open311RequestUpdate,
} from '@hub/connectors/open311';
import { DirectoryCache, ReadReplica, listOpen311Requests, listOpen311Updates, open311RequestsById } from '@hub/store';
import type { Open311Answer } from './open311-http';
import { MAX_RESULTS, isRequestId, parseRequestsQuery, parseUpdatesWindow } from './open311-query';

/** What every Open311 call checks first: the jurisdiction (when given) and the read budget. */
export interface CallContext {
  format: Open311Format;
  query: Record<string, unknown>;
  ip: string;
}

/**
 * The reading half of the Open311 door (docs/open311.md): discovery, services and their
 * definitions from the active directory, requests and FixMyStreet's updates from the store. No key
 * is needed to read (the answers carry no personal data); reads are limited per client address.
 */
@Injectable()
export class Open311Service {

  constructor(
    private readonly ds: DataSource,
    private readonly limiter: RateLimiter,
    private readonly directories: DirectoryCache,
    private readonly replica: ReadReplica,
  ) {}

  /** The active directory, after the jurisdiction check (absent = served; another one = 404). */
  async directory(query: Record<string, unknown>): Promise<CompiledDirectory> {
    const dir = (await this.directories.current(this.ds))?.compiled;
    if (!dir) throw new Open311Error(503, 'no directory is active yet: the hub cannot take requests');
    const j = query.jurisdiction_id;
    if (j !== undefined && j !== '' && String(j) !== dir.jurisdiction.regionCode) throw notFound(`jurisdiction_id ${String(j).slice(0, 64)} not found`);
    return dir;
  }

  private async read(c: CallContext): Promise<CompiledDirectory> {
    await this.limiter.hit('open311ReadPerMin', `ip:${c.ip}`);
    return this.directory(c.query);
  }

  async discovery(c: CallContext, baseUrl: string): Promise<Open311Answer> {
    const dir = await this.read(c);
    return {
      status: 200,
      body: encodeDiscovery(c.format, {
        changeset: new Date(0).toISOString().replace('.000', ''),
        contact: `${dir.jurisdiction.name} 12345 政务服务便民热线`,
        key_service: '向热线管理办公室申请 api_key（管理员以 POST /auth/api-keys 创建）',
        endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: baseUrl, changeset: '2026-12-06T00:00:00Z', type: 'production', formats: ['text/xml', 'application/json'] }],
      }),
    };
  }

  async services(c: CallContext): Promise<Open311Answer> {
    return { status: 200, body: encodeServices(c.format, open311Services(await this.read(c))) };
  }

  async definition(c: CallContext, code: string): Promise<Open311Answer> {
    const def = serviceDefinition(await this.read(c), code);
    if (!def) throw notFound(`service_code ${code.slice(0, 64)} not found`);
    return { status: 200, body: encodeServiceDefinition(c.format, def) };
  }

  async requests(c: CallContext): Promise<Open311Answer> {
    const dir = await this.read(c);
    const q = parseRequestsQuery(c.query, new Date());
    for (const code of q.serviceCodes ?? []) if (!findService(dir, code)) throw notFound(`service_code ${code.slice(0, 64)} not found`);
    // by id: read-your-writes (a client asks for the request it just posted), on the primary; the
    // lists may read the replica (docs/reliability.md#postgresql-read-replica)
    const rows = q.ids
      ? await open311RequestsById(this.ds, q.ids.filter(isRequestId))
      : await this.replica.read((db) => listOpen311Requests(db, {
          from: q.from,
          to: q.to,
          serviceCodes: q.serviceCodes,
          states: statesOf(q.statuses),
          limit: q.pageSize,
          offset: (q.page - 1) * q.pageSize,
        }));
    return { status: 200, body: encodeRequests(c.format, rows.map((r) => presentRequest(r, dir))) };
  }

  async request(c: CallContext, id: string): Promise<Open311Answer> {
    const dir = await this.read(c);
    const rows = isRequestId(id) ? await open311RequestsById(this.ds, [id]) : [];
    if (!rows.length) throw notFound(`service_request_id ${id.slice(0, 64)} not found`);
    return { status: 200, body: encodeRequests(c.format, rows.map((r) => presentRequest(r, dir))) };
  }

  /** Requests are `realtime`: the id is known at once, and a token is the id itself. */
  async token(c: CallContext, token: string): Promise<Open311Answer> {
    await this.read(c);
    const rows = isRequestId(token) ? await open311RequestsById(this.ds, [token]) : [];
    if (!rows.length) throw notFound(`token ${token.slice(0, 64)} not found`);
    return { status: 200, body: encodeTokens(c.format, [{ service_request_id: rows[0].id, token }]) };
  }

  async updates(c: CallContext): Promise<Open311Answer> {
    const dir = await this.read(c);
    const w = parseUpdatesWindow(c.query, new Date());
    const rows = await this.replica.read((db) => listOpen311Updates(db, w.from, w.to, MAX_RESULTS));
    const updates = rows.map((r) => presentUpdate(r, dir.jurisdiction.timezone)).filter((u): u is Open311RequestUpdate => u !== undefined);
    return { status: 200, body: encodeUpdates(c.format, updates) };
  }
}

/** open/closed as the hub's states (the inverse of open311Status). */
function statesOf(statuses: Array<'open' | 'closed'> | undefined): string[] | undefined {
  if (!statuses || (statuses.includes('open') && statuses.includes('closed'))) return undefined;
  return statesWithStatus(statuses[0]);
}
