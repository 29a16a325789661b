import { isHttpUrl, isLoosePhoneNumber, isPhoneNumber, isRegionCode, isRfc3339WithOffset, isSha256Hex } from './wire-format.validator';

describe('isRfc3339WithOffset', () => {
  it.each([
    '2026-11-20T09:12:33+08:00',
    '2026-11-20T01:12:33Z',
    '2026-11-20t01:12:33z',
    '2026-11-20T09:12:33.123+08:00',
    '2026-11-20T09:12:33.123456789-05:30',
    '2024-02-29T00:00:00+08:00',
  ])('accepts %s', (v) => expect(isRfc3339WithOffset(v)).toBe(true));

  it.each([
    ['no offset', '2026-11-20T09:12:33'],
    ['date only', '2026-11-20'],
    ['space separator', '2026-11-20 09:12:33+08:00'],
    ['offset without colon', '2026-11-20T09:12:33+0800'],
    ['month 13', '2026-13-20T09:12:33+08:00'],
    ['year 0000 (no instant PostgreSQL stores)', '0000-01-01T00:00:00Z'],
    ['February 29 of a common year', '2025-02-29T09:12:33+08:00'],
    ['hour 24', '2026-11-20T24:00:00+08:00'],
    ['leap second', '2026-12-31T23:59:60Z'],
    ['offset hour 24', '2026-11-20T09:12:33+24:00'],
    ['no seconds', '2026-11-20T09:12+08:00'],
    ['epoch number as text', '1763600000'],
  ])('rejects %s', (_name, v) => expect(isRfc3339WithOffset(v)).toBe(false));
});

describe('isRegionCode', () => {
  it.each(['310104', '310104001', '310104001001'])('accepts %s', (v) => expect(isRegionCode(v)).toBe(true));
  it.each(['31010', '3101040', '3101040010', '31010400100', '3101040010011', '31010a', ''])('rejects %p', (v) =>
    expect(isRegionCode(v)).toBe(false),
  );
});

describe('isPhoneNumber', () => {
  it.each([
    '13812345678',
    '+8613812345678',
    '86-13812345678',
    '021-62345678',
    '02162345678',
    '0571-8765432',
    '021-62345678-123',
    '+86-21-62345678',
    '62345678',
    '+14155552671',
  ])('accepts %s', (v) => expect(isPhoneNumber(v)).toBe(true));

  it.each([
    ['mobile with 12 digits', '138123456789'],
    ['mobile starting 12', '12812345678'],
    ['letters', '1381234567a'],
    ['spaces', '138 1234 5678'],
    ['service number', '12345'],
    ['landline without trunk 0 and not local', '2162345678'],
    ['+86 then nonsense', '+86123'],
    ['empty', ''],
  ])('rejects %s', (_name, v) => expect(isPhoneNumber(v)).toBe(false));

  it('the loose rule for national submitters takes notations with spaces and brackets', () => {
    expect(isLoosePhoneNumber('(010) 6234 5678')).toBe(true);
    expect(isLoosePhoneNumber('tel:123')).toBe(false);
  });
});

describe('isSha256Hex / isHttpUrl', () => {
  it('checks digests', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true);
    expect(isSha256Hex('A'.repeat(64))).toBe(true);
    expect(isSha256Hex('a'.repeat(63))).toBe(false);
    expect(isSha256Hex('g'.repeat(64))).toBe(false);
  });

  it('checks URLs', () => {
    expect(isHttpUrl('https://files.example.cn/a.jpg')).toBe(true);
    expect(isHttpUrl('http://10.0.0.1:8080/x?y=1')).toBe(true);
    expect(isHttpUrl('ftp://files.example.cn/a.jpg')).toBe(false);
    expect(isHttpUrl('/relative/a.jpg')).toBe(false);
    expect(isHttpUrl(`https://x.cn/${'a'.repeat(2048)}`)).toBe(false);
  });
});
