import { shanghaiDirectory } from '../directory/testing';
import type { CanonicalTicket } from '../model/ticket';
import { checkIntake, hashCitizenId, hashPhone, meaningfulLength } from './intake.checker';
import { DEFAULT_INTAKE_CONFIG, type ExcludedMatter, type IntakeConfig } from './intake.types';
import { makeTicket } from './testing';

const dir = shanghaiDirectory();

function national(fields: Partial<CanonicalTicket> = {}): CanonicalTicket {
  return makeTicket({
    source: 'national',
    sourceRecord: 'transfer',
    kind: 'complaint',
    channel: 'national',
    title: '反映办事窗口推诿',
    content: '群众反映在区行政服务中心办理不动产登记时被多次要求补件。',
    location: { regionCode: '310115' },
    national: { level: 'general', transferredAt: '2026-11-20T09:00:00+08:00' },
    ...fields,
  });
}

const ID = '110101199003074514';
const withMatters = (...excludedMatters: ExcludedMatter[]): IntakeConfig => ({ ...DEFAULT_INTAKE_CONFIG, excludedMatters });

describe('checkIntake: national transfers (return within 5 working days, 沪府办〔2020〕49号 Art. 4(一))', () => {
  it('accepts a complete transfer inside the jurisdiction', () => {
    expect(checkIntake(national(), dir)).toBe('accept');
  });

  it.each([
    ['a street code inside a district', '310115001'],
    ['a 12-digit code', '310104001002'],
    ['the jurisdiction code itself', '310000'],
  ])('accepts %s', (_name, regionCode) => {
    expect(checkIntake(national({ location: { regionCode } }), dir)).toBe('accept');
  });

  it.each<[string, Partial<CanonicalTicket>, string]>([
    ['no region code', { location: undefined }, '缺少行政区划代码'],
    ['a malformed region code', { location: { regionCode: '3101' } }, '行政区划代码 "3101" 格式不正确'],
    ['a blank title', { title: '  ' }, '缺少标题'],
    ['an empty content', { content: ' \n ' }, '诉求内容为空或过短'],
    ['a content of punctuation only', { content: '？？！！……' }, '诉求内容为空或过短'],
  ])('returns a transfer with %s as incomplete', (_name, fields, detail) => {
    const decision = checkIntake(national(fields), dir);
    expect(decision).toMatchObject({ action: 'return', reason: 'incomplete_elements' });
    expect(decision !== 'accept' && 'detail' in decision ? decision.detail : '').toContain(detail);
  });

  it('lists every missing element', () => {
    expect(checkIntake(national({ title: '', content: '', location: undefined }), dir)).toEqual({
      action: 'return',
      reason: 'incomplete_elements',
      detail: '要素不全：缺少标题；诉求内容为空或过短，无明确诉求；缺少行政区划代码',
    });
  });

  it.each([
    ['another province', '320101'],
    ['a Shanghai-looking district the directory does not have', '310199'],
    ['a street of another province', '330102001'],
  ])('returns a transfer located in %s as out of jurisdiction', (_name, regionCode) => {
    expect(checkIntake(national({ location: { regionCode } }), dir)).toEqual({
      action: 'return',
      reason: 'out_of_jurisdiction',
      detail: `行政区划 ${regionCode} 不在上海市（310000）事权范围内`,
    });
  });

  it('checks elements before jurisdiction', () => {
    expect(checkIntake(national({ title: '', location: { regionCode: '320101' } }), dir)).toMatchObject({
      reason: 'incomplete_elements',
    });
  });

  it('never archives nor refuses a national transfer: only accept or return exist there', () => {
    const matter: ExcludedMatter = { id: 'm1', status: 'litigation', match: { keywords: ['不动产登记'] } };
    expect(checkIntake(national({ kind: 'suggestion', categoryCode: '9901' }), dir)).toBe('accept');
    expect(checkIntake(national(), dir, withMatters(matter))).toBe('accept');
  });
});

