/**
 * Test fixture (not exported from index.ts): the Shanghai directory's calendar, read from the shared
 * example document so the tests check the real data the hub imports (docs/contracts.md#directory).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CalendarYear, DirectoryDocument } from '../directory/directory.types';
import { WorkingCalendar } from './working-calendar';

/** The repository's copy of the example directory (docs/contracts.md#directory): libs/rules/src/calendar → data/ */
export const SHANGHAI_DIRECTORY_PATH = path.resolve(__dirname, '../../../../data/shanghai-directory.json');

export function loadShanghaiDirectory(): DirectoryDocument {
  return JSON.parse(fs.readFileSync(SHANGHAI_DIRECTORY_PATH, 'utf8')) as DirectoryDocument;
}

export function shanghaiCalendarYears(): CalendarYear[] {
  return loadShanghaiDirectory().calendar;
}

export function shanghaiCalendar(): WorkingCalendar {
  return WorkingCalendar.fromDirectory(loadShanghaiDirectory());
}

/** `2026-02-13T23:30` read as Asia/Shanghai local time. */
export function at(local: string): Date {
  const withSeconds = local.length === 16 ? `${local}:00` : local;
  return new Date(`${withSeconds}+08:00`);
}
