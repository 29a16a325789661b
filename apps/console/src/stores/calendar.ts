import { defineStore } from 'pinia';
import { get } from '@/api';
import type { WorkCalendar } from '@/time';

export interface CalendarYear {
  year: number;
  holidays: string[];
  workdays: string[];
  published: boolean;
  source?: string;
}

/** The working-day calendar (GET /calendar/years), loaded once for the countdowns. */
export const useCalendar = defineStore('calendar', {
  state: () => ({ years: [] as CalendarYear[], loaded: false }),
  getters: {
    work(s): WorkCalendar {
      return { holidays: new Set(s.years.flatMap((y) => y.holidays)), workdays: new Set(s.years.flatMap((y) => y.workdays)) };
    },
  },
  actions: {
    async load(force = false): Promise<void> {
      if (this.loaded && !force) return;
      this.years = await get<CalendarYear[]>('/calendar/years');
      this.loaded = true;
    },
  },
});
