import { DEFAULT_WORK_ORDER_CONFIG } from '@hub/rules/lifecycle';
import type { TicketRow } from '@hub/store';
import { adopt } from './work-order-adoption';

function row(over: Partial<TicketRow> & { designatedUnitCode?: string } = {}): TicketRow {
  const { designatedUnitCode, ...rest } = over;
  return {
    id: '00000000-0000-4000-8000-000000000001',
    source: 'hotline',
    sourceRecord: 'order',
    externalId: 'HL-1',
    state: 'received',
    unitCode: null,
    directoryVersion: null,
    mergedInto: null,
    intakeProblems: null,
    createdAt: new Date('2026-11-20T01:00:00Z'),
    updatedAt: new Date('2026-11-20T01:00:00Z'),
    rowVersion: 1,
    ticket: {
      source: 'hotline',
      sourceRecord: 'order',
      externalId: 'HL-1',
      kind: 'complaint',
      channel: 'phone',
      title: 't',
      content: 'c',
      citizen: { anonymous: false, confidential: false },
      urgency: 'normal',
      complex: false,
      attachments: [],
      receivedAt: '2026-11-20T09:00:00+08:00',
      designatedUnitCode,
    },
    ...rest,
  };
}

describe('adopt: the context of a ticket stored before the executor', () => {
  it('a received ticket starts fresh, with nothing to do', () => {
    const { ctx, effects } = adopt(row(), DEFAULT_WORK_ORDER_CONFIG);
    expect(ctx).toMatchObject({ state: 'received', unit: null, source: 'hotline', kind: 'complaint' });
    expect(effects).toEqual([]);
  });

  it('a dispatched ticket is the unit’s, with the clocks of its assignment and the objection window', () => {
    const { ctx, effects } = adopt(row({ state: 'dispatched', unitCode: 'U1' }), DEFAULT_WORK_ORDER_CONFIG);
    expect(ctx).toMatchObject({ state: 'dispatched', unit: 'U1', designated: false, coUnits: [] });
    const started = effects.filter((e) => e.kind === 'clock' && e.op === 'start').map((e) => (e.kind === 'clock' ? e.clock : ''));
    // forward and accept are Yunnan's: a policy without them skips them (docs/clock.md#yunnan)
    expect(started).toEqual(['forward', 'contact', 'resolve', 'objection', 'accept']);
  });

  it('a unit the upstream named is designated: no objection window (沪府办〔2020〕49号 Art. 4(二), 7(二))', () => {
    const { ctx, effects } = adopt(row({ state: 'dispatched', unitCode: 'U1', designatedUnitCode: 'U1' }), DEFAULT_WORK_ORDER_CONFIG);
    expect(ctx.designated).toBe(true);
    expect(effects.some((e) => e.kind === 'clock' && e.op === 'start' && e.clock === 'objection')).toBe(false);
  });

  it.each(['accepted', 'disputed', 'not_accepted', 'archived', 'merged'])('%s is rebuilt as that state', (state) => {
    expect(adopt(row({ state, mergedInto: state === 'merged' ? '00000000-0000-4000-8000-000000000002' : null }), DEFAULT_WORK_ORDER_CONFIG).ctx.state).toBe(state);
  });

  it('a state only the executor reaches cannot be rebuilt: a loud error, not a guess', () => {
    expect(() => adopt(row({ state: 'signed', unitCode: 'U1' }), DEFAULT_WORK_ORDER_CONFIG)).toThrow(expect.objectContaining({ status: 500, code: 'work_order_context_missing' }));
  });
});
