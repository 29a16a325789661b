import type { CompiledDirectory } from '../directory';
import type { DisputeReasonCode, RoutingDecision, RoutingInput, RoutingRule } from './dispatch.types';
import { categoryLine, districtBackstop, locate, serviceItemLine } from './line-rules';
import { findOverride } from './override.matcher';
import { handlingUnit, label, present, step, type Choice, type Place, type RouteContext } from './route-context';
import { ruleOrderFor } from './rule-order';

/**
 * Decides who handles a ticket (转送, 沪府办〔2020〕49号 Art. 4(二); Yunnan Measures Art. 5). The rules are tried in this
 * order and the first that names a unit wins:
 *
 * (This is the default order; a 差评 tries the respondent — the evaluated unit — before the
 * overrides: rule-order.ts. The first trace step, `rule_order`, says which order was used.)
 *
 * 1. designated – 指定谁、谁办理: the hotline office's designation, then the upstream's unit code,
 *    then (national transfers) the exact unit name. It comes first because a designation is a
 *    decision someone already took for this very ticket; and a designated unit cannot object again
 *    (沪府办〔2020〕49号 Art. 7), so nothing automatic may undo it.
 * 2. override – the office's standing rules in the directory. They are written to correct what the
 *    general rules would do (e.g. airport noise goes to the city, not the district), so they come
 *    before the respondent and line rules, but after a designation for one ticket.
 * 3. respondent – 谁审批、谁负责 (Yunnan Measures Art. 5): the unit complained about is a known unit.
 * 4. service_item_line, then category_line – 谁主管、谁负责, 以条为主 (沪府办〔2020〕49号 Art. 4(二)): the competent
 *    line's city unit when the power sits at city level, else its branch in the ticket's district.
 * 5. district_backstop – 各区托底: the district government of the location.
 * 6. otherwise the dispute queue: 争议事项由热线管理办公室指定转送.
 *
 * Unknown codes never throw: each is written into the trace and the ticket falls through to the
 * next rule, ending in the dispute queue with the reason when nothing else fits.
 * Pure: the same ticket and directory give the same decision.
 */
export function route(ticket: RoutingInput, dir: CompiledDirectory): RoutingDecision {
  const ctx: RouteContext = { ticket, dir, trace: [], unknownCodes: [] };
  const order = ruleOrderFor(ticket);
  step(ctx, 'rule_order', 'matched', `规则顺序（${order.name === 'evaluation' ? '差评' : '一般'}）：${order.basis}`, {
    order: order.name,
    rules: [...order.rules],
  });
  const place = locate(ctx);
  const tries: Record<RoutingRule, () => Choice | undefined> = {
    designated: () => designated(ctx),
    override: () => overridden(ctx),
    respondent: () => respondent(ctx),
    service_item_line: () => serviceItemLine(ctx, place),
    category_line: () => categoryLine(ctx, place),
    district_backstop: () => districtBackstop(ctx, place),
  };
  let chosen: Choice | undefined;
  for (const rule of order.rules) {
    chosen = tries[rule]();
    if (chosen) break;
  }
  if (chosen) {
    return {
      outcome: 'unit',
      unitCode: chosen.unit.code,
      unitName: chosen.unit.name,
      rule: chosen.rule,
      directoryVersion: dir.version,
      trace: ctx.trace,
    };
  }
  return dispute(ctx, place);
}

function designated(ctx: RouteContext): Choice | undefined {
  const { ticket, dir } = ctx;
  const attempts: { by: 'office' | 'upstream_code' | 'upstream_name'; value: string }[] = [];
  const office = present(ticket.officeDesignatedUnitCode);
  const code = present(ticket.designatedUnitCode);
  const name = present(ticket.designatedUnitName);
  if (office !== undefined) attempts.push({ by: 'office', value: office });
  if (code !== undefined) attempts.push({ by: 'upstream_code', value: code });
  if (name !== undefined) attempts.push({ by: 'upstream_name', value: name });
  if (attempts.length === 0) {
    step(ctx, 'designated', 'skipped', '无指定承办单位');
    return undefined;
  }
  for (const { by, value } of attempts) {
    const who = by === 'office' ? '热线管理办公室指定' : '来件指定';
    if (by === 'upstream_name') {
      // National transfers name the unit, not its code: only an exact, unambiguous name counts.
      const unit = dir.unitsByName.get(value);
      if (unit && unit.kind !== 'office') {
        step(ctx, 'designated', 'matched', `${who}承办单位名称“${value}”→ ${label(unit)}（指定谁、谁办理）`, {
          by,
          unitName: value,
          unitCode: unit.code,
        });
        return { rule: 'designated', unit };
      }
      const why = unit === null ? '对应目录中多个单位' : unit ? '是热线管理办公室，不作为承办单位' : '不在目录中';
      step(ctx, 'designated', 'no_match', `${who}承办单位名称“${value}”${why}`, { by, unitName: value });
      continue;
    }
    const unit = handlingUnit(dir, value);
    if (unit) {
      step(ctx, 'designated', 'matched', `${who}承办单位 ${label(unit)}（指定谁、谁办理）`, { by, unitCode: unit.code });
      return { rule: 'designated', unit };
    }
    if (!dir.units.has(value)) ctx.unknownCodes.push(`指定单位 ${value}`);
    const why = dir.units.has(value) ? '是热线管理办公室，不作为承办单位' : '不在目录中';
    step(ctx, 'designated', 'no_match', `${who}承办单位编码 ${value} ${why}`, { by, unitCode: value });
  }
  return undefined;
}

