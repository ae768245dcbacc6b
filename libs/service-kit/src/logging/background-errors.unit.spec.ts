import { TransientFailure } from '@support/event-store';
import { logBackgroundErrors } from './background-errors';
import { createLogger } from './create-logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('svc', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, report: logBackgroundErrors(logger) };
}

describe('logBackgroundErrors', () => {
  it('names the event a consumer failed on: topic, partition, offset, id and type', () => {
    const { lines, report } = capture();
    report(new Error('handler refuses'), { topic: 'support.routing.v1', partition: 2, offset: '41', eventId: 'e-1', eventType: 'support.routing.assignment-decided.v1' });
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'background error',
      topic: 'support.routing.v1',
      partition: 2,
      offset: '41',
      eventId: 'e-1',
      eventType: 'support.routing.assignment-decided.v1',
      err: { message: 'handler refuses' },
    });
  });

  it('warns of a transient failure (it is retried), and leaves out what a report does not know', () => {
    const { lines, report } = capture();
    report(new TransientFailure('deadlock detected'), { topic: 'support.tickets.v1', partition: 0, offset: '7' });
    report(new Error('relay lost its connection'));
    report(new Error('consumer of g could not join'), { topic: 'a,b', partition: -1, offset: '-1' });
    expect(lines[0]).toMatchObject({ level: 40, msg: 'background retry', topic: 'support.tickets.v1', partition: 0, offset: '7' });
    expect(lines[0]).not.toHaveProperty('eventId');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'background error' });
    expect(lines[1]).not.toHaveProperty('topic');
    // a group-level report has no partition or offset of its own
    expect(lines[2]).toMatchObject({ topic: 'a,b' });
    expect(lines[2]).not.toHaveProperty('partition');
  });
});
