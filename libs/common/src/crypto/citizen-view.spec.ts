import { CONFIDENTIAL_PLACEHOLDER, citizenView, ticketTextView, type ChainPosition, type CitizenData, type Viewer } from './citizen-view';

const PERSON = { name: '张三', phone: '13812345678', idType: 'id_card', idNumber: '310101199001011234' };
const citizen = (flags: Partial<CitizenData> = {}): CitizenData => ({ ...PERSON, anonymous: false, confidential: false, ...flags });
const CLEAR = { name: '张三', phone: '13812345678', idNumber: '310101199001011234' };
const MASKED = { name: '张*', phone: '138****5678', idNumber: '3101**********1234' };

const office: Viewer = { office: true, chain: 'none' };
const unit = (chain: ChainPosition): Viewer => ({ office: false, chain });

describe('citizenView: who sees what (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10)', () => {
  it.each([
    ['office', office, 'ordinary', {}, CLEAR, false],
    ['office', office, 'confidential', { confidential: true }, CLEAR, false],
    ['office', office, 'anonymous', { anonymous: true }, CLEAR, false],
    ['lead unit', unit('lead'), 'ordinary', {}, CLEAR, false],
    ['lead unit', unit('lead'), 'confidential', { confidential: true }, CLEAR, false],
    ['lead unit', unit('lead'), 'anonymous', { anonymous: true }, {}, false],
    ['co-handler', unit('co'), 'ordinary', {}, CLEAR, false],
    ['co-handler', unit('co'), 'confidential', { confidential: true }, MASKED, false],
    ['co-handler', unit('co'), 'anonymous', { anonymous: true }, {}, false],
    ['outsider', unit('none'), 'ordinary', {}, MASKED, false],
    ['outsider', unit('none'), 'confidential', { confidential: true }, MASKED, true],
    ['outsider', unit('none'), 'anonymous', { anonymous: true }, {}, false],
  ] as const)('%s, %s citizen', (_who, viewer, _kind, flags, expected, hidden) => {
    const v = citizenView(citizen(flags), viewer);
    const { anonymous, confidential, idType, ...shown } = v.citizen;
    expect({ anonymous, confidential }).toEqual({ anonymous: false, confidential: false, ...flags });
    expect(shown).toEqual(expected);
    if (Object.keys(expected).length) expect(idType).toBe('id_card');
    expect(v.contentHidden).toBe(hidden);
    expect(v.clearFields).toEqual(expected === CLEAR ? ['name', 'phone', 'idNumber'] : []);
  });

  it('title and content of a confidential ticket are withheld outside the chain and the office', () => {
    const t = { title: '举报', content: '详情', id: 'x' };
    expect(ticketTextView(t, citizenView(citizen({ confidential: true }), unit('none')))).toEqual({ id: 'x', title: CONFIDENTIAL_PLACEHOLDER, content: CONFIDENTIAL_PLACEHOLDER });
    expect(ticketTextView(t, citizenView(citizen({ confidential: true }), unit('co')))).toEqual(t);
  });

  it('missing fields stay missing', () => {
    expect(citizenView({ anonymous: false, confidential: false, phone: '13812345678' }, unit('none')).citizen).toEqual({ anonymous: false, confidential: false, phone: '138****5678' });
  });
});
