import { civilFromDays, daysFromCivil, formatDay, isValidDay, parseDay, weekdayOf, yearOfDay } from './civil-date';

describe('civil dates', () => {
  it('day 0 is 1970-01-01, a Thursday', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(weekdayOf(0)).toBe(4);
    expect(formatDay(0)).toBe('1970-01-01');
  });

  it('round-trips every day from 1900 to 2100 and agrees with Date.UTC', () => {
    const from = daysFromCivil(1900, 1, 1);
    const to = daysFromCivil(2100, 12, 31);
    for (let d = from; d <= to; d++) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
      if (d % 97 === 0) {
        const utc = new Date(d * 86_400_000);
        expect(formatDay(d)).toBe(utc.toISOString().slice(0, 10));
        expect(weekdayOf(d)).toBe(utc.getUTCDay());
      }
    }
    expect(yearOfDay(parseDay('2026-12-31'))).toBe(2026);
  });

  it('parses strictly', () => {
    expect(parseDay('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    expect(isValidDay('2025-02-29')).toBe(false);
    expect(isValidDay('2026-13-01')).toBe(false);
    expect(isValidDay('2026-1-01')).toBe(false);
    expect(isValidDay('2026-01-01T00:00')).toBe(false);
    expect(() => parseDay('2026-04-31')).toThrow(RangeError);
  });
});
