import { Logger } from '@nestjs/common';
import {
  DEFAULT_CLOCK_SETTINGS,
  compileClockSettings,
  defineClockPolicy,
  selectPolicy,
  type ClockPolicy,
  type CompiledClockSettings,
  type OfficeClockSettings,
} from '@hub/rules/deadlines';
import { officeSetting, type Queryable, type TicketRow } from '@hub/store';
import type { ClockSettings } from './clock.settings';

/** The office setting holding its own policies and the selection table (docs/clock.md#policies). */
export const CLOCK_SETTING = 'clocks';

/**
 * Which policy a ticket's clocks run on: the presets and the office's own policies, picked by the
 * office's table on source, kind and urgency (docs/rules.md items 7, 8), with the installation's
 * warning and supervision overrides applied. Read from the office's settings in the caller's
 * transaction (once per transaction); compiled once per distinct setting.
 */
export class ClockPolicies {
  private readonly logger = new Logger(ClockPolicies.name);
  private cached: { key: string; compiled: CompiledClockSettings } | null = null;

  constructor(private readonly settings: ClockSettings) {}

  async compiled(db: Queryable): Promise<CompiledClockSettings> {
    const raw = await officeSetting<OfficeClockSettings>(db, CLOCK_SETTING, { ...DEFAULT_CLOCK_SETTINGS, table: this.settings.policyTable });
    const key = JSON.stringify(raw);
    if (this.cached?.key === key) return this.cached.compiled;
    let r = compileClockSettings(raw);
    if (!r.ok) {
      // Saved settings were checked by the same function: only a hand-edited row gets here.
      this.logger.error({ errors: r.errors }, 'office setting clocks is invalid; using the presets');
      r = compileClockSettings({ ...DEFAULT_CLOCK_SETTINGS, table: this.settings.policyTable });
      if (!r.ok) throw new Error('the default clock settings do not compile');
    }
    const compiled = { ...r.value, policies: Object.fromEntries(Object.entries(r.value.policies).map(([id, p]) => [id, this.overridden(p)])) };
    this.cached = { key, compiled };
    return compiled;
  }

  /** A policy by id, as a clock row names it (throws for an id no longer defined: a clock must not run on a guess). */
  async byId(db: Queryable, id: string): Promise<ClockPolicy> {
    const p = (await this.compiled(db)).policies[id];
    if (!p) throw new RangeError(`unknown clock policy ${JSON.stringify(id)}`);
    return p;
  }

  /** The policy of a ticket by the office's table (source, kind, urgency). */
  async forTicket(db: Queryable, t: TicketRow): Promise<ClockPolicy> {
    const c = await this.compiled(db);
    return this.byId(db, selectPolicy(c.table, t.source, t.ticket.kind, t.ticket.urgency));
  }

  private overridden(base: ClockPolicy): ClockPolicy {
    const { warnBeforeDays, superviseEveryDays } = this.settings;
    if (warnBeforeDays === undefined && superviseEveryDays === undefined) return base;
    return defineClockPolicy({ ...base, warnBeforeDays: warnBeforeDays ?? base.warnBeforeDays, superviseEveryDays: superviseEveryDays ?? base.superviseEveryDays });
  }
}
