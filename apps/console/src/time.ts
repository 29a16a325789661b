/** Times in Asia/Shanghai whatever the browser's zone (docs/console.md). */
export const TIME_ZONE = 'Asia/Shanghai';

const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "2026/12/07 09:30" in Shanghai time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : fmt.format(d);
}

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(d: Date): string {
  return dayFmt.format(d);
}

export interface WorkCalendar {
  holidays: Set<string>;
  workdays: Set<string>;
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  if (cal.holidays.has(date)) return false;
  if (cal.workdays.has(date)) return true;
  const dow = new Date(`${date}T12:00:00+08:00`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

function nextDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export type Urgency = 'ok' | 'warned' | 'overdue' | 'supervised';

export interface Countdown {
  text: string;
  /** whole working days left after today (0: due today) */
  workingDays: number;
  overdue: boolean;
}

/**
 * The time left to a deadline, counted in working days (days off of the calendar skipped) and,
 * on the last day, in hours: "剩 3 个工作日", "剩 5 小时", "超期 2 天".
 */
export function countdown(dueIso: string, now: Date, cal: WorkCalendar): Countdown {
  const due = new Date(dueIso);
  const ms = due.getTime() - now.getTime();
  if (ms <= 0) {
    const hours = Math.floor(-ms / 3_600_000);
    return { text: hours < 24 ? `已超期 ${Math.max(1, hours)} 小时` : `已超期 ${Math.floor(hours / 24)} 天`, workingDays: -1, overdue: true };
  }
  const today = shanghaiDate(now);
  const last = shanghaiDate(due);
  let days = 0;
  for (let d = nextDate(today); d <= last && days < 400; d = nextDate(d)) if (isWorkingDay(d, cal)) days++;
  if (days === 0) return { text: `剩 ${Math.max(1, Math.ceil(ms / 3_600_000))} 小时`, workingDays: 0, overdue: false };
  return { text: `剩 ${days} 个工作日`, workingDays: days, overdue: false };
}
