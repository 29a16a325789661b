import { formatDue, formatInstant, parseInstant } from './rfc3339-format';
import { fixedOffsetMinutes, formatOffset } from './time-zone';

describe('RFC 3339 forms', () => {
  it('formats instants in +08:00 by default', () => {
    expect(formatInstant(new Date('2026-11-20T01:12:33.999Z'))).toBe('2026-11-20T09:12:33+08:00');
    expect(formatInstant(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01T00:00:00+08:00');
    expect(formatInstant(new Date('2026-12-31T16:00:00Z'), 'UTC')).toBe('2026-12-31T16:00:00+00:00');
  });

  it('formatDue gives the last second before the exclusive end', () => {
    expect(formatDue(new Date('2026-02-24T16:00:00Z'))).toBe('2026-02-24T23:59:59+08:00');
  });

  it('parses offsets, Z and fractions; refuses local times and impossible dates', () => {
    expect(parseInstant('2026-11-20T09:12:33+08:00').toISOString()).toBe('2026-11-20T01:12:33.000Z');
    expect(parseInstant('2026-11-20T01:12:33.5Z').toISOString()).toBe('2026-11-20T01:12:33.500Z');
    expect(parseInstant('2026-11-20T01:12:33-05:30').toISOString()).toBe('2026-11-20T06:42:33.000Z');
    expect(() => parseInstant('2026-11-20T09:12:33')).toThrow(RangeError);
    expect(() => parseInstant('2026-02-30T09:12:33+08:00')).toThrow(RangeError);
    expect(() => parseInstant('2026-02-03T24:00:00+08:00')).toThrow(RangeError);
    expect(() => formatInstant(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('knows only fixed-offset zones', () => {
    expect(fixedOffsetMinutes('Asia/Shanghai')).toBe(480);
    expect(fixedOffsetMinutes('PRC')).toBe(480);
    expect(fixedOffsetMinutes('UTC+08:00')).toBe(480);
    expect(fixedOffsetMinutes('-0330')).toBe(-210);
    expect(formatOffset(-210)).toBe('-03:30');
    expect(() => fixedOffsetMinutes('America/New_York')).toThrow(RangeError);
    expect(() => fixedOffsetMinutes('+25:00')).toThrow(RangeError);
  });
});
