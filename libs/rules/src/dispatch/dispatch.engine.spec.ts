import { compileDirectory, type CompiledDirectory } from '../directory';
import { shanghaiDirectory, shanghaiDocument } from '../directory/testing';
import { route } from './dispatch.engine';
import type { DisputeReasonCode, RoutingDecision, RoutingInput, RoutingRule } from './dispatch.types';

/**
 * Routing over the Shanghai example directory (data/shanghai-directory.json, version
 * 2026-11-demo). Facts of the data the expectations rely on:
 * - every district has a branch of market, housing, hrss, health, medicare, education, ecology,
 *   urban, greening, civil, police, tax and planning (unit code `<district>-<LINE>`);
 * - construction has no branch in 崇明 310151; water has branches only in 310112–310151 (none in
 *   the 7 central districts 310101–310110); transport, fund and bigdata are city-only;
 * - categories without a line: the top-level codes (01, 02, 03, …), 1302 窗口服务 and 9901 其他事项;
 *   city-level categories: 0204 (fund), 0603 (education), 0902 (police), 1001/1002 (transport), 1301 (bigdata);
 * - service items: 310000-GA-CRJ-001 police/city, 310000-RS-SB-001 hrss/city, 310000-GJJ-TQ-001
 *   fund/city, 310000-DSJ-YW-001 bigdata/city, the others district-level (SCJG market, JS
 *   construction, JY education, YB medicare, …);
 * - ov-airport-noise: category 0703 + region prefix 310115 + (机场|航班) → SH-ECOLOGY;
 *   ov-metro: (地铁|轨道交通) → SH-TRANSPORT.
 */
const dir = shanghaiDirectory();

function input(fields: Partial<RoutingInput>): RoutingInput {
  return { source: 'hotline', title: '市民来电', content: '请有关部门核实处理。', ...fields };
}
const at = (regionCode: string): Pick<RoutingInput, 'location'> => ({ location: { regionCode } });

type Expected = { unit: string; rule: RoutingRule } | { dispute: DisputeReasonCode };
type Case = [name: string, ticket: Partial<RoutingInput>, expected: Expected];

