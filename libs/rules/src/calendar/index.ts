/** Working-day calendar (docs/domain.md#the-clocks; Civil Code Art. 201/203). */
export {
  civilFromDays,
  daysFromCivil,
  formatDay,
  isValidDay,
  isWeekday,
  parseDay,
  weekdayOf,
  yearOfDay,
  MS_PER_DAY,
} from './civil-date';
export type { CivilDate } from './civil-date';
export { DEFAULT_TIME_ZONE, fixedOffsetMinutes, formatOffset } from './time-zone';
export { formatDue, formatInstant, parseInstant } from './rfc3339-format';
export { WorkingCalendar } from './working-calendar';
export type { WorkingDeadline } from './working-calendar';