describe('checkIntake: local tickets', () => {
  it('accepts an ordinary complaint', () => {
    expect(checkIntake(makeTicket({ categoryCode: '0101', location: { regionCode: '310101' } }), dir)).toBe('accept');
  });

  it('accepts a ticket without location: dispatch decides', () => {
    expect(checkIntake(makeTicket({ categoryCode: '0101' }), dir)).toBe('accept');
  });

  it.each(['330102', '310199', '3101'])('does not accept a ticket located at %s', (regionCode) => {
    expect(checkIntake(makeTicket({ location: { regionCode } }), dir)).toEqual({
      action: 'not_accepted',
      reasonCode: 'out_of_jurisdiction',
      reason: `诉求发生地（行政区划 ${regionCode}）不在上海市辖区内，请向当地反映`,
    });
  });

  it.each(['', '   ', '你好！', '投诉。。。', '？？？？？？'])('does not accept content %j: no identifiable request', (content) => {
    expect(checkIntake(makeTicket({ content }), dir)).toMatchObject({ action: 'not_accepted', reasonCode: 'no_request' });
  });

  it('honours the configured minimum', () => {
    const ticket = makeTicket({ content: '噪音扰民' });
    expect(checkIntake(ticket, dir)).toMatchObject({ reasonCode: 'no_request' });
    expect(checkIntake(ticket, dir, { ...DEFAULT_INTAKE_CONFIG, minContentChars: 4 })).toBe('accept');
  });

  it('accepts a 差评 without comment: the rating is the request', () => {
    const evaluation = makeTicket({ source: 'ywtb', sourceRecord: 'evaluation', kind: 'evaluation', content: '', respondent: { unitCode: '310115-MARKET' } });
    expect(checkIntake(evaluation, dir)).toBe('accept');
  });

  it('checks jurisdiction before the content', () => {
    expect(checkIntake(makeTicket({ content: '', location: { regionCode: '320101' } }), dir)).toMatchObject({
      reasonCode: 'out_of_jurisdiction',
    });
  });

  describe('matters flagged by the office (Yunnan Measures Art. 8(三)(四))', () => {
    const inCourt: ExcludedMatter = {
      id: 'matter-7',
      status: 'litigation',
      match: { respondentUnitCode: '310115-HOUSING', keywords: ['维修基金'] },
    };

    it('does not accept a ticket about a matter in litigation', () => {
      const ticket = makeTicket({ respondent: { unitCode: '310115-HOUSING' }, content: '小区维修基金使用不公开，要求说明' });
      expect(checkIntake(ticket, dir, withMatters(inCourt))).toEqual({
        action: 'not_accepted',
        reasonCode: 'in_other_proceedings',
        reason: '该事项已经或正在通过诉讼途径解决，不予受理',
        matterId: 'matter-7',
      });
    });

    it('needs every condition of the matter', () => {
      const otherUnit = makeTicket({ respondent: { unitCode: '310112-HOUSING' }, content: '小区维修基金使用不公开' });
      const otherTopic = makeTicket({ respondent: { unitCode: '310115-HOUSING' }, content: '物业公司不作为，垃圾堆放' });
      expect(checkIntake(otherUnit, dir, withMatters(inCourt))).toBe('accept');
      expect(checkIntake(otherTopic, dir, withMatters(inCourt))).toBe('accept');
    });

    it('identifies the citizen by hashed ID number and phone', () => {
      const byId: ExcludedMatter = { id: 'm-id', status: 'arbitration', match: { citizenIdHash: hashCitizenId(ID) } };
      const byPhone: ExcludedMatter = { id: 'm-ph', status: 'mediation', match: { phoneHash: hashPhone('13800138000') } };
      const citizen = { anonymous: false, confidential: false, idType: 'id_card' as const, idNumber: ID, phone: '+86 138-0013-8000' };
      expect(checkIntake(makeTicket({ citizen }), dir, withMatters(byId))).toMatchObject({ reasonCode: 'in_other_proceedings', matterId: 'm-id' });
      expect(checkIntake(makeTicket({ citizen }), dir, withMatters(byPhone))).toMatchObject({
        reasonCode: 'in_other_proceedings',
        reason: '该事项已经或正在通过调解途径解决，不予受理',
      });
      const stranger = { ...citizen, idNumber: '11010519491231002X', phone: '13900000000' };
      expect(checkIntake(makeTicket({ citizen: stranger }), dir, withMatters(byId, byPhone))).toBe('accept');
    });

    it('does not accept a concluded matter repeated without new evidence, but does with attachments', () => {
      const concluded: ExcludedMatter = { id: 'm-done', status: 'concluded', match: { keywords: ['违建'] } };
      expect(checkIntake(makeTicket({ content: '楼顶违建仍未拆除' }), dir, withMatters(concluded))).toEqual({
        action: 'not_accepted',
        reasonCode: 'concluded_repeat',
        reason: '该事项已经办结，无新证明材料重复投诉，不予受理',
        matterId: 'm-done',
      });
      const withEvidence = makeTicket({ content: '楼顶违建仍未拆除', attachments: [{ name: 'photo.jpg', url: 'https://x/p.jpg' }] });
      expect(checkIntake(withEvidence, dir, withMatters(concluded))).toBe('accept');
    });

    it('ignores a matter without any condition', () => {
      expect(checkIntake(makeTicket(), dir, withMatters({ id: 'empty', status: 'mediation', match: {} }))).toBe('accept');
    });
  });

  describe('archive as a general suggestion (沪府办〔2020〕49号 Art. 4(一))', () => {
    const suggestion = (fields: Partial<CanonicalTicket> = {}): CanonicalTicket =>
      makeTicket({ kind: 'suggestion', title: '关于城市发展的建议', content: '建议多建一些口袋公园，方便市民休闲。', ...fields });

    it('archives a suggestion with nothing to dispatch on', () => {
      expect(checkIntake(suggestion({ categoryCode: '9901' }), dir)).toEqual({
        action: 'archive',
        reason: '不符合转送处理条件，按一般意见建议类归档',
      });
      expect(checkIntake(suggestion({ source: 'ywtb', sourceRecord: 'suggestion', categoryCode: '02' }), dir)).toMatchObject({ action: 'archive' });
      expect(checkIntake(suggestion({ categoryCode: '0999' }), dir)).toMatchObject({ action: 'archive' });
    });

    it.each<[string, Partial<CanonicalTicket>]>([
      ['a category with a line', { categoryCode: '0802' }],
      ['a known service item', { serviceItemCode: '310000-MZ-YL-001' }],
      ['a respondent', { respondent: { name: '某区绿化所' } }],
      ['a designation', { designatedUnitCode: '310101-GREENING' }],
      ['an override that applies (ov-metro)', { categoryCode: '9901', content: '建议地铁延长运营时间' }],
    ])('dispatches a suggestion with %s', (_name, fields) => {
      expect(checkIntake(suggestion(fields), dir)).toBe('accept');
    });

    it('dispatches complaints and, by default, consultations', () => {
      expect(checkIntake(makeTicket({ kind: 'complaint', categoryCode: '9901' }), dir)).toBe('accept');
      expect(checkIntake(makeTicket({ kind: 'consultation', categoryCode: '9901' }), dir)).toBe('accept');
    });

    it('follows the office configuration', () => {
      const consultations: IntakeConfig = { ...DEFAULT_INTAKE_CONFIG, archive: { kinds: ['suggestion', 'consultation'], sources: ['hotline'] } };
      expect(checkIntake(makeTicket({ kind: 'consultation', categoryCode: '9901' }), dir, consultations)).toMatchObject({ action: 'archive' });
      expect(checkIntake(suggestion({ source: 'ywtb', categoryCode: '9901' }), dir, consultations)).toBe('accept');
      expect(checkIntake(suggestion({ categoryCode: '9901' }), dir, { ...DEFAULT_INTAKE_CONFIG, archive: null })).toBe('accept');
    });
  });
});

describe('helpers', () => {
  it('counts meaningful characters', () => {
    expect(meaningfulLength('  你好，世界！ ')).toBe(4);
    expect(meaningfulLength('A-1 b2')).toBe(4);
    expect(meaningfulLength('😀😀')).toBe(0);
  });

  it('normalises before hashing', () => {
    expect(hashCitizenId(' 11010519491231002x ')).toBe(hashCitizenId('11010519491231002X'));
    expect(hashPhone('0086 138 0013 8000')).toBe(hashPhone('13800138000'));
    expect(hashPhone('+86-13800138000')).toBe(hashPhone('13800138000'));
    expect(hashCitizenId(ID)).toMatch(/^[0-9a-f]{64}$/);
  });
});
