/**
 * A fake national platform (国办, docs/contracts.md#national-pull) built on FakeUpstream: it serves
 * `GET /api/v1/transfers?cursor=&limit=` with cursor paging over a list of transfers that tests can
 * grow while the hub polls, checks the pull's signature (401 like the real one), can be scripted to
 * answer 429 with Retry-After or 5xx, and records receipts, returns and results, answering 409 to a
 * repeated eventId as the real platform does.
 */
import type { KeyRing } from '@hub/connectors/signing';
import { FakeUpstream, type FakeResponse, type RecordedRequest } from './fake-upstream';

/** A transfer as the platform serves it; loosely typed so tests can also serve broken ones. */
export type TransferFixture = Record<string, unknown>;

export interface FakeNationalOptions {
  keyRing: KeyRing;
  transfers?: TransferFixture[];
  /**
   * What nextCursor is once the list is exhausted: `null` (default, the contract's "no more") or the
   * position cursor, so the next call with it returns only transfers added since.
   */
  exhaustedCursor?: 'null' | 'position';
  /** answer a repeated eventId of receipt/return/result with 409 (default true) */
  conflictOnRepeatedEvent?: boolean;
  port?: number;
  /** keep only the last N requests (a long-running sandbox) */
  keepRequests?: number;
}

const TRANSFERS_PATH = '/api/v1/transfers';

export class FakeNational {
  private transfers: TransferFixture[];
  private readonly seenEvents = new Set<string>();

  private constructor(
    readonly upstream: FakeUpstream,
    private readonly options: FakeNationalOptions,
  ) {
    this.transfers = [...(options.transfers ?? [])];
  }

  static async start(options: FakeNationalOptions): Promise<FakeNational> {
    const upstream = await FakeUpstream.start({
      keyRing: options.keyRing,
      rejectInvalidSignatures: true,
      port: options.port,
      keepRequests: options.keepRequests,
    });
    const fake = new FakeNational(upstream, options);
    upstream.setHandler((req) => fake.handle(req));
    return fake;
  }

  get url(): string {
    return this.upstream.url;
  }

  setTransfers(transfers: TransferFixture[]): void {
    this.transfers = [...transfers];
  }

  /** New transfers appear at the end, as on the real feed. */
  addTransfers(...transfers: TransferFixture[]): void {
    this.transfers.push(...transfers);
  }

  /** The next pulls get these answers instead of a page, e.g. {status: 429, headers: {'Retry-After': '2'}}. */
  failPulls(...responses: FakeResponse[]): void {
    this.upstream.script(responses, { method: 'GET', pathPrefix: TRANSFERS_PATH });
  }

  /** Script answers for receipt/return/result POSTs (all of them, or one transfer's). */
  scriptPosts(responses: FakeResponse[], transferId?: string): void {
    const pathPrefix = transferId === undefined ? `${TRANSFERS_PATH}/` : `${TRANSFERS_PATH}/${encodeURIComponent(transferId)}/`;
    this.upstream.script(responses, { method: 'POST', pathPrefix });
  }

  pulls(): RecordedRequest[] {
    return this.upstream.requests.filter((r) => r.method === 'GET' && r.pathname === TRANSFERS_PATH);
  }

  receipts(): RecordedRequest[] {
    return this.posts('receipt');
  }

  returns(): RecordedRequest[] {
    return this.posts('return');
  }

  results(): RecordedRequest[] {
    return this.posts('result');
  }

  reset(): void {
    this.upstream.reset();
    this.upstream.setHandler((req) => this.handle(req));
    this.seenEvents.clear();
    this.transfers = [...(this.options.transfers ?? [])];
  }

  close(): Promise<void> {
    return this.upstream.close();
  }

  private posts(kind: 'receipt' | 'return' | 'result'): RecordedRequest[] {
    return this.upstream.requests.filter(
      (r) => r.method === 'POST' && r.pathname.startsWith(`${TRANSFERS_PATH}/`) && r.pathname.endsWith(`/${kind}`),
    );
  }

  private handle(req: RecordedRequest): FakeResponse | undefined {
    if (req.method === 'GET' && req.pathname === TRANSFERS_PATH) return this.page(req.query);
    const post = /^\/api\/v1\/transfers\/[^/]+\/(receipt|return|result)$/.exec(req.pathname);
    if (req.method === 'POST' && post !== null) {
      const eventId = (req.body as { eventId?: unknown } | undefined)?.eventId;
      if (typeof eventId !== 'string' || eventId === '') return { status: 400, body: { error: 'validation_failed' } };
      if (this.seenEvents.has(eventId) && (this.options.conflictOnRepeatedEvent ?? true)) {
        return { status: 409, body: { error: 'conflict' } };
      }
      this.seenEvents.add(eventId);
      return { status: 200, body: { ok: true } };
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  private page(query: URLSearchParams): FakeResponse {
    const limitText = query.get('limit');
    const limit = limitText === null ? NaN : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { status: 400, body: { error: 'bad_limit' } };
    const cursor = query.get('cursor');
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    if (offset === undefined) return { status: 400, body: { error: 'bad_cursor' } };
    const items = this.transfers.slice(offset, offset + limit);
    const next = offset + items.length;
    const exhausted = next >= this.transfers.length;
    const nextCursor = exhausted && (this.options.exhaustedCursor ?? 'null') === 'null' ? null : encodeCursor(next);
    return { status: 200, body: { items, nextCursor } };
  }
}

/** Opaque on purpose (tests must not do arithmetic on it), but stable for a given position. */
function encodeCursor(offset: number): string {
  return Buffer.from(`pos:${offset}:v1`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^pos:(\d+):v1$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m === null ? undefined : Number(m[1]);
}
