import { Open311Error } from '@hub/connectors/open311';
import { parseRequestsQuery, parseUpdatesWindow } from './open311-query';

const now = new Date('2026-12-06T12:00:00Z');
const DAY = 86_400_000;
const refused = (q: Record<string, unknown>): string[] => {
  try {
    parseRequestsQuery(q, now);
  } catch (e) {
    return (e as Open311Error).errors.map((x) => x.description);
  }
  throw new Error('accepted');
};

describe('GET requests arguments', () => {
  it('defaults to the last 90 days, at most 1,000, first page', () => {
    expect(parseRequestsQuery({}, now)).toEqual({ from: new Date(now.getTime() - 90 * DAY), to: now, serviceCodes: undefined, statuses: undefined, pageSize: 1000, page: 1 });
  });

  it('extends a lone start_date or end_date to 90 days, and refuses a wider window', () => {
    const start = parseRequestsQuery({ start_date: '2026-10-01T00:00:00+08:00' }, now);
    expect(start.to.getTime() - start.from.getTime()).toBe(90 * DAY);
    const end = parseRequestsQuery({ end_date: '2026-10-01T00:00:00Z' }, now);
    expect(end.from).toEqual(new Date('2026-07-03T00:00:00Z'));
    expect(refused({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-06-01T00:00:00Z' })).toEqual(['start_date and end_date may not span more than 90 days']);
    expect(refused({ start_date: '2026-06-01', status: 'pending', page_size: '1001' })).toHaveLength(3);
  });

  it('takes comma lists; service_request_id overrides every other argument', () => {
    expect(parseRequestsQuery({ service_code: '0101, 0102', status: 'open,closed' }, now)).toMatchObject({ serviceCodes: ['0101', '0102'], statuses: ['open', 'closed'] });
    expect(parseRequestsQuery({ service_request_id: 'a,b', status: 'nonsense' }, now)).toMatchObject({ ids: ['a', 'b'] });
  });

  it('reads updates over the last day by default, in a window of at most 90 days', () => {
    expect(parseUpdatesWindow({}, now)).toEqual({ from: new Date(now.getTime() - DAY), to: now });
    expect(() => parseUpdatesWindow({ start_date: '2026-12-07T00:00:00Z' }, now)).toThrow('start_date is after end_date');
  });
});
