import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { maskName, maskPhone, routed } from '@hub/common';
import { checkIntake, hashCitizenId, hashPhone, route, DEFAULT_INTAKE_CONFIG, type IntakeConfig, type RoutingDecision } from '@hub/rules/dispatch';
import { ClockService } from '@hub/workflow/clock';
import type { CompiledDirectory } from '@hub/rules/directory';
import {
  DEFAULT_MERGE_CONFIG,
  DirectoryCache,
  findMergeTarget,
  officeSetting,
  setMergeKeys,
  OutboxMessage,
  OutboxRow,
  TicketRow,
  appendEvent,
  loadTicket,
  nationalReturn,
  statusMessage,
  unitWorkOrder,
  updateTicketState,
  writeOutbox,
} from '@hub/store';

/**
 * The router's work for a newly stored ticket: intake checks (受理), then dispatch (派单), each
 * decision written to the event log with its trace, and the messages it causes written to the
 * outbox in the same transaction.
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger(RoutingService.name);
  readonly directories = new DirectoryCache();

  constructor(private readonly clocks: ClockService) {}

  async handle(tx: EntityManager, row: OutboxRow): Promise<void> {
    if (!row.ticketId) return;
    if (row.type === 'route') return this.routeNew(tx, row.ticketId);
    if (row.type === 'citizen_event') return this.citizenEvent(tx, row.ticketId, row.payload);
    this.logger.warn({ type: row.type, outboxId: row.id }, 'unknown router job type; ignored');
  }

  private async routeNew(tx: EntityManager, ticketId: string): Promise<void> {
    const t = await loadTicket(tx, ticketId, true);
    if (!t || t.state !== 'received') return; // already routed: nothing to do
    const now = new Date().toISOString();
    const dir = await this.directories.current(tx);
    if (!dir) {
      await this.toDispute(tx, t, now, null, 'no_directory', '没有生效的机构与事项目录，请热线管理办公室指定承办单位', []);
      return;
    }
    const d = dir.compiled;

    // A pulled transfer lacking required elements goes back (003 Art. 4(一)).
    if (t.source === 'national' && t.intakeProblems?.length) {
      const detail = `要素不全: ${t.intakeProblems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      await this.returnNational(tx, t, 'incomplete_elements', detail, now, d.version);
      return;
    }

    const intakeConfig = await officeSetting<IntakeConfig>(tx, 'intake', DEFAULT_INTAKE_CONFIG);
    const check = checkIntake(t.ticket, d, intakeConfig);
    if (check !== 'accept') {
      if (check.action === 'return') return this.returnNational(tx, t, check.reason, check.detail, now, d.version);
      if (check.action === 'not_accepted') {
        await updateTicketState(tx, t.id, { state: 'not_accepted', directoryVersion: d.version });
        await appendEvent(tx, t.id, 'not_accepted', 'router', { reasonCode: check.reasonCode, reason: check.reason, directoryVersion: d.version });
        await writeOutbox(tx, [statusMessage(t, 'not_accepted', { occurredAt: now, reason: `${check.reasonCode}: ${check.reason}` })]);
        routed.inc({ outcome: 'not_accepted' });
        return;
      }
      await updateTicketState(tx, t.id, { state: 'archived', directoryVersion: d.version });
      await appendEvent(tx, t.id, 'archived', 'router', { reason: check.reason, directoryVersion: d.version });
      await writeOutbox(tx, [statusMessage(t, 'archived', { occurredAt: now, reason: check.reason })]);
      routed.inc({ outcome: 'archived' });
      return;
    }

    if (await this.mergeIfRepeat(tx, t, now, d.version)) return;

    const decision = route(t.ticket, d);
    if (decision.outcome === 'dispute') {
      await this.toDispute(tx, t, now, d.version, decision.reasonCode, decision.reason, decision.trace, decision);
      return;
    }
    await this.dispatch(tx, t, d, decision, now);
  }

  /** 派单: the assignment, the `accepted` and `dispatched` events, the unit's work order. */
  async dispatch(tx: EntityManager, t: TicketRow, d: CompiledDirectory, decision: Extract<RoutingDecision, { outcome: 'unit' }>, now: string): Promise<void> {
    await updateTicketState(tx, t.id, { state: 'dispatched', unitCode: decision.unitCode, directoryVersion: d.version });
    await appendEvent(tx, t.id, 'accepted', 'router', { directoryVersion: d.version });
    await appendEvent(tx, t.id, 'dispatched', 'router', {
      unitCode: decision.unitCode,
      unitName: decision.unitName,
      rule: decision.rule,
      directoryVersion: d.version,
      trace: decision.trace,
    });
    const unit = { code: decision.unitCode, name: decision.unitName };
    // 1/5/15 (003 Art. 5): the unit's clocks start when the order reaches it.
    const due = await this.clocks.startForDispatch(tx, t, new Date(now));
    const msgs: Array<OutboxMessage | null> = [
      statusMessage(t, 'accepted', { occurredAt: now }),
      statusMessage(t, 'dispatched', { occurredAt: now, unit, due }),
    ];
    const u = d.units.get(decision.unitCode);
    if (u?.endpoint) msgs.push(unitWorkOrder(u.code, t.id, 'assigned', 'lead', due, workOrderTicket(t, true)));
    await writeOutbox(tx, msgs);
    routed.inc({ outcome: `dispatched:${decision.rule}` });
  }

  /**
   * 001 Art. 13: the same matter through another channel while the first is open becomes one
   * handled ticket. This one is marked merged; its source is told and, from then on, hears every
   * event of the handled ticket under its own id.
   */
  private async mergeIfRepeat(tx: EntityManager, t: TicketRow, now: string, version: string): Promise<boolean> {
    // National transfers owe the platform their own result (003 Art. 4(六)); they are not folded into local tickets.
    if (t.source === 'national') return false;
    const c = t.ticket.citizen;
    const keys = [c.phone ? `p:${hashPhone(c.phone)}` : null, c.idNumber ? `i:${hashCitizenId(c.idNumber)}` : null].filter((k): k is string => k !== null);
    if (keys.length === 0) return false;
    await setMergeKeys(tx, t.id, keys);
    const cfg = await officeSetting(tx, 'merge', DEFAULT_MERGE_CONFIG);
    const target = await findMergeTarget(
      tx,
      {
        id: t.id,
        mergeKeys: keys,
        respondentUnitCode: t.ticket.respondent?.unitCode,
        categoryCode: t.ticket.categoryCode,
        regionCode: t.ticket.location?.regionCode,
        text: `${t.ticket.title} ${t.ticket.content}`,
      },
      cfg,
    );
    if (!target) return false;
    await updateTicketState(tx, t.id, { state: 'merged', mergedInto: target.id, directoryVersion: version });
    await appendEvent(tx, t.id, 'merged', 'router', { into: target.id, intoExternalId: target.externalId, intoSource: target.source, similarity: target.similarity });
    await appendEvent(tx, target.id, 'absorbed', 'router', { ticketId: t.id, source: t.source, externalId: t.externalId, similarity: target.similarity });
    const primary = await loadTicket(tx, target.id);
    await writeOutbox(tx, [
      statusMessage(t, 'merged', {
        occurredAt: now,
        reason: `与工单 ${target.source}:${target.externalId} 为同一事项，已合并办理 (merged into ${target.id})`,
        unit: primary?.unitCode ? { code: primary.unitCode, name: this.directories.peek()?.compiled.units.get(primary.unitCode)?.name ?? primary.unitCode } : null,
      }),
    ]);
    routed.inc({ outcome: 'merged' });
    return true;
  }

  private async toDispute(
    tx: EntityManager,
    t: TicketRow,
    now: string,
    version: string | null,
    reasonCode: string,
    reason: string,
    trace: unknown[],
    decision?: RoutingDecision,
  ): Promise<void> {
    await updateTicketState(tx, t.id, { state: 'disputed', directoryVersion: version });
    await appendEvent(tx, t.id, 'accepted', 'router', { directoryVersion: version });
    await appendEvent(tx, t.id, 'disputed', 'router', { reasonCode, reason, directoryVersion: version, trace: decision?.trace ?? trace });
    await writeOutbox(tx, [statusMessage(t, 'accepted', { occurredAt: now })]);
    routed.inc({ outcome: 'dispute' });
  }

  private async returnNational(tx: EntityManager, t: TicketRow, reason: 'out_of_jurisdiction' | 'incomplete_elements', detail: string, now: string, version: string): Promise<void> {
    await updateTicketState(tx, t.id, { state: 'returned', directoryVersion: version });
    await appendEvent(tx, t.id, 'returned', 'router', { reason, detail, directoryVersion: version });
    await writeOutbox(tx, [nationalReturn(t.id, t.externalId, reason, detail, now)]);
    routed.inc({ outcome: `returned:${reason}` });
  }

  /** 补充 / 催办 / 撤诉 from the citizen: recorded at intake; the handling unit's system hears of it. */
  private async citizenEvent(tx: EntityManager, ticketId: string, payload: Record<string, unknown>): Promise<void> {
    const t = await loadTicket(tx, ticketId, true);
    if (!t) return;
    const ev = (await tx.query(`SELECT type, content_hash, payload FROM inbound_events WHERE id = $1`, [payload.inboundEventId])) as Array<{
      type: string;
      payload: Record<string, unknown>;
    }>;
    if (!ev[0] || !t.unitCode) return;
    const dir = await this.directories.current(tx);
    const unit = dir?.compiled.units.get(t.unitCode);
    if (!unit?.endpoint) return;
    const type = ev[0].type === 'withdraw' ? 'withdrawn' : 'supplement';
    await writeOutbox(tx, [unitWorkOrder(unit.code, t.id, type, 'lead', {}, { ...workOrderTicket(t, true), citizenEvent: ev[0].payload })]);
  }
}

/** The ticket as a unit's system sees it (contracts §6); citizen data masked unless it handles it. */
export function workOrderTicket(t: TicketRow, handler: boolean): Record<string, unknown> {
  const c = t.ticket.citizen;
  const hide = !handler || c.anonymous;
  return {
    source: t.source,
    externalId: t.externalId,
    kind: t.ticket.kind,
    channel: t.ticket.channel,
    categoryCode: t.ticket.categoryCode ?? null,
    serviceItemCode: t.ticket.serviceItemCode ?? null,
    title: t.ticket.title,
    content: !handler && c.confidential ? '（保密件，内容仅对承办单位可见）' : t.ticket.content,
    location: t.ticket.location ?? null,
    urgency: t.ticket.urgency,
    complex: t.ticket.complex,
    receivedAt: t.ticket.receivedAt,
    citizen: hide
      ? { anonymous: c.anonymous, confidential: c.confidential, name: maskName(c.name), phone: maskPhone(c.phone) }
      : c,
    attachments: t.ticket.attachments,
  };
}
