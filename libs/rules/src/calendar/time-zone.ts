/**
 * Time zones for the working-day calendar: fixed UTC offsets only.
 *
 * Working days are counted in the jurisdiction's zone (docs/domain.md#the-clocks: Asia/Shanghai).
 * China has used a single offset, +08:00, with no daylight saving since 1992, so a deadline can be
 * computed with plain integer arithmetic on a fixed offset instead of a tz database lookup per call.
 * We support *only* zones whose offset is constant over the dates a ticket can carry, and say so:
 * any other IANA name is refused with a RangeError rather than computed wrongly. (Asia/Shanghai did
 * observe DST in 1986–1991; instants from those summers are off by one hour here. No open ticket
 * dates from then.)
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** IANA names with a constant offset, in minutes east of UTC. */
const FIXED_ZONES: Readonly<Record<string, number>> = {
  'Asia/Shanghai': 480,
  'Asia/Chongqing': 480,
  'Asia/Chungking': 480,
  'Asia/Harbin': 480,
  PRC: 480,
  UTC: 0,
  'Etc/UTC': 0,
  GMT: 0,
  'Etc/GMT': 0,
};

const OFFSET_RE = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/;

/**
 * Offset in minutes east of UTC of a fixed-offset zone: one of the IANA names above, `Z`, or an
 * explicit offset (`+08:00`, `UTC+08:00`, `+0800`). Throws RangeError for anything else.
 */
export function fixedOffsetMinutes(timeZone: string): number {
  if (timeZone === 'Z') return 0;
  const known = FIXED_ZONES[timeZone];
  if (known !== undefined) return known;
  const m = OFFSET_RE.exec(timeZone);
  if (m) {
    const hours = Number(m[2]);
    const minutes = Number(m[3]);
    if (hours <= 14 && minutes < 60) return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  throw new RangeError(
    `time zone ${JSON.stringify(timeZone)} is not supported: only fixed-offset zones (e.g. Asia/Shanghai, UTC, +08:00) are`,
  );
}

/** `+08:00` form of an offset in minutes. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `${sign}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}
