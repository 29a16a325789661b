/**
 * The chaos bench's workload and its history: signed hotline orders (some followed by the
 * citizen's events), 一网通办 evaluations, national transfers published on the fake feed, and the
 * unit's and the office's actions on the hotline tickets through the API. Every request is retried
 * on a 5xx or a connection error, on either gateway, as an upstream system retries; each ticket
 * remembers what the hub answered and the state its actions imply.
 */
import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { signRequest } from '@hub/connectors/signing';
import { hotlineOrder, nationalTransfer, validIdCard, ywtbEvaluation } from '../../../test/factories/tickets.factory';
import type { ChaosHub } from './hub';
import { UNIT } from './hub';

/** The workload's and the fault schedule's random numbers: seededRandom (libs/rules), so a seed repeats a run. */
export type Rng = () => number;

interface Step {
  /** what is called: a unit's or the office's action, or a citizen's event through the hotline */
  kind: 'unit' | 'office' | 'event';
  path: string;
  body: Record<string, unknown>;
  /** the state the step leads to */
  to: string;
}

export interface TicketRecord {
  source: 'hotline' | 'ywtb' | 'national';
  externalId: string;
  /** the first attempt (ms, performance.now) */
  submittedAt: number;
  /** the hub's 2xx, or undefined if it never answered one */
  answered?: number;
  answeredAtMs?: number;
  ticketId?: string;
  /** the status `dispatched` first reached the fake hotline (ms) */
  dispatchedAt?: number;
  /** every status event of this order is refused for good by the fake hotline (dead letters expected) */
  refused: boolean;
  steps: Step[];
  /** the state the steps done imply; undefined when the plan did not run to its end */
  expected?: string;
  planDone: boolean;
  planError?: string;
}

export interface Tally {
  '2xx': number;
  '4xx': number;
  '5xx': number;
  /** connection refused or reset, timeouts: retried */
  unanswered: number;
}

