import { ValidationFailed } from '@hub/common';
import { DEFAULT_PAGE, encodeCursor, parseListQuery } from './work-order-list.query';

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationFailed) return e.fields.map((f) => f.path).sort();
    throw e;
  }
  throw new Error('expected a ValidationFailed');
}

describe('parseListQuery', () => {
  it('defaults: every state, first page of 20', () => {
    expect(parseListQuery({})).toEqual({ states: undefined, dueSoon: false, overdue: false, source: undefined, limit: DEFAULT_PAGE, after: undefined, flagged: false, unit: undefined, search: {} });
  });

  it('several states, booleans, a source and the cursor it gave out', () => {
    const cursor = encodeCursor('2026-11-20T01:02:03.456789Z', '00000000-0000-4000-8000-00000000000a');
    expect(parseListQuery({ state: 'signed, contacted', dueSoon: 'true', overdue: 'false', source: 'ywtb', limit: '100', cursor })).toMatchObject({
      states: ['signed', 'contacted'],
      dueSoon: true,
      overdue: false,
      source: 'ywtb',
      limit: 100,
      after: { createdAt: '2026-11-20T01:02:03.456789Z', id: '00000000-0000-4000-8000-00000000000a' },
    });
  });

  it('every bad parameter is named', () => {
    expect(fieldsOf(() => parseListQuery({ state: 'signed,lost', dueSoon: '1', overdue: 'no', source: 'fax', limit: '101', cursor: 'xyz' }))).toEqual([
      'cursor',
      'dueSoon',
      'limit',
      'overdue',
      'source',
      'state',
    ]);
    expect(fieldsOf(() => parseListQuery({ limit: '2.5' }))).toEqual(['limit']);
  });

  it('office filters are the office’s', () => {
    expect(fieldsOf(() => parseListQuery({ flagged: 'true', unit: 'U1' }))).toEqual(['flagged', 'unit']);
    expect(parseListQuery({ flagged: 'true', unit: 'U1' }, { flagged: true, unit: true })).toMatchObject({ flagged: true, unit: 'U1' });
  });
});
