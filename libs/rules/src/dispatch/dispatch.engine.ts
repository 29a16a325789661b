import {
  districtOf,
  isInJurisdiction,
  isRegionCode,
  type CompiledDirectory,
  type DirectoryUnit,
  type Level,
} from '../directory';
import type {
  DisputeReasonCode,
  RoutingDecision,
  RoutingInput,
  RoutingRule,
  TraceStep,
  TraceStepName,
  TraceValue,
} from './dispatch.types';
import { findOverride } from './override.matcher';
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

interface RouteContext {
  readonly ticket: RoutingInput;
  readonly dir: CompiledDirectory;
  readonly trace: TraceStep[];
  /** codes the ticket carries that the directory does not know, for the dispute reason */
  readonly unknownCodes: string[];
}

interface Choice {
  rule: RoutingRule;
  unit: DirectoryUnit;
}

/** Where the ticket is, as far as 属地管理 needs: its district, or why it has none. */
interface Place {
  regionCode?: string;
  district?: string;
  problem?: DisputeReasonCode;
  problemText?: string;
}

function step(
  ctx: RouteContext,
  name: TraceStepName,
  result: TraceStep['result'],
  detail: string,
  data: Record<string, TraceValue> = {},
): void {
  ctx.trace.push({ step: name, result, detail, data });
}

