import type { Logger } from '@nestjs/common';
import { statusMessage } from '@hub/connectors';
import { unitWorkOrder } from '@hub/connectors/unit-systems';
import { formatInstant } from '@hub/rules/calendar';
import { formatClockDue, type ClockType, type SupervisionLevel } from '@hub/rules/deadlines';
import type { CompiledDirectory, DirectoryUnit } from '@hub/rules/directory';
import { appendEvent, openClocksOf, wireDue, writeOutbox, type ClockRow, type OutboxMessage, type Queryable, type TicketRow } from '@hub/store';
import { disclosedTo, recordDisclosures, workOrderTicket } from '../work-order-ticket';

/** How a supervision level is written for people (event data and the source's `reason`). */
const LEVEL_LABEL: Record<SupervisionLevel, string> = { unit: '承办单位', parent: '上级单位', office: '热线管理办公室' };
const CLOCK_LABEL: Partial<Record<ClockType, string>> = { contact: '先行联系时限', resolve: '办结时限', forward: '交办时限', accept: '受理时限', return: '退回国办时限' };

/** 预警: to the ticket's log and the handling unit's own system (`warning`, docs/contracts.md#unit-systems). */
export async function warnClock(tx: Queryable, t: TicketRow, c: ClockRow, dir: CompiledDirectory | undefined, tz: string, logger: Logger): Promise<void> {
  const unitCode = t.unitCode ?? c.unitCode;
  const open = await openClocksOf(tx, t.id);
  const due = wireDue(open, tz);
  await appendEvent(tx, t.id, 'warning', 'clock', {
    clock: c.type,
    clockId: c.id,
    dueDate: c.dueDate,
    due: formatClockDue(c, tz),
    unitCode,
    warnBeforeDays: c.warnBeforeDays,
  });
  const unit = unitCode ? dir?.units.get(unitCode) : undefined;
  if (unit?.endpoint) {
    const msg = unitWorkOrder(unit.code, t.id, 'warning', 'lead', due, workOrderTicket(t, 'lead'));
    await writeOutbox(tx, [withBody(msg, { clock: c.type, dueDate: c.dueDate })]);
    await recordDisclosures(tx, t.id, [disclosedTo(unit.code, t, 'lead')]);
  }
  logger.log({ ticketId: t.id, clockId: c.id, clock: c.type, dueDate: c.dueDate, unitCode }, 'clock warning');
}

/**
 * One 督办 round: the ticket's log names the level and the unit notified; the handling unit's
 * system gets `supervised` every round; the supervising unit (parent/authority, office) gets it
 * too when it has a system (masked: it does not handle the ticket, docs/contracts.md#unit-systems); the source
 * gets `supervised` (docs/contracts.md#status-event-types).
 */
export async function superviseClock(
  tx: Queryable,
  t: TicketRow,
  c: ClockRow,
  dir: CompiledDirectory | undefined,
  tz: string,
  now: Date,
  level: SupervisionLevel,
  round: number,
  skippedRounds: number,
  logger: Logger,
): Promise<void> {
  const handlingCode = t.unitCode ?? c.unitCode;
  const handling = handlingCode ? dir?.units.get(handlingCode) : undefined;
  const notified = dir ? supervisorOf(dir, handling, level) : undefined;
  const open = await openClocksOf(tx, t.id);
  const due = wireDue(open, tz);
  const clockLabel = CLOCK_LABEL[c.type] ?? c.type;
  const notifiedRef = notified ? { code: notified.code, name: notified.name } : null;
  await appendEvent(tx, t.id, 'supervised', 'clock', {
    clock: c.type,
    clockId: c.id,
    round: round + 1,
    level,
    notifiedUnit: notifiedRef,
    handlingUnit: handlingCode,
    dueDate: c.dueDate,
    skippedRounds,
  });
  const supervision = { clock: c.type, dueDate: c.dueDate, round: round + 1, level, notifiedUnit: notifiedRef };
  const msgs: Array<OutboxMessage | null> = [];
  if (handling?.endpoint) {
    msgs.push(withBody(unitWorkOrder(handling.code, t.id, 'supervised', 'lead', due, workOrderTicket(t, 'lead')), { supervision }));
    await recordDisclosures(tx, t.id, [disclosedTo(handling.code, t, 'lead')]);
  }
  if (notified && notified.code !== handling?.code && notified.endpoint) {
    // The contract's roles are lead|co; a supervisor is sent as `co` with the `supervision` block
    // saying why, and sees the ticket as one outside the handling chain (masked).
    msgs.push(withBody(unitWorkOrder(notified.code, t.id, 'supervised', 'co', due, workOrderTicket(t, 'none')), { supervision }));
  }
  const who = notified ? `${LEVEL_LABEL[level]} ${notified.name}` : LEVEL_LABEL[level];
  msgs.push(
    statusMessage(t, 'supervised', {
      occurredAt: formatInstant(now, tz),
      unit: unitRef(dir, handlingCode),
      reason: `${clockLabel}（${c.dueDate}）已超期，第${round + 1}次督办：${who}`,
    }),
  );
  await writeOutbox(tx, msgs);
  logger.log({ ticketId: t.id, clockId: c.id, clock: c.type, round: round + 1, level, notifiedUnit: notified?.code }, 'clock supervised');
}

export function unitRef(dir: CompiledDirectory | undefined, code: string | null): { code: string; name: string } | null {
  if (!code) return null;
  return { code, name: dir?.units.get(code)?.name ?? code };
}

/** The unit a supervision level reaches: the handling unit, its parent (else the authority), the office. */
export function supervisorOf(dir: CompiledDirectory, unit: DirectoryUnit | undefined, level: SupervisionLevel): DirectoryUnit | undefined {
  if (level === 'unit') return unit;
  if (level === 'office') return dir.office;
  const parent = unit?.parent ? dir.units.get(unit.parent) : undefined;
  if (parent) return parent;
  // No parent in the directory (a district government, a city line): the service authority
  // (政务服务管理部门) that supervises units at its level — the district's own if there is one.
  const authorities = [...dir.units.values()].filter((u) => u.kind === 'authority');
  const district = unit ? (dir.districtOfRegion.get(unit.region) ?? unit.region) : undefined;
  return (
    authorities.find((a) => district !== undefined && a.region === district) ??
    authorities.find((a) => a.region === dir.jurisdiction.regionCode) ??
    authorities[0]
  );
}

/** Adds fields to a work order's body (contracts: extra fields are ignored by receivers). */
function withBody(msg: OutboxMessage, extra: Record<string, unknown>): OutboxMessage {
  return { ...msg, payload: { ...msg.payload, body: { ...(msg.payload.body ?? {}), ...extra } } };
}

