import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, RateLimiter, pgSafe, pgSafeText } from '@hub/common';
import { contentHash } from '@hub/connectors/common';
import {
  badRequest,
  checkPostRequest,
  encodePostAnswer,
  encodeUpdateAnswer,
  findService,
  isW3cDateTime,
  mapOpen311Request,
  notFound,
  parseOpen311Form,
  personName,
  rawRecord,
  type Open311Form,
} from '@hub/connectors/open311';
import { open311ExternalId, recentOpen311Request, routeJob, storeInboundEvent } from '@hub/store';
import { IntakeService } from '../intake/intake.service';
import type { Open311Answer } from './open311-http';
import { isRequestId } from './open311-query';
import { Open311KeysService } from './open311-keys.service';
import { Open311Service, type CallContext } from './open311.service';

const MINUTE_MS = 60_000;
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * The writing half of the Open311 door (docs/open311.md): POST requests becomes a ticket of source
 * `open311` through the common intake (same checks, merge, dispatch, clocks and lifecycle), and
 * FixMyStreet's POST servicerequestupdates a citizen's 补充 on it. Both need an api_key.
 */
@Injectable()
export class Open311IntakeService {
  private readonly windowMs: number;

  constructor(
    private readonly ds: DataSource,
    private readonly reads: Open311Service,
    private readonly keys: Open311KeysService,
    private readonly intake: IntakeService,
    private readonly limiter: RateLimiter,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.windowMs = config.open311.idempotencyMinutes * MINUTE_MS;
  }

  /** The form, its client (403 without a valid api_key) and the client's budget. */
  private async admit(c: CallContext, body: unknown): Promise<{ form: Open311Form; client: string }> {
    const form = parseOpen311Form(typeof body === 'string' ? body : '');
    const client = await this.keys.client(form.fields.api_key);
    await this.limiter.hit('open311PerMin', `open311:${client}`);
    return { form, client };
  }

  async postRequest(c: CallContext, body: unknown): Promise<Open311Answer> {
    const { form, client } = await this.admit(c, body);
    const dir = await this.reads.directory({ jurisdiction_id: form.fields.jurisdiction_id });
    const code = form.fields.service_code;
    if (code === undefined) throw badRequest('service_code was not provided');
    const service = findService(dir, code);
    if (!service) throw notFound(`service_code ${code.slice(0, 64)} not found`);
    const post = checkPostRequest(form, dir);
    const { api_key: _key, jurisdiction_id: _j, ...understood } = form.fields;
    const hash = contentHash({ fields: understood, attributes: post.attributes });
    const now = Date.now();
    const externalId = await this.externalId(client, post.deviceId, post.accountId, hash, now);
    if (externalId.existing) return this.postAnswer(c, 200, externalId.existing, post.accountId);
    const ticket = mapOpen311Request(pgSafe(post), dir, { externalId: externalId.id, receivedAt: new Date(now).toISOString(), serviceName: service.service_name });
    const a = await this.intake.receive(ticket, { fields: understood, attributes: post.attributes }, rawRecord(post, client), `open311:${client}`);
    return this.postAnswer(c, a.status === 201 ? 201 : 200, String(a.body.ticketId), post.accountId);
  }

  private postAnswer(c: CallContext, status: number, id: string, accountId: string | undefined): Open311Answer {
    return { status, body: encodePostAnswer(c.format, [{ service_request_id: id, service_notice: '已接收，将按规定受理和派单（12345）', account_id: accountId ?? null }]) };
  }

  /**
   * A client that retries (same device_id or account_id, same body) within the window gets the
   * same request: the external id is that identity and body, numbered by window, and the previous
   * window's is looked up too. Without device_id and account_id every POST is a new request.
   */
  private async externalId(client: string, deviceId: string | undefined, accountId: string | undefined, hash: string, now: number): Promise<{ id: string; existing?: string }> {
    if (deviceId === undefined && accountId === undefined) return { id: `req:${sha256(`${client}|${now}|${hash}|${Math.random()}`).slice(0, 40)}` };
    const key = sha256(`${client}|${deviceId ?? ''}|${accountId ?? ''}|${hash}`).slice(0, 40);
    const slot = Math.floor(now / this.windowMs);
    const ids = [`idem:${key}:${slot}`, `idem:${key}:${slot - 1}`];
    const existing = await recentOpen311Request(this.ds, ids, new Date(now - this.windowMs));
    return existing ? { id: ids[0], existing } : { id: ids[0] };
  }

  /** FixMyStreet's POST servicerequestupdates: a citizen's follow-up (补充) to the request's handler. */
  async postUpdate(c: CallContext, body: unknown): Promise<Open311Answer> {
    const { form, client } = await this.admit(c, body);
    await this.reads.directory({ jurisdiction_id: form.fields.jurisdiction_id });
    const f = form.fields;
    const problems: string[] = [];
    for (const k of ['service_request_id', 'description', 'updated_datetime']) if (f[k] === undefined) problems.push(`${k} was not provided`);
    if (f.updated_datetime !== undefined && !isW3cDateTime(f.updated_datetime)) problems.push('updated_datetime must be a W3C date-time with a time zone');
    if (f.status !== undefined && !['OPEN', 'CLOSED'].includes(f.status.toUpperCase())) problems.push('status must be OPEN or CLOSED');
    if (f.description !== undefined && f.description.length > 4000) problems.push('description must be at most 4000 characters');
    if (problems.length) throw badRequest(problems);
    const id = f.service_request_id;
    const externalId = isRequestId(id) ? await open311ExternalId(this.ds, id) : undefined;
    if (!externalId) throw notFound(`service_request_id ${id.slice(0, 64)} not found`);
    const { api_key: _key, jurisdiction_id: _j, ...understood } = f;
    const eventId = `${client}:${f.update_id ?? contentHash(understood)}`.slice(0, 200);
    const updateId = `u${sha256(eventId).slice(0, 24)}`;
    const payload = pgSafe({
      content: [f.description, f.media_url ? `附件：${f.media_url}` : undefined].filter(Boolean).join('\n'),
      status: f.status?.toUpperCase() ?? null,
      updateId: f.update_id ?? null,
      mediaUrl: f.media_url ?? null,
      accountId: f.account_id ?? null,
      citizen: { name: personName(f.first_name, f.last_name) ?? null, email: f.email ?? null },
    });
    const r = await storeInboundEvent(
      this.ds,
      {
        source: 'open311', record: 'request', externalId, eventId: pgSafeText(eventId), type: 'supplement', occurredAt: f.updated_datetime,
        contentHash: contentHash(understood), payload, actor: `open311:${client}`,
      },
      (ticketId, inboundId) => [{ ...routeJob(ticketId), type: 'citizen_event', payload: { inboundEventId: inboundId } }],
    );
    if (r.outcome === 'no_ticket') throw notFound(`service_request_id ${id} not found`);
    if (r.outcome === 'conflict') throw badRequest(`update_id ${String(f.update_id).slice(0, 64)} was already used for a different update`);
    return { status: r.outcome === 'created' ? 201 : 200, body: encodeUpdateAnswer(c.format, [{ update_id: updateId }]) };
  }
}