const cases: Case[] = [
  // 1. designated (指定谁、谁办理)
  ['designated by code', { designatedUnitCode: '310104-MARKET', categoryCode: '0701', ...at('310115') }, { unit: '310104-MARKET', rule: 'designated' }],
  ['office designation before the upstream one', { officeDesignatedUnitCode: 'SH-HOUSING', designatedUnitCode: '310101-MARKET' }, { unit: 'SH-HOUSING', rule: 'designated' }],
  ['national transfer designates by exact unit name', { source: 'national', designatedUnitName: '浦东新区教育局', categoryCode: '0101', ...at('310112') }, { unit: '310115-EDUCATION', rule: 'designated' }],
  ['unknown unit name falls through to the category line', { source: 'national', designatedUnitName: '浦东新区教育委员会', categoryCode: '0601', ...at('310115') }, { unit: '310115-EDUCATION', rule: 'category_line' }],
  ['unknown designated code, nothing else → dispute', { designatedUnitCode: 'SH-NOPE' }, { dispute: 'no_location' }],
  ['designation beats a matching override', { designatedUnitCode: '310115-ECOLOGY', categoryCode: '0703', title: '浦东机场飞机噪声', ...at('310115') }, { unit: '310115-ECOLOGY', rule: 'designated' }],
  ['the hotline office is not a handling unit', { designatedUnitCode: 'SH-12345', categoryCode: '0101', ...at('310112') }, { unit: '310112-MARKET', rule: 'category_line' }],
  ['unknown office designation falls to the upstream one', { officeDesignatedUnitCode: 'XX', designatedUnitCode: '310101-TAX' }, { unit: '310101-TAX', rule: 'designated' }],

  // 2. overrides
  ['ov-airport-noise: 机场 in title', { categoryCode: '0703', title: '浦东机场飞机起降噪声扰民', ...at('310115') }, { unit: 'SH-ECOLOGY', rule: 'override' }],
  ['ov-airport-noise: 航班 in content, 12-digit street code', { categoryCode: '0703', content: '夜间航班噪声很大', ...at('310115001001') }, { unit: 'SH-ECOLOGY', rule: 'override' }],
  ['ov-airport-noise not matching: region 闵行', { categoryCode: '0703', title: '虹桥机场噪声', ...at('310112') }, { unit: '310112-ECOLOGY', rule: 'category_line' }],
  ['ov-airport-noise not matching: no keyword', { categoryCode: '0703', title: '工厂夜间噪声', ...at('310115') }, { unit: '310115-ECOLOGY', rule: 'category_line' }],
  ['ov-airport-noise not matching: other category', { categoryCode: '0701', title: '机场附近废气', ...at('310115') }, { unit: '310115-ECOLOGY', rule: 'category_line' }],
  ['ov-airport-noise not matching: no location', { categoryCode: '0703', title: '机场噪声' }, { dispute: 'no_location' }],
  ['ov-metro: 地铁 in title', { categoryCode: '1001', title: '地铁站扶梯故障' }, { unit: 'SH-TRANSPORT', rule: 'override' }],
  ['ov-metro: 轨道交通 in content beats the category line', { categoryCode: '0101', content: '轨道交通11号线站内商铺食品过期', ...at('310112') }, { unit: 'SH-TRANSPORT', rule: 'override' }],
  ['ov-metro applies to any source', { source: 'national', title: '地铁换乘不便', ...at('310104') }, { unit: 'SH-TRANSPORT', rule: 'override' }],
  ['ov-metro beats the respondent', { respondent: { unitCode: '310101-MARKET' }, content: '地铁站附近商家', ...at('310101') }, { unit: 'SH-TRANSPORT', rule: 'override' }],
  ['both overrides hold: the more specific airport one wins', { categoryCode: '0703', title: '机场噪声', content: '地铁口也能听见', ...at('310115') }, { unit: 'SH-ECOLOGY', rule: 'override' }],
  ['ov-metro not matching: 地下通道', { categoryCode: '9901', title: '地下通道照明不足', ...at('310104') }, { unit: '310104-GOV', rule: 'district_backstop' }],

  // 3. respondent (谁审批、谁负责)
  ['respondent unit code', { respondent: { unitCode: '310106-HOUSING' }, categoryCode: '0101', ...at('310112') }, { unit: '310106-HOUSING', rule: 'respondent' }],
  ['respondent by exact name', { respondent: { name: '上海市公积金管理中心' } }, { unit: 'SH-FUND', rule: 'respondent' }],
  ['unknown respondent code falls to the category line', { respondent: { unitCode: 'SH-XXX' }, categoryCode: '0201', ...at('310107') }, { unit: '310107-HOUSING', rule: 'category_line' }],
  ['差评 names the unit that served', { source: 'ywtb', respondent: { unitCode: '310115-MARKET' }, serviceItemCode: '310000-SCJG-DJ-002' }, { unit: '310115-MARKET', rule: 'respondent' }],
  ['respondent name that is not a unit falls through', { respondent: { name: '某某物业公司' }, categoryCode: '0201', ...at('310109') }, { unit: '310109-HOUSING', rule: 'category_line' }],

  // 4a. service item line
  ['city-level item → the line city unit, before the category', { serviceItemCode: '310000-GA-CRJ-001', categoryCode: '0903', ...at('310101') }, { unit: 'SH-POLICE', rule: 'service_item_line' }],
  ['district-level item → the branch in the district', { serviceItemCode: '310000-SCJG-XK-001', ...at('310115') }, { unit: '310115-MARKET', rule: 'service_item_line' }],
  ['item line without branch, category same line → backstop', { serviceItemCode: '310000-JS-SG-001', categoryCode: '0301', ...at('310151') }, { unit: '310151-GOV', rule: 'district_backstop' }],
  ['item line without branch → category line', { serviceItemCode: '310000-JS-SG-001', categoryCode: '0303', ...at('310151') }, { unit: '310151-URBAN', rule: 'category_line' }],
  ['district-level item without location → city-level category', { serviceItemCode: '310000-YB-BX-001', categoryCode: '0204' }, { unit: 'SH-FUND', rule: 'category_line' }],
  ['city-level item needs no location', { serviceItemCode: '310000-GJJ-TQ-001' }, { unit: 'SH-FUND', rule: 'service_item_line' }],
  ['district-level item at a 9-digit street code', { serviceItemCode: '310000-JY-RX-001', ...at('310112003') }, { unit: '310112-EDUCATION', rule: 'service_item_line' }],
  ['unknown item → category line', { serviceItemCode: '310000-XX-001', categoryCode: '0102', ...at('310113') }, { unit: '310113-MARKET', rule: 'category_line' }],
  ['bigdata item → city unit', { serviceItemCode: '310000-DSJ-YW-001', ...at('310117') }, { unit: 'SH-BIGDATA', rule: 'service_item_line' }],
  ['city hrss item wins over the district hrss category', { serviceItemCode: '310000-RS-SB-001', categoryCode: '0402', ...at('310120') }, { unit: 'SH-HRSS', rule: 'service_item_line' }],
  ['district-level item without location, district category → dispute', { serviceItemCode: '310000-SCJG-XK-001', categoryCode: '0101' }, { dispute: 'no_location' }],

  // 4b. category line
  ['district category → branch', { categoryCode: '0101', ...at('310101') }, { unit: '310101-MARKET', rule: 'category_line' }],
  ['district category at a 9-digit street code', { categoryCode: '0201', ...at('310115007') }, { unit: '310115-HOUSING', rule: 'category_line' }],
  ['district category at a 12-digit code', { categoryCode: '0101', ...at('310104001002') }, { unit: '310104-MARKET', rule: 'category_line' }],
  ['water has a branch in 闵行', { categoryCode: '0305', ...at('310112') }, { unit: '310112-WATER', rule: 'category_line' }],
  ['water has no branch in 黄浦 → district backstop', { categoryCode: '0305', ...at('310101') }, { unit: '310101-GOV', rule: 'district_backstop' }],
  ['construction has no branch in 崇明 → district backstop', { categoryCode: '0301', ...at('310151') }, { unit: '310151-GOV', rule: 'district_backstop' }],
  ['city category ignores the district', { categoryCode: '0603', ...at('310110') }, { unit: 'SH-EDUCATION', rule: 'category_line' }],
  ['city category without location', { categoryCode: '1002' }, { unit: 'SH-TRANSPORT', rule: 'category_line' }],
  ['city category 0204 → fund', { categoryCode: '0204', ...at('310106') }, { unit: 'SH-FUND', rule: 'category_line' }],
  ['city category at a city-only location', { categoryCode: '0902', ...at('310000') }, { unit: 'SH-POLICE', rule: 'category_line' }],
  ['hrss branch in 崇明', { categoryCode: '0403', ...at('310151') }, { unit: '310151-HRSS', rule: 'category_line' }],

  // 5. district backstop (各区托底)
  ['top-level category without line', { categoryCode: '03', ...at('310105') }, { unit: '310105-GOV', rule: 'district_backstop' }],
  ['1302 窗口服务 has no line', { categoryCode: '1302', ...at('310117') }, { unit: '310117-GOV', rule: 'district_backstop' }],
  ['unknown category → backstop', { categoryCode: '0999', ...at('310118') }, { unit: '310118-GOV', rule: 'district_backstop' }],
  ['no category, no item', { ...at('310120') }, { unit: '310120-GOV', rule: 'district_backstop' }],
  ['backstop at a street code', { categoryCode: '9901', ...at('310114002') }, { unit: '310114-GOV', rule: 'district_backstop' }],

  // 6. dispute
  ['no line, no location', { categoryCode: '9901' }, { dispute: 'no_location' }],
  ['district category, no location', { categoryCode: '0101' }, { dispute: 'no_location' }],
  ['district category at the city-only code 310000', { categoryCode: '0101', ...at('310000') }, { dispute: 'no_district' }],
  ['location in another province', { categoryCode: '0101', ...at('320101') }, { dispute: 'unknown_region' }],
  ['district code not in the directory', { categoryCode: '0101', ...at('310199') }, { dispute: 'unknown_region' }],
  ['malformed region code', { categoryCode: '0101', ...at('3101') }, { dispute: 'unknown_region' }],
  ['unknown category and unknown item without location', { categoryCode: '0999', serviceItemCode: 'NOPE' }, { dispute: 'no_location' }],
];


