import { IntakeAndOutbox1764000000000 } from './1764000000000-intake-and-outbox';
import { IntakeProblems1764000001000 } from './1764000001000-intake-problems';
import { Clocks1764000002000 } from './1764000002000-clocks';
import { WorkOrders1764000003000 } from './1764000003000-work-orders';
import { Merge1764000005000 } from './1764000005000-merge';
import { Security1764000006000 } from './1764000006000-security';
import { OutboxWakeup1764000009000 } from './1764000009000-outbox-wakeup';
import { PlansUnderChurn1764000010000 } from './1764000010000-plans-under-churn';
import { NationalCeiling1765100001000 } from './1765100001000-national-ceiling';
import { Open3111765300000000 } from './1765300000000-open311';
import { Reports1765400000000 } from './1765400000000-reports';
import { ReportRollup1766300000000 } from './1766300000000-report-rollup';
import { ConsoleSearch1765500001000 } from './1765500001000-console-search';
import { ClockUnits1766100001000 } from './1766100001000-clock-units';
import { Installation1766400000000 } from './1766400000000-installation';
import { OutboxClaimable1766500000000 } from './1766500000000-outbox-claimable';
import { ExtensionApprovedFact1766900000000 } from './1766900000000-extension-approved-fact';
import { LiveClocksUnit1766900001000 } from './1766900001000-live-clocks-unit';
import { BornLateUnit1766900002000 } from './1766900002000-born-late-unit';

/** Every migration, in order. The app never uses `synchronize`. */
export const MIGRATIONS = [IntakeAndOutbox1764000000000, IntakeProblems1764000001000, Clocks1764000002000, WorkOrders1764000003000, Merge1764000005000, Security1764000006000, OutboxWakeup1764000009000, PlansUnderChurn1764000010000, NationalCeiling1765100001000, Open3111765300000000, Reports1765400000000, ConsoleSearch1765500001000, ClockUnits1766100001000, ReportRollup1766300000000, Installation1766400000000, OutboxClaimable1766500000000, ExtensionApprovedFact1766900000000, LiveClocksUnit1766900001000, BornLateUnit1766900002000];
