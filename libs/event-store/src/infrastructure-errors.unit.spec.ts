import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isInfrastructureError, isTransientError, TransientFailure } from './infrastructure-errors';

describe('infrastructure and transient errors', () => {
  it('counts a lost connection as infrastructure, whichever layer reports it', () => {
    expect(isInfrastructureError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isInfrastructureError(new Error('Connection terminated unexpectedly'))).toBe(true);
    // after a database restart TypeORM gives the transaction's runner back before its next query
    expect(isInfrastructureError(new QueryRunnerAlreadyReleasedError())).toBe(true);
  });

  it('retries conflicts and deadlocks but not a refused value or a bug', () => {
    expect(isTransientError(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isTransientError(new TransientFailure('raced'))).toBe(true);
    expect(isTransientError(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isTransientError(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
  });
});
