import { Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { routed } from '@hub/common';
import { DataProtection } from '@hub/common/crypto';
import { checkIntake, mergeScope, route, routingFailureReason, DEFAULT_INTAKE_CONFIG, type IntakeConfig } from '@hub/rules/dispatch';
import { WorkOrderService, type LockedTicket } from '@hub/workflow';
import { DEFAULT_MERGE_CONFIG, DirectoryCache, OutboxRow, loadInboundEvent, loadOutbox, officeSetting, storeMergeKeysAndFindTarget } from '@hub/store';

/**
 * The router's work for a newly stored ticket: intake checks (受理), merging of repeated matters,
 * then dispatch (派单). Every decision goes through the work-order executor, which writes the
 * state, the event with the trace, the clocks and the outbox messages in the job's transaction.
 */
/** A label of `hub_routing_decisions_total`. */
export type RoutingOutcome = string;

@Injectable()
export class RoutingService {
  private readonly logger = new Logger(RoutingService.name);
  constructor(
    private readonly workOrders: WorkOrderService,
    readonly directories: DirectoryCache,
    private readonly protection: DataProtection,
  ) {}

  /**
   * Returns the routing outcome for `hub_routing_decisions_total`, counted by the caller once the
   * transaction has committed (a batch that rolls back runs its jobs again alone).
   */
  async handle(tx: EntityManager, row: OutboxRow): Promise<RoutingOutcome | undefined> {
    if (!row.ticketId) return undefined;
    if (row.type === 'route') return this.routeNew(tx, row.ticketId);
    if (row.type === 'citizen_event') {
      await this.citizenEvent(tx, row.ticketId, row.payload);
      return undefined;
    }
    this.logger.warn({ type: row.type, outboxId: row.id }, 'unknown router job type; ignored');
    return undefined;
  }

  /**
   * The routing job of this outbox row failed `failures` times (routingFailureVerdict said enough):
   * the ticket goes to the dispute queue as a failed routing, in its own transaction, so the office
   * sees it and designates or returns it (docs/rules.md, item 10). Later retries of the job find it
   * no longer `received` and do nothing. Returns whether the ticket was disputed.
   */
  async giveUp(ds: DataSource, outboxId: string, failures: number, error: string): Promise<boolean> {
    const ticketId = await ds.transaction(async (tx) => {
      const row = await loadOutbox(tx, outboxId);
      if (!row?.ticketId || row.type !== 'route') return null;
      const locked = await this.workOrders.lock(tx, row.ticketId);
      if (!locked || locked.ticket.state !== 'received') return null;
      const dir = await this.directories.current(tx);
      await this.workOrders.dispute(tx, row.ticketId, {
        reasonCode: 'routing_failed',
        reason: routingFailureReason(failures, error),
        directoryVersion: dir?.compiled.version ?? null,
        data: { failures, outboxId },
        locked,
      });
      return row.ticketId;
    });
    if (ticketId === null) return false;
    routed.inc({ outcome: 'dispute:routing_failed' });
    this.logger.warn({ ticketId, outboxId, failures }, 'routing kept failing; ticket handed to the office as a dispute');
    return true;
  }

  private async routeNew(tx: EntityManager, ticketId: string): Promise<RoutingOutcome | undefined> {
    const locked = await this.workOrders.lock(tx, ticketId);
    if (!locked || locked.ticket.state !== 'received') return undefined; // already routed: nothing to do
    const t = locked.ticket;
    const dir = await this.directories.current(tx);
    if (!dir) {
      await this.workOrders.dispute(tx, t.id, { reasonCode: 'no_directory', reason: '没有生效的机构与事项目录，请热线管理办公室指定承办单位', directoryVersion: null, locked });
      return 'dispute';
    }
    const d = dir.compiled;
    const directoryVersion = d.version;

    // A pulled transfer lacking required elements goes back (沪府办〔2020〕49号 Art. 4(一)).
    if (t.source === 'national' && t.intakeProblems?.length) {
      const detail = `要素不全: ${t.intakeProblems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      await this.workOrders.returnNational(tx, t.id, { reason: 'incomplete_elements', detail }, { directoryVersion, locked });
      return 'returned:incomplete_elements';
    }

    const intakeConfig = await officeSetting<IntakeConfig>(tx, 'intake', DEFAULT_INTAKE_CONFIG);
    const check = checkIntake(t.ticket, d, intakeConfig);
    if (check !== 'accept') {
      if (check.action === 'return') {
        await this.workOrders.returnNational(tx, t.id, { reason: check.reason, detail: check.detail }, { directoryVersion, locked });
        return `returned:${check.reason}`;
      }
      if (check.action === 'not_accepted') {
        await this.workOrders.notAccept(tx, t.id, { reasonCode: check.reasonCode, reason: check.reason, directoryVersion, locked });
        return 'not_accepted';
      }
      await this.workOrders.archive(tx, t.id, { reason: check.reason, directoryVersion, locked });
      return 'archived';
    }

    if (await this.mergeIfRepeat(tx, locked, directoryVersion)) return 'merged';

    const decision = route(t.ticket, d);
    if (decision.outcome === 'dispute') {
      await this.workOrders.dispute(tx, t.id, { reasonCode: decision.reasonCode, reason: decision.reason, trace: decision.trace, directoryVersion, locked });
      return 'dispute';
    }
    await this.workOrders.dispatch(
      tx,
      t.id,
      { unitCode: decision.unitCode, designated: decision.rule === 'designated' },
      { rule: decision.rule, trace: decision.trace, directoryVersion, data: { unitName: decision.unitName }, locked },
    );
    return `dispatched:${decision.rule}`;
  }

  /**
   * Yunnan Measures Art. 13: the same matter through another channel while the first is open becomes one
   * handled ticket. This one is marked merged; its source is told and, from then on, hears every
   * event of the handled ticket under its own id.
   */
  private async mergeIfRepeat(tx: EntityManager, locked: LockedTicket, directoryVersion: string): Promise<boolean> {
    const t = locked.ticket;
    // National transfers are never folded into local tickets; a 差评 only into one about the same 办件 (docs/rules.md, item 5).
    const scope = mergeScope(t.ticket);
    if (scope.by === 'none') return false;
    const c = t.ticket.citizen;
    // Keyed hashes (HUB_SEARCH_KEY): a plain SHA-256 of a mobile or ID number is reversed by
    // enumeration, which would undo the citizen column's encryption (Yunnan Measures Art. 9; docs/security.md).
    const h = this.protection.hashes(c);
    const keys = [h.phoneHash ? `p:${h.phoneHash}` : null, h.idHash ? `i:${h.idHash}` : null].filter((k): k is string => k !== null);
    if (keys.length === 0) return false;
    const cfg = await officeSetting(tx, 'merge', DEFAULT_MERGE_CONFIG);
    const target = await storeMergeKeysAndFindTarget(
      tx,
      {
        id: t.id,
        mergeKeys: keys,
        respondentUnitCode: t.ticket.respondent?.unitCode,
        categoryCode: t.ticket.categoryCode,
        regionCode: t.ticket.location?.regionCode,
        text: `${t.ticket.title} ${t.ticket.content}`,
        projectNo: scope.by === 'project' ? scope.projectNo : undefined,
      },
      cfg,
    );
    if (!target) return false;
    await this.workOrders.merge(tx, t.id, target.id, {
      // The source hears this reason: it names no other citizen's ticket (the event keeps the ids).
      reason: '与已受理的同一事项合并办理',
      directoryVersion,
      data: { similarity: target.similarity, intoExternalId: target.externalId, intoSource: target.source, into: target.id, scope: scope.by },
      locked,
    });
    return true;
  }

  /** 补充 / 催办 / 撤诉 from the citizen: recorded at intake; the work order reacts (units' systems hear of it). */
  private async citizenEvent(tx: EntityManager, ticketId: string, payload: Record<string, unknown>): Promise<void> {
    const ev = await loadInboundEvent(tx, String(payload.inboundEventId));
    if (!ev) return;
    await this.workOrders.citizenEvent(tx, ticketId, { type: ev.type, content: ev.payload.content, payload: ev.payload });
  }
}
