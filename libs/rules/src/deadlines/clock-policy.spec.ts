import { CLOCK_POLICIES, NATIONAL, SHANGHAI_1_5_15, YUNNAN_2_3_10, defineClockPolicy, getClockPolicy } from './clock-policy';
import { DEFAULT_POLICY_TABLE, selectPolicy, type PolicySelectionTable } from './policy-selection';

describe('clock policies', () => {
  it('Shanghai 1/5/15 (沪府办〔2020〕49号 Art. 4–7)', () => {
    expect(SHANGHAI_1_5_15).toMatchObject({
      id: 'shanghai-1-5-15',
      days: { contact: 1, resolve: 5, objection: 5, appeal: 15, return: 5 },
      complexDays: 15,
      extensionCap: { normal: 15, complex: 30 },
      dispatchClocks: ['contact', 'resolve'],
      warnBeforeDays: 1,
      superviseEveryDays: 1,
      supervisionLevels: ['unit', 'parent', 'office'],
    });
  });

  it('national (沪府办〔2020〕49号 Art. 5): 1/5/15 under a 25-WD ceiling from the transfer, upstream dueAt for special/urgent', () => {
    expect(NATIONAL).toMatchObject({
      days: { contact: 1, resolve: 5, return: 5 },
      complexDays: 15,
      ceiling: { days: 25, clocks: ['resolve'] },
      upstreamDueLevels: ['special', 'urgent'],
    });
    expect(() => defineClockPolicy({ ...NATIONAL, ceiling: { days: 25, clocks: ['appeal'] } })).toThrow(/ceiling clock appeal/);
  });

  it('Yunnan 2/3/10 (Yunnan Measures Art. 10–13): extendable to 20 in total', () => {
    expect(YUNNAN_2_3_10).toMatchObject({ days: { forward: 2, accept: 3, resolve: 10 }, extensionCap: { normal: 20, complex: 20 } });
  });

  it('presets are frozen plain data, found by id', () => {
    expect(Object.isFrozen(SHANGHAI_1_5_15)).toBe(true);
    expect(Object.isFrozen(SHANGHAI_1_5_15.days)).toBe(true);
    expect(getClockPolicy('yunnan-2-3-10')).toBe(YUNNAN_2_3_10);
    expect(Object.keys(CLOCK_POLICIES).sort()).toEqual(['national', 'shanghai-1-5-15', 'yunnan-2-3-10']);
    expect(() => getClockPolicy('toString')).toThrow(RangeError);
    expect(JSON.parse(JSON.stringify(SHANGHAI_1_5_15))).toEqual(SHANGHAI_1_5_15);
  });

  it('defineClockPolicy fills defaults and validates', () => {
    const p = defineClockPolicy({ id: 'x', name: 'x', days: { resolve: 7 }, dispatchClocks: ['resolve'], basis: 'test' });
    expect(p).toMatchObject({ warnBeforeDays: 1, superviseEveryDays: 1, supervisionLevels: ['unit', 'parent', 'office'] });
    const base = { id: 'bad', name: 'bad', basis: 'test', dispatchClocks: [] };
    expect(() => defineClockPolicy({ ...base, days: { resolve: -1 } })).toThrow(/days.resolve/);
    expect(() => defineClockPolicy({ ...base, days: { resolve: 2.5 } })).toThrow(RangeError);
    expect(() => defineClockPolicy({ ...base, days: {}, dispatchClocks: ['contact'] })).toThrow(/dispatch clock contact/);
    expect(() => defineClockPolicy({ ...base, days: { resolve: 5 }, extensionCap: { normal: 4, complex: 9 } })).toThrow(/normal below/);
    expect(() => defineClockPolicy({ ...base, days: { resolve: 5 }, superviseEveryDays: 0 })).toThrow(/superviseEveryDays/);
    expect(() => defineClockPolicy({ ...base, days: { resolve: 5 }, supervisionLevels: [] })).toThrow(/empty/);
  });
});

describe('selectPolicy', () => {
  it('default table: national transfers → national, everything else → Shanghai 1/5/15', () => {
    expect(selectPolicy(DEFAULT_POLICY_TABLE, 'national', 'complaint')).toBe('national');
    expect(selectPolicy(DEFAULT_POLICY_TABLE, 'hotline', 'complaint')).toBe('shanghai-1-5-15');
    expect(selectPolicy(DEFAULT_POLICY_TABLE, 'ywtb', 'evaluation')).toBe('shanghai-1-5-15');
    expect(selectPolicy(DEFAULT_POLICY_TABLE, 'ywtb', 'suggestion')).toBe('shanghai-1-5-15');
  });

  it('the most specific rule wins; ties go to the first listed', () => {
    const table: PolicySelectionTable = {
      rules: [
        { kind: 'consultation', policyId: 'a' },
        { source: 'hotline', policyId: 'b' },
        { source: 'hotline', kind: 'consultation', policyId: 'c' },
        { source: 'hotline', policyId: 'd' },
      ],
      defaultPolicyId: 'z',
    };
    expect(selectPolicy(table, 'hotline', 'consultation')).toBe('c');
    expect(selectPolicy(table, 'hotline', 'complaint')).toBe('b');
    expect(selectPolicy(table, 'ywtb', 'consultation')).toBe('a');
    expect(selectPolicy(table, 'national', 'complaint')).toBe('z');
  });
});