function label(unit: DirectoryUnit): string {
  return `${unit.name}（${unit.code}）`;
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The hotline office runs the dispute queue; it is never a handling unit, so a rule that names it
 * falls through (and, if nothing else fits, the ticket lands with the office anyway).
 */
function handlingUnit(dir: CompiledDirectory, code: string): DirectoryUnit | undefined {
  const unit = dir.units.get(code);
  return unit && unit.kind !== 'office' ? unit : undefined;
}

function locate(ctx: RouteContext): Place {
  const { dir } = ctx;
  const regionCode = present(ctx.ticket.location?.regionCode);
  if (regionCode === undefined) {
    const problemText = '工单未提供地点';
    step(ctx, 'location', 'skipped', `${problemText}，无法按属地确定区级承办单位`);
    return { problem: 'no_location', problemText };
  }
  if (!isRegionCode(regionCode)) {
    ctx.unknownCodes.push(`地区 ${regionCode}`);
    const problemText = `地区编码 "${regionCode}" 格式不正确（应为 6、9 或 12 位数字）`;
    step(ctx, 'location', 'no_match', problemText, { regionCode });
    return { regionCode, problem: 'unknown_region', problemText };
  }
  if (!isInJurisdiction(dir, regionCode)) {
    ctx.unknownCodes.push(`地区 ${regionCode}`);
    const problemText = `地区 ${regionCode} 不在本目录（${dir.jurisdiction.name}）的区划内`;
    step(ctx, 'location', 'no_match', problemText, { regionCode, jurisdiction: dir.jurisdiction.regionCode });
    return { regionCode, problem: 'unknown_region', problemText };
  }
  const district = districtOf(dir, regionCode);
  if (district === undefined) {
    const problemText = `地点仅到${dir.jurisdiction.name}（${regionCode}），无所属区`;
    step(ctx, 'location', 'no_match', problemText, { regionCode });
    return { regionCode, problem: 'no_district', problemText };
  }
  const districtName = dir.regions.get(district)?.name ?? district;
  step(ctx, 'location', 'matched', `地点 ${regionCode} 属于${districtName}（${district}）`, {
    regionCode,
    districtCode: district,
  });
  return { regionCode, district };
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

function serviceItemLine(ctx: RouteContext, place: Place): Choice | undefined {
  const code = present(ctx.ticket.serviceItemCode);
  if (code === undefined) {
    step(ctx, 'service_item_line', 'skipped', '未提供事项编码');
    return undefined;
  }
  const item = ctx.dir.serviceItems.get(code);
  if (!item) {
    ctx.unknownCodes.push(`事项 ${code}`);
    step(ctx, 'service_item_line', 'no_match', `事项编码 ${code} 不在事项目录中`, { serviceItemCode: code });
    return undefined;
  }
  return byLine(ctx, place, 'service_item_line', `事项“${item.name}”（${code}）`, item.line, item.level, {
    serviceItemCode: code,
  });
}

function categoryLine(ctx: RouteContext, place: Place): Choice | undefined {
  const code = present(ctx.ticket.categoryCode);
  if (code === undefined) {
    step(ctx, 'category_line', 'skipped', '未提供分类编码');
    return undefined;
  }
  const category = ctx.dir.categories.get(code);
  if (!category) {
    ctx.unknownCodes.push(`分类 ${code}`);
    step(ctx, 'category_line', 'no_match', `分类编码 ${code} 不在目录中`, { categoryCode: code });
    return undefined;
  }
  if (category.line === undefined) {
    step(ctx, 'category_line', 'no_match', `分类“${category.name}”（${code}）未指定主管条线`, { categoryCode: code });
    return undefined;
  }
  // A category with a line but no level is invalid; 属地管理 (district) is the safer reading.
  return byLine(ctx, place, 'category_line', `分类“${category.name}”（${code}）`, category.line, category.level ?? 'district', {
    categoryCode: code,
  });
}

/** 谁主管、谁负责, 以条为主; 分级负责 picks the city unit or the branch where the power sits. */
function byLine(
  ctx: RouteContext,
  place: Place,
  rule: 'service_item_line' | 'category_line',
  what: string,
  lineCode: string,
  level: Level,
  codes: Record<string, string>,
): Choice | undefined {
  const { dir } = ctx;
  const line = dir.lines.get(lineCode);
  const data: Record<string, TraceValue> = { ...codes, line: lineCode, level };
  if (!line) {
    step(ctx, rule, 'no_match', `${what}的主管条线 ${lineCode} 不在目录中`, data);
    return undefined;
  }
  if (level === 'city') {
    const unit = dir.cityUnitOfLine.get(lineCode);
    if (!unit) {
      step(ctx, rule, 'no_match', `${what}由${line.name}条线市级主管，但目录中无其市级单位`, data);
      return undefined;
    }
    step(ctx, rule, 'matched', `${what}由${line.name}条线市级主管 → ${label(unit)}（谁主管、谁负责）`, {
      ...data,
      unitCode: unit.code,
    });
    return { rule, unit };
  }
  const levelText = level === 'street' ? '街镇' : '区';
  if (place.district === undefined) {
    step(ctx, rule, 'no_match', `${what}的权限在${levelText}级（${line.name}），但${place.problemText ?? '地点不明'}，无法确定分支机构`, data);
    return undefined;
  }
  const branches = dir.branchesOfLine.get(lineCode);
  let unit: DirectoryUnit | undefined;
  // Street-level power: a branch for the street itself if the directory has one, else the district's.
  if (level === 'street' && place.regionCode !== undefined && place.regionCode.length > 6) {
    unit = branches?.get(place.regionCode) ?? branches?.get(place.regionCode.slice(0, 9));
  }
  unit ??= branches?.get(place.district);
  const districtName = dir.regions.get(place.district)?.name ?? place.district;
  if (!unit) {
    step(ctx, rule, 'no_match', `${what}的权限在${levelText}级，但${line.name}条线在${districtName}（${place.district}）无分支机构`, {
      ...data,
      districtCode: place.district,
    });
    return undefined;
  }
  step(ctx, rule, 'matched', `${what}的权限在${levelText}级 → ${line.name}条线在${districtName}的分支 ${label(unit)}（谁主管、谁负责）`, {
    ...data,
    districtCode: place.district,
    unitCode: unit.code,
  });
  return { rule, unit };
}

function districtBackstop(ctx: RouteContext, place: Place): Choice | undefined {
  if (place.district === undefined) {
    step(ctx, 'district_backstop', 'no_match', `${place.problemText ?? '地点不明'}，无法由区政府托底`);
    return undefined;
  }
  const unit = ctx.dir.districtGovernments.get(place.district);
  if (!unit) {
    step(ctx, 'district_backstop', 'no_match', `目录中无 ${place.district} 的区政府`, { districtCode: place.district });
    return undefined;
  }
  step(ctx, 'district_backstop', 'matched', `无条线可承办，由属地区政府托底 → ${label(unit)}（条块结合、各区托底）`, {
    districtCode: place.district,
    unitCode: unit.code,
  });
  return { rule: 'district_backstop', unit };
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
