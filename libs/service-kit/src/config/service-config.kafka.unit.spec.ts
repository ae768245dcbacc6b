import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceConfig } from '..';
import { defaults, good, problemsOf } from './service-config.test-fixtures';

describe('loadServiceConfig: signing in to Kafka', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-config-'));
  const passwordFile = join(dir, 'password');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(passwordFile, 'from-a-file\n');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { KAFKA_SASL_USERNAME: _user, KAFKA_SASL_PASSWORD: _password, ...anonymous } = good;

  it('refuses to start in production without a Kafka principal', () => {
    expect(problemsOf(() => loadServiceConfig(anonymous, defaults))).toEqual(['KAFKA_SASL_USERNAME is required when NODE_ENV is production (services sign in to Kafka)']);
  });

  it('connects anonymously only outside production, to an open broker', () => {
    expect(loadServiceConfig({ ...anonymous, NODE_ENV: 'development' }, defaults).kafka).toEqual({ brokers: ['kafka-1:9092', 'kafka-2:9092'], tls: undefined });
  });

  it('needs a password with the principal, from a file or the variable', () => {
    const { KAFKA_SASL_PASSWORD: _p, ...noPassword } = good;
    expect(problemsOf(() => loadServiceConfig(noPassword, defaults))).toEqual(['KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SASL_USERNAME']);
    expect(loadServiceConfig({ ...noPassword, KAFKA_SASL_PASSWORD_FILE: passwordFile }, defaults).kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'intake',
      password: 'from-a-file',
    });
  });

  it('names a password or CA file that is not there, and a mechanism it does not speak', () => {
    expect(
      problemsOf(() =>
        loadServiceConfig({ ...good, KAFKA_SASL_PASSWORD_FILE: join(dir, 'nope'), KAFKA_TLS_CA_FILE: join(dir, 'nope.pem'), KAFKA_SASL_MECHANISM: 'plain' }, defaults),
      ),
    ).toEqual([
      'KAFKA_SASL_PASSWORD_FILE must name a file that exists',
      'KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256',
      'KAFKA_TLS_CA_FILE must name a file that exists',
    ]);
  });

  it("signs in as the service itself from a local broker's credentials file, unless a principal is given", () => {
    const credentials = join(dir, 'credentials.json');
    writeFileSync(credentials, JSON.stringify({ intake: 'from-the-broker', routing: 'not-mine' }));
    expect(loadServiceConfig({ ...anonymous, NODE_ENV: 'development', KAFKA_CREDENTIALS_FILE: credentials }, defaults).kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'intake',
      password: 'from-the-broker',
    });
    expect(loadServiceConfig({ ...good, KAFKA_CREDENTIALS_FILE: credentials }, defaults).kafka.sasl?.password).toBe('kafka-s3cret');
  });

  it('goes over TLS against the given CA, or the system CAs with KAFKA_TLS=true', () => {
    expect(loadServiceConfig({ ...good, KAFKA_TLS_CA_FILE: caFile }, defaults).kafka.tls).toEqual({ ca: readFileSync(caFile, 'utf8') });
    expect(loadServiceConfig({ ...good, KAFKA_TLS: 'true' }, defaults).kafka.tls).toEqual({});
    expect(problemsOf(() => loadServiceConfig({ ...good, KAFKA_TLS: 'yes' }, defaults))).toEqual(['KAFKA_TLS must be true or false']);
  });
});
