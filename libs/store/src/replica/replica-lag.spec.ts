import { ConnectionLostError } from '../db';
import { isReplicaFault, lagOf, lsnValue } from './replica-lag';

describe('the read replica\'s lag (docs/reliability.md#postgresql-read-replica)', () => {
  const s = (lsn: string, at: number) => ({ lsn: lsnValue(lsn), at });

  it('orders WAL positions across the high word', () => {
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
    expect(lsnValue('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(() => lsnValue('nope')).toThrow(RangeError);
  });

  it('is 0 when the replica has replayed the newest sample, however long the primary was idle', () => {
    expect(lagOf([s('0/3000000', 0), s('0/3000000', 60_000)], lsnValue('0/3000000'), 61_000)).toBe(0);
  });

  it('is the age of the newest sample the replica has reached when it lacks a later one', () => {
    const samples = [s('0/100', 1_000), s('0/200', 2_000), s('0/300', 3_000)];
    expect(lagOf(samples, lsnValue('0/250'), 3_500)).toBe(1_500);
    expect(lagOf(samples, lsnValue('0/100'), 3_500)).toBe(2_500);
  });

  it('is at least the age of the oldest sample when the replica is behind all of them; unknown without samples', () => {
    expect(lagOf([s('0/100', 1_000), s('0/200', 2_000)], lsnValue('0/50'), 9_000)).toBe(8_000);
    expect(lagOf([], 0n, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('retries on the primary for the replica\'s faults only', () => {
    expect(isReplicaFault(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5'), { code: 'ECONNREFUSED' }))).toBe('down');
    expect(isReplicaFault({ driverError: { code: '57P01' }, message: 'terminating connection due to administrator command' })).toBe('down');
    expect(isReplicaFault(new Error('Connection terminated unexpectedly'))).toBe('down');
    expect(isReplicaFault(new ConnectionLostError(new Error('released')))).toBe('down');
    expect(isReplicaFault({ code: '40001', message: 'canceling statement due to conflict with recovery' })).toBe('conflict');
    expect(isReplicaFault({ code: '40P01', message: 'canceling statement due to conflict with recovery' })).toBe('conflict');
    expect(isReplicaFault({ code: '40P01', message: 'deadlock detected' })).toBeNull();
    expect(isReplicaFault({ code: '40001', message: 'could not serialize access' })).toBeNull();
    expect(isReplicaFault({ code: '57014', message: 'canceling statement due to statement timeout' })).toBeNull();
    expect(isReplicaFault({ code: '42P01', message: 'relation does not exist' })).toBeNull();
  });
});
