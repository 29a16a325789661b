import { ConfigError } from '@hub/common';
import { DEFAULT_POLICY_TABLE } from '@hub/rules/deadlines';
import { shanghaiDirectory } from '@hub/rules/directory/testing';
import { loadClockSettings } from './clock.settings';
import { supervisorOf } from './clock.service';

describe('loadClockSettings', () => {
  it('defaults: the policies decide warning and supervision; 1 h horizon; sweep every 15 s', () => {
    expect(loadClockSettings({})).toEqual({
      warnBeforeDays: undefined,
      superviseEveryDays: undefined,
      horizonMs: 3_600_000,
      sweepIntervalMs: 15_000,
      sweepBatch: 500,
      sweepConcurrency: 4,
      policyTable: DEFAULT_POLICY_TABLE,
    });
    expect(loadClockSettings({ HUB_CLOCK_WARN_BEFORE_DAYS: '2', HUB_CLOCK_SUPERVISE_EVERY_DAYS: '3', HUB_CLOCK_SWEEP_MS: '0' })).toMatchObject({
      warnBeforeDays: 2,
      superviseEveryDays: 3,
      sweepIntervalMs: 0,
    });
  });

  it('a bad value names its variable', () => {
    expect(() => loadClockSettings({ HUB_CLOCK_SUPERVISE_EVERY_DAYS: '0' })).toThrow(new ConfigError('HUB_CLOCK_SUPERVISE_EVERY_DAYS', 'must be between 1 and 30, got 0'));
    expect(() => loadClockSettings({ HUB_CLOCK_HORIZON_MS: '1h' })).toThrow(/HUB_CLOCK_HORIZON_MS: must be a whole number/);
  });
});

describe('supervisorOf (督办 ladder: unit → parent / authority → office)', () => {
  const dir = shanghaiDirectory();

  it('a district branch climbs to its city line, then the office', () => {
    const unit = dir.units.get('310115-MARKET');
    expect(supervisorOf(dir, unit, 'unit')?.code).toBe('310115-MARKET');
    expect(supervisorOf(dir, unit, 'parent')?.code).toBe('SH-MARKET');
    expect(supervisorOf(dir, unit, 'office')?.code).toBe('SH-12345');
  });

  it('a unit without a parent is supervised by the service authority', () => {
    expect(supervisorOf(dir, dir.units.get('310115-GOV'), 'parent')?.code).toBe('SH-GOV-OFFICE');
    expect(supervisorOf(dir, dir.units.get('SH-MARKET'), 'parent')?.code).toBe('SH-GOV-OFFICE');
  });
});
