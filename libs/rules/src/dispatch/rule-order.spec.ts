/**
 * 沪府办〔2020〕49号 Art. 3(二): "市级部门负责本部门……“好差评”……的办理和反馈工作"; Art. 3(三) the same for districts;
 * Art. 7(一): only the evaluated unit may object ("各级政务服务承办单位对不属于……受理范围的差评问题，可向本级政务服务
 * 主管部门提出异议申请"). So a 差评 goes to the evaluated unit before any keyword override; overrides
 * still apply to hotline complaints (Art. 4(二)).
 */
import { shanghaiDirectory } from '../directory/testing';
import { route } from './dispatch.engine';
import type { RoutingInput } from './dispatch.types';
import { DEFAULT_ORDER, EVALUATION_ORDER, ruleOrderFor } from './rule-order';

const dir = shanghaiDirectory();
const metro: Omit<RoutingInput, 'source'> = {
  title: '办事体验差',
  content: '在地铁站旁的服务窗口办理，等候太久',
  respondent: { unitCode: '310104-MARKET' },
  location: { regionCode: '310104' },
};

describe('rule order per kind of ticket (沪府办〔2020〕49号 Art. 3(二)(三), 4(二), 7)', () => {
  it('a 差评 of 310104-MARKET that mentions 地铁 stays with the evaluated unit', () => {
    const d = route({ ...metro, source: 'ywtb', kind: 'evaluation' }, dir);
    expect(d).toMatchObject({ outcome: 'unit', unitCode: '310104-MARKET', rule: 'respondent' });
    expect(d.trace[0]).toMatchObject({ step: 'rule_order', data: { order: 'evaluation', rules: [...EVALUATION_ORDER.rules] } });
    // the override is never even tried: the respondent decided first
    expect(d.trace.map((s) => s.step)).not.toContain('override');
  });

  it('the same text as a hotline complaint still follows the office’s override (地铁 → SH-TRANSPORT)', () => {
    const d = route({ ...metro, source: 'hotline', kind: 'complaint' }, dir);
    expect(d).toMatchObject({ outcome: 'unit', unitCode: 'SH-TRANSPORT', rule: 'override' });
    expect(d.trace[0].data).toMatchObject({ order: 'default' });
  });

  it('a designation beats the evaluated unit too (指定谁、谁办理)', () => {
    const d = route({ ...metro, source: 'ywtb', kind: 'evaluation', officeDesignatedUnitCode: '310104-GOV' }, dir);
    expect(d).toMatchObject({ unitCode: '310104-GOV', rule: 'designated' });
  });

  it('both orders try every rule once, designation first', () => {
    for (const o of [DEFAULT_ORDER, EVALUATION_ORDER]) {
      expect(new Set(o.rules).size).toBe(6);
      expect(o.rules[0]).toBe('designated');
    }
    expect(ruleOrderFor({ kind: 'evaluation' })).toBe(EVALUATION_ORDER);
    expect(ruleOrderFor({ kind: 'suggestion' })).toBe(DEFAULT_ORDER);
    expect(ruleOrderFor({})).toBe(DEFAULT_ORDER);
  });
});
