import {
  idNumberProblem,
  inferIdType,
  isValidResidentId,
  isValidUscc,
  normalizeIdNumber,
  passportProblem,
  residentIdCheckChar,
  residentIdProblem,
  USCC_ALPHABET,
  usccCheckChar,
  usccProblem,
} from './id-number.validator';

const TODAY = new Date('2026-11-20T00:00:00Z');

/** region + birth date + sequence, completed with its computed check character */
function residentId(region: string, birth: string, seq: string): string {
  const first17 = `${region}${birth}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

function uscc(first17: string): string {
  return first17 + usccCheckChar(first17);
}

describe('resident ID (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts the hand-checked example 11010519491231002X', () => {
    // 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → X
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdProblem('11010519491231002X', TODAY)).toBeNull();
    expect(isValidResidentId('11010519491231002x', TODAY)).toBe(true);
  });

  it('accepts generated numbers of every check value', () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 200; seq++) {
      const id = residentId('310104', '19880229', String(seq).padStart(3, '0'));
      seen.add(id[17]);
      expect(residentIdProblem(id, TODAY)).toBeNull();
    }
    expect([...seen].sort()).toEqual('0123456789X'.split('').sort());
  });

  it('rejects a wrong check digit', () => {
    const id = residentId('310104', '19900307', '123');
    const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    expect(residentIdProblem(wrong, TODAY)).toBe('has a wrong check digit');
  });

  it.each([
    ['too short', '11010519491231002'],
    ['too long', '11010519491231002X1'],
    ['letters inside', '1101051949123A002X'],
    ['X not at the end', 'X10105194912310021'],
  ])('rejects the format: %s', (_name, value) => {
    expect(residentIdProblem(value, TODAY)).toMatch(/must be 18 characters/);
  });

  it('rejects a region code starting with 0', () => {
    expect(residentIdProblem(residentId('010105', '19900307', '123'), TODAY)).toMatch(/must not start with 0/);
  });

  it.each([
    ['February 30', '19900230'],
    ['29 February of a common year', '19890229'],
    ['month 13', '19901301'],
    ['day 00', '19900100'],
  ])('rejects an impossible birth date: %s', (_name, birth) => {
    expect(residentIdProblem(residentId('310104', birth, '123'), TODAY)).toMatch(/impossible birth date/);
  });

  it('rejects birth dates before 1900 or in the future', () => {
    expect(residentIdProblem(residentId('310104', '18991231', '123'), TODAY)).toMatch(/implausible/);
    expect(residentIdProblem(residentId('310104', '20261125', '123'), TODAY)).toMatch(/implausible/);
    expect(residentIdProblem(residentId('310104', '20261120', '123'), TODAY)).toBeNull();
  });
});

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    expect(usccProblem('91350100M000100Y43')).toBeNull();
    expect(usccProblem('91110000600037341L')).toBeNull();
  });

  it('accepts generated codes, check value 0 included', () => {
    const seen = new Set<string>();
    for (const a of USCC_ALPHABET) {
      for (const b of USCC_ALPHABET) {
        // 登记管理部门 9 + 机构类别 1, region 310104, then a 9-character organisation code
        const code = uscc(`91310104${a}${b}MA1FL8X`);
        seen.add(code[17]);
        expect(isValidUscc(code)).toBe(true);
      }
    }
    expect(seen.size).toBe(31);
  });

  it('is case-insensitive', () => {
    expect(isValidUscc('91350100m000100y43')).toBe(true);
  });

  it('rejects a wrong check character', () => {
    expect(usccProblem('91350100M000100Y44')).toBe('has a wrong check character');
  });

  it.each([
    ['17 characters', '91350100M000100Y4', /must be 18 characters/],
    ['the letter I', '91350100M000100I43', /"I", which is not allowed/],
    ['the letter O', '9135010OM000100Y43', /"O"/],
    ['a letter in the region part', '913501A0M000100Y43', /region code/],
  ])('rejects %s', (_name, value, message) => {
    expect(usccProblem(value)).toMatch(message);
  });
});

describe('passport', () => {
  it.each(['E12345678', 'G1234', 'ABCDEFGHIJ0123456789'])('accepts %s', (v) => expect(passportProblem(v)).toBeNull());
  it.each(['E123', 'E 1234567', 'E-1234567', 'A'.repeat(21), '护照123456'])('rejects %s', (v) =>
    expect(passportProblem(v)).not.toBeNull(),
  );
});

describe('idNumberProblem / inferIdType / normalizeIdNumber', () => {
  it('checks the number against its type', () => {
    expect(idNumberProblem('id_card', '11010519491231002X', TODAY)).toBeNull();
    expect(idNumberProblem('uscc', '11010519491231002X', TODAY)).not.toBeNull();
    expect(idNumberProblem('uscc', '91350100M000100Y43', TODAY)).toBeNull();
    expect(idNumberProblem('passport', '91350100M000100Y43', TODAY)).toBeNull();
    expect(idNumberProblem('id_card', 'E12345678', TODAY)).not.toBeNull();
  });

  it('infers only what a check digit proves', () => {
    expect(inferIdType('11010519491231002X', TODAY)).toBe('id_card');
    expect(inferIdType('91350100M000100Y43', TODAY)).toBe('uscc');
    expect(inferIdType('E12345678', TODAY)).toBeUndefined();
    expect(inferIdType('110105194912310021', TODAY)).toBeUndefined();
  });

  it('upper-cases ID card and USCC check characters only', () => {
    expect(normalizeIdNumber('id_card', '11010519491231002x')).toBe('11010519491231002X');
    expect(normalizeIdNumber('uscc', '91350100m000100y43')).toBe('91350100M000100Y43');
    expect(normalizeIdNumber('passport', 'e1234567')).toBe('e1234567');
  });
});
