import { logLevel } from 'kafkajs';
import pino from 'pino';
import { createKafka, kafkaLogLevel } from './kafka-client';

// kafkajs logs every failed response at ERROR although it retries; at a service's start the group
// coordinator is often not there yet, and those lines must not read as errors.

const entry = (level: logLevel, message: string, error?: string, namespace = '') => ({ namespace, level, log: { message, ...(error ? { error } : {}) } });

describe('kafkaLogLevel', () => {
  it('puts one failed response in a transient cluster state, which kafkajs retries, at debug', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available', 'Connection'))).toBe('debug');
    expect(
      kafkaLogLevel(
        entry(
          logLevel.ERROR,
          'Response Metadata(key: 3, version: 6)',
          'There is no leader for this topic-partition as we are in the middle of a leadership election',
          'Connection',
        ),
      ),
    ).toBe('debug');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', 'This server does not host this topic-partition', 'Connection'))).toBe('debug');
  });

  it('puts a retry, a rejoin or a restart after a transient state at warn', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'This server is not the leader for that topic-partition', undefined, 'BrokerPool'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'The coordinator is not aware of this member, re-joining the group', undefined, 'Runner'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Failed to send messages: The group coordinator is not available'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Restarting the consumer in 300ms', undefined, 'Consumer'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Failed to connect to seed broker, trying another broker from the list: Connection timeout', undefined, 'BrokerPool'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Connection timeout', undefined, 'Connection'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', undefined, 'Connection'))).toBe('warn');
  });

  it('keeps other errors, and a consumer crash whatever its cause, at error', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', undefined, 'Consumer'))).toBe('error');
    expect(
      kafkaLogLevel(
        entry(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', 'The request included a message larger than the max message size the server will accept', 'Connection'),
      ),
    ).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic with this name already exists', 'Connection'))).toBe('error');
  });

  it("maps kafkajs' other levels to pino's", () => {
    expect(kafkaLogLevel(entry(logLevel.WARN, 'KafkaJS v2.0.0 switched default partitioner'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.INFO, 'Consumer has joined the group'))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.DEBUG, 'Request Fetch(key: 1, version: 11)'))).toBe('debug');
  });
});

describe('createKafka', () => {
  it("writes kafkajs' log through the given pino logger, at the mapped level, with kafkajs' fields", () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug', base: { service: 'intake' } }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const kafka = createKafka('intake', { brokers: ['127.0.0.1:9092'] }, logger);

    kafka.logger().namespace('Connection').error('Response GroupCoordinator(key: 10, version: 2)', { broker: '127.0.0.1:9092', error: 'The group coordinator is not available' });
    kafka.logger().namespace('Consumer').error('Restarting the consumer in 300ms', { groupId: 'intake.routing-decisions' });
    kafka.logger().namespace('Consumer').error('Crash: KafkaJSNonRetriableError: boom', { groupId: 'intake.routing-decisions' });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 20,
        service: 'intake',
        component: 'kafkajs',
        namespace: 'Connection',
        broker: '127.0.0.1:9092',
        error: 'The group coordinator is not available',
        msg: 'Response GroupCoordinator(key: 10, version: 2)',
      }),
      expect.objectContaining({ level: 40, component: 'kafkajs', namespace: 'Consumer', groupId: 'intake.routing-decisions', msg: 'Restarting the consumer in 300ms' }),
      expect.objectContaining({ level: 50, component: 'kafkajs', namespace: 'Consumer', msg: 'Crash: KafkaJSNonRetriableError: boom' }),
    ]);
    expect(lines[0]).not.toHaveProperty('logger');
  });

  it('asks kafkajs for its info lines only when the logger is at debug', () => {
    const quiet: string[] = [];
    const kafka = createKafka('intake', { brokers: ['127.0.0.1:9092'] }, pino({ level: 'info' }, { write: (line: string) => quiet.push(line) }));
    kafka.logger().info('Consumer has joined the group', {});
    kafka.logger().warn('a warning', {});
    expect(quiet.map((line) => JSON.parse(line).msg)).toEqual(['a warning']);
  });
});