describe('route over the Shanghai directory', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)('%s', (_name, fields, expected) => {
    const decision = route(input(fields), dir);
    if ('unit' in expected) {
      expect(decision).toMatchObject({ outcome: 'unit', unitCode: expected.unit, rule: expected.rule });
      if (decision.outcome === 'unit') expect(decision.unitName).toBe(dir.units.get(expected.unit)?.name);
    } else {
      expect(decision).toMatchObject({ outcome: 'dispute', reasonCode: expected.dispute });
    }
    expect(decision.directoryVersion).toBe('2026-11-demo');
    expectWellFormedTrace(decision);
  });

  it('explains a district-branch decision step by step', () => {
    const decision = route(input({ serviceItemCode: '310000-JS-SG-001', categoryCode: '0303', ...at('310151') }), dir);
    expect(decision.trace.map((s) => [s.step, s.result])).toEqual([
      ['rule_order', 'matched'],
      ['location', 'matched'],
      ['designated', 'skipped'],
      ['override', 'no_match'],
      ['respondent', 'skipped'],
      ['service_item_line', 'no_match'],
      ['category_line', 'matched'],
    ]);
    expect(decision.trace[5].data).toEqual({
      serviceItemCode: '310000-JS-SG-001',
      line: 'construction',
      level: 'district',
      districtCode: '310151',
    });
    expect(decision.trace[6].data).toEqual({
      categoryCode: '0303',
      line: 'urban',
      level: 'district',
      districtCode: '310151',
      unitCode: '310151-URBAN',
    });
    expect(decision.trace[6].detail).toContain('崇明区城市管理行政执法局');
  });

  it('records the override that matched', () => {
    const decision = route(input({ categoryCode: '0703', title: '机场噪声', ...at('310115') }), dir);
    expect(decision.trace.find((s) => s.step === 'override')).toEqual({
      step: 'override',
      result: 'matched',
      detail: expect.stringContaining('ov-airport-noise'),
      data: { overrideId: 'ov-airport-noise', unitCode: 'SH-ECOLOGY', conditions: ['categoryCode', 'regionCode', 'keywords'] },
    });
  });

  it('keeps every unknown code in the trace and in the dispute reason', () => {
    const decision = route(
      input({ designatedUnitCode: 'SH-NOPE', respondent: { unitCode: 'R-NOPE' }, serviceItemCode: 'I-NOPE', categoryCode: 'C-NOPE', ...at('319999') }),
      dir,
    );
    expect(decision.outcome).toBe('dispute');
    if (decision.outcome !== 'dispute') return;
    expect(decision.reasonCode).toBe('unknown_region');
    for (const code of ['SH-NOPE', 'R-NOPE', 'I-NOPE', 'C-NOPE', '319999']) expect(decision.reason).toContain(code);
    expect(decision.trace.at(-1)?.data.unknownCodes).toEqual(['地区 319999', '指定单位 SH-NOPE', '被投诉单位 R-NOPE', '事项 I-NOPE', '分类 C-NOPE']);
    expect(decision.trace.at(-1)?.data.officeUnitCode).toBe('SH-12345');
  });

  it('never throws on odd input', () => {
    const odd: Partial<RoutingInput>[] = [
      { location: { regionCode: '' } },
      { categoryCode: '', serviceItemCode: '', designatedUnitCode: '   ', respondent: {} },
      { title: '', content: '' },
    ];
    for (const fields of odd) expect(() => route(input(fields), dir)).not.toThrow();
  });

  it('is deterministic', () => {
    const t = input({ categoryCode: '0101', content: '轨道交通', ...at('310101') });
    expect(route(t, dir)).toEqual(route(t, dir));
  });
});

