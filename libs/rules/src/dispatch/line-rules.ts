/**
 * The territorial rules of route() (dispatch.engine.ts): where the ticket is (属地), the competent
 * line's unit for its service item or category (谁主管、谁负责, 以条为主; 分级负责 picks the city unit
 * or the branch where the power sits), and the district government as the backstop (各区托底).
 */
import { districtOf, isInJurisdiction, isRegionCode, type DirectoryUnit, type Level } from '../directory';
import type { TraceValue } from './dispatch.types';
import { label, present, step, type Choice, type Place, type RouteContext } from './route-context';

/** The ticket's district (属地), or why it has none; either goes into the trace. */
export function locate(ctx: RouteContext): Place {
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

export function serviceItemLine(ctx: RouteContext, place: Place): Choice | undefined {
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

export function categoryLine(ctx: RouteContext, place: Place): Choice | undefined {
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

export function districtBackstop(ctx: RouteContext, place: Place): Choice | undefined {
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
