import { ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { IsString, ValidateNested, validateSync } from 'class-validator';
import { SubjectErased } from '@support/personal-data';
import { instanceOf, InvalidFieldsException, problemOf } from './problem-details';
import { fieldErrors } from './validation.pipe';

const v1 = (status: number, error: string, message: string | string[]) => ({ statusCode: status, error, message });

describe('problemOf', () => {
  it('answers RFC 9457 members and keeps v1 ones, for HTTP exceptions', () => {
    expect(problemOf(new ConflictException('ticket is closed'), '/v1/tickets/1/close')).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'ticket is closed',
      instance: '/v1/tickets/1/close',
      ...v1(409, 'Conflict', 'ticket is closed'),
    });
    expect(problemOf(new NotFoundException())).toMatchObject({ title: 'Not Found', status: 404, detail: 'Not Found', ...v1(404, 'Not Found', 'Not Found') });
    expect(problemOf(new HttpException('slow down', 429))).toMatchObject({ title: 'Too Many Requests', status: 429, detail: 'slow down' });
    const several = problemOf(new HttpException({ message: ['a', 'b'], extra: 'dropped' }, 422));
    expect(several).toMatchObject({ status: 422, detail: 'a; b', ...v1(422, 'Unprocessable Entity', ['a', 'b']) });
    expect(several).not.toHaveProperty('extra');
    expect(several).not.toHaveProperty('instance');
  });

  it('lists each failed field rule as an extension member', () => {
    class Customer {
      @IsString() name!: string;
    }
    class Body {
      @IsString() problem!: string;
      @ValidateNested() customer!: Customer;
    }
    const body = Object.assign(new Body(), { problem: 1, customer: Object.assign(new Customer(), { name: 2 }) });
    const problem = problemOf(new InvalidFieldsException(fieldErrors(validateSync(body))));
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([
      { field: 'problem', rule: 'isString', detail: 'problem must be a string' },
      { field: 'customer.name', rule: 'isString', detail: 'customer.name must be a string' },
    ]);
    expect(problem.message).toEqual(['problem must be a string', 'customer.name must be a string']);
    expect(problem.detail).toBe('problem must be a string; customer.name must be a string');
  });

  it("answers 409 for a change that would record an erased subject's personal data", () => {
    const subject = '5f0c7a52-3d1e-4c59-9a57-2b8f0e6d4c11';
    const message = `the personal data of ${subject} was erased: support.visit.scheduled.v1 cannot record it again`;
    expect(problemOf(new SubjectErased(subject, 'support.visit.scheduled.v1'))).toMatchObject({ status: 409, detail: message, ...v1(409, 'Conflict', message) });
  });

  it('hides everything about other errors', () => {
    for (const thrown of [new Error('db password is x'), 'a string', null, { status: 400 }]) {
      expect(problemOf(thrown)).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Internal server error',
        ...v1(500, 'Internal Server Error', 'Internal server error'),
      });
    }
  });

  it('answers 503 when the database is unreachable, naming no internals', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = new Error('Connection terminated unexpectedly');
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { driverError: { code: '57P01' } });
    for (const thrown of [refused, terminated, shuttingDown]) {
      expect(problemOf(thrown)).toMatchObject({ status: 503, detail: 'a dependency of this service is unreachable; retry later', statusCode: 503 });
    }
    // a refusal of the database's own (a constraint, a syntax error) stays a bug
    expect(problemOf(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toMatchObject({ status: 500 });
  });

  it('takes the path of the request, not its query', () => {
    expect(instanceOf('/v1/customers?phone=13800000000')).toBe('/v1/customers');
    expect(instanceOf('/v1/tickets/1')).toBe('/v1/tickets/1');
  });
});