describe('route over changed directories', () => {
  function withChange(change: (doc: ReturnType<typeof shanghaiDocument>) => void): CompiledDirectory {
    const doc = shanghaiDocument();
    change(doc);
    return compileDirectory(doc);
  }

  it('sends a district without government to the dispute queue', () => {
    const d = withChange((doc) => (doc.units = doc.units.filter((u) => u.code !== '310151-GOV')));
    expect(route(input({ categoryCode: '9901', ...at('310151') }), d)).toMatchObject({
      outcome: 'dispute',
      reasonCode: 'no_district_government',
    });
  });

  it('uses a street-level branch for a street-level power when the directory has one', () => {
    const d = withChange((doc) => {
      doc.regions.push({ code: '310115001', name: '潍坊新村街道', parent: '310115' });
      doc.units.push({ code: '310115001-URBAN', name: '潍坊新村街道城管中队', kind: 'line', level: 'street', line: 'urban', region: '310115001', parent: '310115-URBAN' });
      doc.categories.push({ code: '0305X', name: '街面秩序', line: 'urban', level: 'street' });
    });
    expect(route(input({ categoryCode: '0305X', ...at('310115001') }), d)).toMatchObject({ unitCode: '310115001-URBAN', rule: 'category_line' });
    expect(route(input({ categoryCode: '0305X', ...at('310115002') }), d)).toMatchObject({ unitCode: '310115-URBAN', rule: 'category_line' });
  });

  it('tries overrides by specificity, then file order', () => {
    const d = withChange((doc) => {
      doc.overrides = [
        { id: 'broad', when: { keywords: ['噪声'] }, unit: 'SH-ECOLOGY' },
        { id: 'narrow', when: { keywords: ['噪声'], regionCode: '310112' }, unit: '310112-GOV' },
        { id: 'narrow-later', when: { keywords: ['噪声'], regionCode: '310112' }, unit: '310112-ECOLOGY' },
        { id: 'by-source', when: { source: 'ywtb', serviceItemCode: '310000-SW-SB-001' }, unit: 'SH-TAX' },
      ];
    });
    expect(d.overrides.map((o) => o.id)).toEqual(['narrow', 'narrow-later', 'by-source', 'broad']);
    expect(route(input({ title: '噪声', ...at('310112') }), d)).toMatchObject({ unitCode: '310112-GOV', rule: 'override' });
    expect(route(input({ title: '噪声', ...at('310101') }), d)).toMatchObject({ unitCode: 'SH-ECOLOGY', rule: 'override' });
    expect(route(input({ source: 'ywtb', serviceItemCode: '310000-SW-SB-001', ...at('310101') }), d)).toMatchObject({
      unitCode: 'SH-TAX',
      rule: 'override',
    });
    expect(route(input({ source: 'hotline', serviceItemCode: '310000-SW-SB-001', ...at('310101') }), d)).toMatchObject({
      unitCode: '310101-TAX',
      rule: 'service_item_line',
    });
  });

  it('skips the override step when the directory has none', () => {
    const d = withChange((doc) => delete doc.overrides);
    const decision = route(input({ title: '地铁', categoryCode: '0101', ...at('310101') }), d);
    expect(decision).toMatchObject({ unitCode: '310101-MARKET', rule: 'category_line' });
    expect(decision.trace.find((s) => s.step === 'override')?.result).toBe('skipped');
  });
});

function expectWellFormedTrace(decision: RoutingDecision): void {
  const steps = decision.trace.map((s) => s.step);
  expect(steps[0]).toBe('rule_order');
  expect(steps[1]).toBe('location');
  const order = [...(decision.trace[0].data.rules as readonly string[])];
  const positions = steps.slice(2).map((s) => [...order, 'dispute'].indexOf(s));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  const last = decision.trace[decision.trace.length - 1];
  expect(last.result).toBe('matched');
  expect(last.step).toBe(decision.outcome === 'unit' ? decision.rule : 'dispute');
  for (const s of decision.trace) expect(s.detail.length).toBeGreaterThan(0);
}