const REPLY = { report: '经现场检查，该餐馆后厨存在卫生问题，已责令限期整改并立案调查。', replyPoints: '已责令整改，立案调查，整改完成后复查。' };
const SATISFIED = { satisfied: true, result: 5, efficiency: 4, attitude: 5, note: '市民表示满意' };
const OBJECTION = { reason: '该餐馆位于长宁区，不属本局管辖', legalBasis: '《食品安全法》第六条：属地管理', suggestedUnit: '310104-GOV' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type UpstreamMode = 'ok' | '500' | 'timeout' | 'slow' | '429';

export class Workload {
  /** how the fake hotline answers the hub's status events (a fault sets it for a while) */
  upstream: UpstreamMode = 'ok';
  readonly tickets: TicketRecord[] = [];
  readonly tally: Tally = { '2xx': 0, '4xx': 0, '5xx': 0, unanswered: 0 };
  /** national transfers published on the feed */
  readonly transfers: string[] = [];
  private readonly flows: Array<Promise<void>> = [];
  private readonly byOrderNo = new Map<string, TicketRecord>();
  private seq = 0;
  private turn = 0;
  private unitToken = '';
  private officeToken = '';
  private readonly runId = randomUUID().slice(0, 6).toUpperCase();

  /** tickets done (the soak keeps no history: its measure is memory) */
  done = 0;
  /** hotline tickets refused at intake or whose plan stopped short (counted also when forgetting) */
  failed = 0;
  /** set when the run is given up: every flow ends at its next retry */
  aborted = false;

  constructor(
    private readonly hub: ChaosHub,
    private readonly rng: Rng,
    private readonly opts: {
      /** how long one request (and its retries) may keep trying before it is given up, ms */
      patienceMs?: number;
      /** every hotline ticket goes the whole way (sign, contact, reply, satisfied callback), and only hotline orders come in */
      lifecycleOnly?: boolean;
      /** keep no record of finished tickets */
      forget?: boolean;
    } = {},
  ) {
    hub.hotline.onRecorded((r) => {
      const b = r.body as { type?: string; orderNo?: string } | undefined;
      if (b?.type !== 'dispatched' || !b.orderNo || r.responseStatus === undefined || r.responseStatus >= 300) return;
      const t = this.byOrderNo.get(b.orderNo);
      if (t && t.dispatchedAt === undefined) t.dispatchedAt = performance.now();
    });
    hub.hotline.setHandler((r) => {
      switch (this.upstream) {
        case '500':
          return { status: 500, body: { error: 'internal' } };
        case 'timeout':
          return { status: 200, body: { ok: true }, delayMs: 2_500 }; // past HUB_DELIVERY_TIMEOUT_MS
        case 'slow':
          return { status: 200, body: { ok: true }, delayMs: 700 };
        case '429':
          return { status: 429, body: { error: 'too_many_requests' }, headers: { 'Retry-After': '1' } };
        default:
          // the orders the hotline refuses for good: their status events become dead letters
          return /\/api\/orders\/CHX/.test(r.pathname) ? { status: 400, body: { error: 'unknown_order' } } : undefined;
      }
    });
  }

  async init(): Promise<void> {
    const jwt = new JwtService({ secret: this.hub.jwtSecret, signOptions: { algorithm: 'HS256', issuer: 'hub' } });
    this.unitToken = await jwt.signAsync({ sub: `chaos-staff`, role: 'unit_staff', unit: UNIT, name: '徐汇市场监管 经办人' }, { expiresIn: 6 * 3600 });
    this.officeToken = await jwt.signAsync({ sub: 'chaos-op', role: 'operator', name: '王接线' }, { expiresIn: 6 * 3600 });
  }

  /**
   * Starts tickets at `rate` a second for at least `ms` and until `done()`; resolves when the last
   * was started (not finished).
   */
  async drive(rate: number, ms: number, done: () => boolean = () => true): Promise<void> {
    const t0 = performance.now();
    for (let k = 0; ; k++) {
      const at = t0 + (k * 1000) / rate;
      if (at - t0 >= ms && done()) return;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      const r = this.opts.lifecycleOnly ? 0 : this.rng();
      const flow = (r < 0.7 ? this.hotlineFlow() : r < 0.85 ? this.ywtbFlow() : this.nationalFlow()).finally(() => this.done++);
      // the soak keeps no promise of a finished flow either
      if (!this.opts.forget) this.flows.push(flow);
    }
  }

  /** Every flow started has ended (answered, planned steps done or given up). */
  async settled(): Promise<void> {
    await Promise.all(this.flows);
  }

  private async hotlineFlow(): Promise<void> {
    const i = ++this.seq;
    const refused = !this.opts.lifecycleOnly && this.rng() < 0.03;
    const orderNo = `CH${refused ? 'X' : ''}${this.runId}${String(i).padStart(6, '0')}`;
    // a third were received ten days ago: their clocks are missed at once, and supervised
    const receivedAt = !this.opts.lifecycleOnly && this.rng() < 0.33 ? new Date(Date.now() - 10 * 86_400_000) : new Date();
    // births within 1950–1999 whatever the count: a day per ticket from 1950 reached the future at
    // ticket 28,100 and the ID numbers were refused (the soak's flows ended at its 24th minute)
    const birth = new Date(Date.UTC(1950, 0, 1) + (i % 18_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const citizen = { name: '张三', phone: `1380${String(i % 10_000_000).padStart(7, '0')}`, idType: 'id_card', idNumber: validIdCard(birth, String(i % 1000).padStart(3, '0')), anonymous: false, confidential: false };
    const order = hotlineOrder({ orderNo, citizen, receivedAt: receivedAt.toISOString(), categoryCode: '0101', location: { regionCode: '310104', address: `徐汇区某路${i}号` } });
    const t: TicketRecord = { source: 'hotline', externalId: orderNo, submittedAt: performance.now(), refused, steps: this.plan(orderNo), planDone: false };
    if (!this.opts.forget) {
      this.tickets.push(t);
      this.byOrderNo.set(orderNo, t);
    }
    const a = await this.signed('hotline', '/connectors/hotline/orders', order);
    if (!a || a.status >= 300) return void this.failed++;
    t.answered = a.status;
    t.answeredAtMs = performance.now();
    t.ticketId = (a.body as { ticketId?: string }).ticketId;
    await this.runPlan(t);
    if (t.planError !== undefined) this.failed++;
  }

  private async ywtbFlow(): Promise<void> {
    const ev = ywtbEvaluation({ evaluationId: `CE${this.runId}${String(++this.seq).padStart(6, '0')}`, evaluatedAt: new Date().toISOString() });
    const t: TicketRecord = { source: 'ywtb', externalId: String(ev.evaluationId), submittedAt: performance.now(), refused: false, steps: [], planDone: true };
    this.tickets.push(t);
    const a = await this.signed('ywtb', '/connectors/ywtb/evaluations', ev);
    if (!a || a.status >= 300) return;
    t.answered = a.status;
    t.answeredAtMs = performance.now();
    t.ticketId = (a.body as { ticketId?: string }).ticketId;
  }

  /** A transfer published on the national feed: the gateways' pollers must take it in exactly once. */
  private async nationalFlow(): Promise<void> {
    const tr = nationalTransfer({ transferredAt: new Date().toISOString() });
    this.transfers.push(String(tr.transferId));
    this.hub.national.addTransfers(tr as never);
    await Promise.resolve();
  }

  /** What the unit, the office and the citizen will do with one hotline ticket. */
  private plan(orderNo: string): Step[] {
    const r = this.opts.lifecycleOnly ? 0.5 : this.rng();
    const wo = (p: string): string => `/work-orders/{id}/${p}`;
    const sign: Step = { kind: 'unit', path: wo('sign'), body: {}, to: 'signed' };
    const contact: Step = { kind: 'unit', path: wo('contact'), body: { note: '电话联系市民' }, to: 'contacted' };
    const event = (type: string, to: string): Step => ({ kind: 'event', path: `/connectors/hotline/orders/${orderNo}/events`, body: { eventId: randomUUID(), type, occurredAt: new Date().toISOString(), content: '补充：问题仍然存在' }, to });
    if (r < 0.3) return [];
    if (r < 0.45) return [sign];
    if (r < 0.7) return [sign, contact, { kind: 'unit', path: wo('reply'), body: REPLY, to: 'replied' }, { kind: 'office', path: '/office/tickets/{id}/callback', body: SATISFIED, to: 'closed' }];
    if (r < 0.8) return [event('withdraw', 'withdrawn')];
    if (r < 0.92) return [event('supplement', 'dispatched'), sign, contact];
    return [{ kind: 'unit', path: wo('objection'), body: OBJECTION, to: 'objected' }];
  }

  private async runPlan(t: TicketRecord): Promise<void> {
    const end = performance.now() + (this.opts.patienceMs ?? 240_000);
    // actions start once the router has dispatched the ticket
    let state = '';
    while (state !== 'dispatched') {
      if (performance.now() > end || this.aborted) return void (t.planError = `never dispatched (state ${state || 'unknown'})`);
      await sleep(1_000);
      state = (await this.stateOf(t.ticketId!)) ?? '';
      if (state && !['received', 'accepted', 'dispatched'].includes(state)) return void (t.planError = `routed to ${state}`);
    }
    let expected = 'dispatched';
    for (const step of t.steps) {
      const path = step.path.replace('{id}', t.ticketId!);
      const a = step.kind === 'event' ? await this.signed('hotline', path, step.body) : await this.api(step.kind, path, step.body);
      if (!a) return void (t.planError = `${step.path}: no answer`);
      const answeredState = (a.body as { state?: string } | undefined)?.state;
      // 409 with the step's own state: an earlier attempt was applied and its answer lost
      if (a.status < 300 || (a.status === 409 && answeredState === step.to)) expected = step.to;
      else return void (t.planError = `${step.path}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
    }
    t.expected = expected;
    t.planDone = true;
  }

  private async stateOf(ticketId: string): Promise<string | undefined> {
    try {
      const rows = (await this.hub.ds.query(`SELECT state FROM tickets WHERE id = $1`, [ticketId])) as Array<{ state: string }>;
      return rows[0]?.state;
    } catch {
      return undefined; // PostgreSQL restarting
    }
  }

  private api(who: 'unit' | 'office', path: string, body: unknown): Promise<{ status: number; body: unknown } | undefined> {
    const token = who === 'unit' ? this.unitToken : this.officeToken;
    return this.retrying(() => ({ path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, raw: Buffer.from(JSON.stringify(body)) }));
  }

  private signed(system: 'hotline' | 'ywtb', path: string, body: unknown): Promise<{ status: number; body: unknown } | undefined> {
    const raw = Buffer.from(JSON.stringify(body));
    // signed afresh for every attempt (a new nonce and timestamp), as a retrying upstream does
    return this.retrying(() => ({ path, headers: { ...signRequest(this.hub.keys[system], 'POST', path, raw, new Date()), 'content-type': 'application/json' }, raw }));
  }

  /** POSTs until a 2xx or a 4xx (5xx and no answer are retried on the next gateway), or patience runs out. */
  private async retrying(make: () => { path: string; headers: Record<string, string>; raw: Buffer }): Promise<{ status: number; body: unknown } | undefined> {
    const end = performance.now() + (this.opts.patienceMs ?? 240_000);
    for (let attempt = 0; performance.now() < end && !this.aborted; attempt++) {
      const gw = this.hub.gateways[this.turn++ % this.hub.gateways.length];
      const { path, headers, raw } = make();
      try {
        const res = await fetch(`http://127.0.0.1:${gw.port}${path}`, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(15_000) });
        const text = await res.text();
        const cls = res.status >= 500 ? '5xx' : res.status >= 400 ? '4xx' : '2xx';
        this.tally[cls]++;
        if (res.status < 500) return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
      } catch {
        this.tally.unanswered++;
      }
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
    }
    return undefined;
  }
}