function overridden(ctx: RouteContext): Choice | undefined {
  const { dir } = ctx;
  if (dir.overrides.length === 0) {
    step(ctx, 'override', 'skipped', '目录未设置派单规则');
    return undefined;
  }
  const o = findOverride(ctx.ticket, dir);
  if (!o) {
    step(ctx, 'override', 'no_match', `${dir.overrides.length} 条派单规则均不适用`, { overrides: dir.overrides.length });
    return undefined;
  }
  const unit = handlingUnit(dir, o.unitCode);
  const data = { overrideId: o.id, unitCode: o.unitCode, conditions: o.conditions };
  if (!unit) {
    step(ctx, 'override', 'no_match', `派单规则 ${o.id} 指向的单位 ${o.unitCode} 不是目录中的承办单位`, data);
    return undefined;
  }
  const note = o.note ? `：${o.note}` : '';
  step(ctx, 'override', 'matched', `符合派单规则 ${o.id}${note} → ${label(unit)}`, data);
  return { rule: 'override', unit };
}

function respondent(ctx: RouteContext): Choice | undefined {
  const { dir } = ctx;
  const code = present(ctx.ticket.respondent?.unitCode);
  const name = present(ctx.ticket.respondent?.name);
  if (code === undefined && name === undefined) {
    step(ctx, 'respondent', 'skipped', '未指明被投诉单位');
    return undefined;
  }
  if (code !== undefined) {
    const unit = handlingUnit(dir, code);
    if (unit) {
      step(ctx, 'respondent', 'matched', `被投诉单位 ${label(unit)}（谁审批、谁负责）`, { respondentUnitCode: code });
      return { rule: 'respondent', unit };
    }
    if (!dir.units.has(code)) ctx.unknownCodes.push(`被投诉单位 ${code}`);
    const why = dir.units.has(code) ? '是热线管理办公室，不作为承办单位' : '不在目录中';
    step(ctx, 'respondent', 'no_match', `被投诉单位编码 ${code} ${why}`, { respondentUnitCode: code });
  }
  if (name !== undefined) {
    // The respondent's name is free text: it counts only when it is exactly one unit's name.
    const unit = dir.unitsByName.get(name);
    if (unit && unit.kind !== 'office') {
      step(ctx, 'respondent', 'matched', `被投诉单位“${name}”→ ${label(unit)}（谁审批、谁负责）`, {
        respondentName: name,
        respondentUnitCode: unit.code,
      });
      return { rule: 'respondent', unit };
    }
    const why = unit === null ? '对应目录中多个单位' : '不是目录中的承办单位名称';
    step(ctx, 'respondent', 'no_match', `被投诉单位“${name}”${why}`, { respondentName: name });
  }
  return undefined;
}

function dispute(ctx: RouteContext, place: Place): RoutingDecision {
  const reasonCode: DisputeReasonCode = place.problem ?? 'no_district_government';
  const cause = place.problemText ?? `目录中无 ${place.district ?? ''} 的区政府`;
  const unknown = ctx.unknownCodes.length > 0 ? `；目录中未找到：${ctx.unknownCodes.join('、')}` : '';
  const reason = `无法自动确定承办单位（${cause}${unknown}），转热线管理办公室指定`;
  step(ctx, 'dispute', 'matched', reason, {
    reasonCode,
    unknownCodes: [...ctx.unknownCodes],
    officeUnitCode: ctx.dir.office?.code ?? null,
  });
  return { outcome: 'dispute', reasonCode, reason, directoryVersion: ctx.dir.version, trace: ctx.trace };
}
