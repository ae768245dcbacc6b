import { ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { SubjectErased } from '@support/personal-data';
import { toErrorBody } from './http-error.filter';

describe('toErrorBody', () => {
  it('keeps the status and message of HTTP exceptions', () => {
    expect(toErrorBody(new ConflictException('ticket is closed'))).toEqual({ statusCode: 409, error: 'Conflict', message: 'ticket is closed' });
    expect(toErrorBody(new NotFoundException())).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found' });
    expect(toErrorBody(new HttpException('slow down', 429))).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'slow down' });
    expect(toErrorBody(new HttpException({ message: ['a', 'b'], extra: 'dropped' }, 422))).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: ['a', 'b'],
    });
  });

  it("answers 409 for a change that would record an erased subject's personal data", () => {
    const subject = '5f0c7a52-3d1e-4c59-9a57-2b8f0e6d4c11';
    expect(toErrorBody(new SubjectErased(subject, 'support.visit.scheduled.v1'))).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `the personal data of ${subject} was erased: support.visit.scheduled.v1 cannot record it again`,
    });
  });

  it('hides everything about other errors', () => {
    for (const thrown of [new Error('db password is x'), 'a string', null, { status: 400 }]) {
      expect(toErrorBody(thrown)).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
    }
  });

  it('answers 503 when the database is unreachable, naming no internals', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = new Error('Connection terminated unexpectedly');
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { driverError: { code: '57P01' } });
    for (const thrown of [refused, terminated, shuttingDown]) {
      expect(toErrorBody(thrown)).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'a dependency of this service is unreachable; retry later' });
    }
    // a refusal of the database's own (a constraint, a syntax error) stays a bug
    expect(toErrorBody(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toMatchObject({ statusCode: 500 });
  });
});
