import { maskCitizen, maskIdNumber, maskName, maskPhone, maskPii, scrubText } from './pii';

describe('maskPii: citizens never reach a log in clear (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10)', () => {
  it('the formats of the issue', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdNumber('310101199001011234')).toBe('3101**********1234');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it.each([
    ['a mobile in free text', '市民13900001234来电', '139****1234'],
    ['+86 and separators', 'tel +86 139-0000-1234', undefined],
    ['an 18-digit ID with X', '身份证31010119900101123X。', '3101**********123X'],
    ['a landline', '电话021-64381234', undefined],
    ['two numbers', '13900001234,13900005678', '139****1234,139****5678'],
  ])('%s', (_what, text, expected) => {
    const out = scrubText(text);
    expect(out).not.toMatch(/13900001234|13900005678|31010119900101123X|64381234/);
    if (expected) expect(out).toContain(expected);
  });

  it('a mobile written with +86, spaces or dashes is still masked', () => {
    expect(scrubText('call +86 13900001234 now')).not.toContain('13900001234');
    expect(scrubText('call +86 139-0000-1234 now')).not.toMatch(/0000.?1234/);
    expect(scrubText('call 139 0000 1234 now')).not.toMatch(/0000.?1234/);
  });

  it('structured: citizen/applicant/submitter objects, phone and idNumber keys at any depth, errors, arrays', () => {
    const input = {
      citizen: { name: '张三', phone: '13900001234', idNumber: '310101199001011234', anonymous: false },
      nested: [{ applicant: { phone: '13900005678' } }, { deeper: { phone: '13900009999', idNumber: '31010119900101123X' } }],
      err: new Error('lookup of 13900001234 failed'),
      password: 'hunter2hunter2',
      authorization: 'Bearer abc',
      clientSecret: 'x',
    };
    const out = JSON.stringify(maskPii(input));
    expect(out).not.toMatch(/13900001234|13900005678|13900009999|310101199001011234|31010119900101123X|张三|hunter2|Bearer abc/);
    expect(out).toContain('张*');
  });

  it('values that are not strings or are too deep do not crash and do not leak', () => {
    let deep: Record<string, unknown> = { phone: '13900001234' };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(maskPii(deep))).not.toContain('13900001234');
    expect(maskPii(null)).toBeNull();
    expect(maskPii(42)).toBe(42);
    expect(maskPii({ phone: 13900001234 })).toEqual({ phone: '139****1234' });
    expect(maskCitizen({ phone: undefined })).toEqual({ phone: undefined });
  });

  it('short values are masked entirely', () => {
    expect(maskPhone('123')).toBe('***');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskName('张')).toBe('张*');
  });
});

describe('maskPii: hostile shapes', () => {
  it.each([
    ['phone as a number in a citizen', { citizen: { phone: 13900001234 } }],
    ['phone inside an array in a citizen', { citizen: { phone: ['13900001234'] } }],
    ['ID inside an object in a citizen', { citizen: { idNumber: { v: '310101199001011234' } } }],
    ['number in another citizen field', { citizen: { address: '住13900001234' } }],
    ['bare number', { value: 13900001234 }],
  ])('%s', (_what, input) => {
    expect(JSON.stringify(maskPii(input))).not.toMatch(/13900001234|310101199001011234/);
  });
});
