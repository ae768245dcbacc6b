// docker-compose.yml, deploy/docker/service.Dockerfile and .dockerignore, checked without a Docker engine:
// the real files against the services that exist in services/*/src/main.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfigFileTextToJson } from 'typescript';
import { SERVICE_SCHEMAS } from '../../deploy/migrate/service-schemas';
import {
  buildOf,
  checkBuildLayout,
  checkDockerfile,
  checkDockerignore,
  checkInfrastructure,
  checkMigrate,
  checkOperatorsPort,
  checkResourceLimits,
  checkNoDefaultSecrets,
  checkSecrets,
  checkService,
  checkServices,
  checkWiring,
  ComposeFile,
  DEFAULT_PORTS,
  dockerignored,
  MIGRATE_SERVICE,
  NODE_BASE,
  ONE_SHOTS,
  parseCompose,
  resolvedEnvironment,
  secretsOf,
  SERVICE_DOCKERFILE,
} from './compose-checks';
import { loadServiceConfig } from '@support/service-kit';

const ROOT = resolve(__dirname, '../..');

/** dclint (docker-compose linter) over a file, with the repository's .dclintrc.yaml */
function dclint(file: string): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/dclint/bin/dclint.cjs'), file, '--color', 'false', '--config', join(ROOT, '.dclintrc.yaml')], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: run.status, stdout: run.stdout.trim() };
}

/** Services present in the repo: every services/<name>/src/main.ts. */
function repoServices(): string[] {
  const dir = join(ROOT, 'services');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const compose = (): ComposeFile => parseCompose(read('docker-compose.yml'));
const clone = (): ComposeFile => structuredClone(compose());

/** A compose service built from the shared Dockerfile, to mutate in the "can fail" checks. */
function aBuiltService(c: ComposeFile): string {
  const name = Object.keys(c.services ?? {}).find((n) => !ONE_SHOTS.includes(n) && buildOf(c.services![n]!)?.dockerfile === SERVICE_DOCKERFILE);
  if (!name) throw new Error(`docker-compose.yml has no service built from ${SERVICE_DOCKERFILE}`);
  return name;
}

describe('docker-compose.yml', () => {
  it('parses (merge keys on, no duplicate keys)', () => {
    expect(Object.keys(compose().services ?? {})).toEqual(expect.arrayContaining(['kafka', 'postgres']));
  });

  it('runs kafka from apache/kafka (KRaft, unlimited retention, host listener) and postgres from postgres', () => {
    expect(checkInfrastructure(compose())).toEqual([]);
  });

  for (const name of repoServices()) {
    it(`has ${name} (found in services/) built from the shared Dockerfile, on its default port, wired to Kafka and PostgreSQL`, () => {
      expect(checkService(compose(), name)).toEqual([]);
    });
  }

  it('builds only services that exist in services/, each under its own name', () => {
    expect(checkServices(compose(), repoServices())).toEqual([]);
  });

  it('has every depends_on target health-checked, every named volume declared, and no host port twice', () => {
    expect(checkWiring(compose())).toEqual([]);
  });

  it('limits every container in CPU and memory', () => {
    expect(checkResourceLimits(compose())).toEqual([]);
  });

  it('migrates in a one-shot before the services, with every role password required', () => {
    expect(checkMigrate(compose(), repoServices())).toEqual([]);
  });

  it('gives no password, secret or key a default, and declares every secret a service names', () => {
    expect(checkNoDefaultSecrets(read('docker-compose.yml'))).toEqual([]);
    expect(checkSecrets(compose())).toEqual([]);
  });

  it('passes dclint: the compose-spec schema and its safety rules (every published port bound to an interface)', () => {
    const { status, stdout } = dclint(join(ROOT, 'docker-compose.yml'));
    expect({ status, stdout }).toEqual({ status: 0, stdout: '' });
  });

  it('gives every service with a keyring access the personal-data key-encryption key as a secret file, one make-secrets.sh makes, and no other', () => {
    const withKeyring = SERVICE_SCHEMAS.filter((s) => s.keyring).map((s) => s.service);
    expect(withKeyring).toEqual(expect.arrayContaining(['intake', 'field-service', 'lead-pool', 'dashboard']));
    for (const { service } of SERVICE_SCHEMAS) {
      const definition = compose().services![service]!;
      const env = definition.environment as Record<string, string>;
      expect([service, env.PERSONAL_DATA_KEK]).toEqual([service, undefined]);
      const needs = withKeyring.includes(service);
      expect([service, env.PERSONAL_DATA_KEK_FILE]).toEqual([service, needs ? '/run/secrets/personal_data_kek' : undefined]);
      expect([service, secretsOf(definition).includes('personal_data_kek')]).toEqual([service, needs]);
    }
    expect((compose().secrets ?? {}).personal_data_kek).toEqual({ file: './secrets/personal-data-kek' });
    expect(readFileSync(join(ROOT, 'deploy', 'compose', 'make-secrets.sh'), 'utf8')).toContain('openssl rand -base64 32 >secrets/personal-data-kek');
  });

  for (const name of repoServices()) {
    it(`gives ${name} the anchor-signing key as a secret file, never a value in the environment`, () => {
      const svc = compose().services![name]!;
      const env = svc.environment as Record<string, string>;
      expect(env.AUDIT_SIGNING_KEY).toBeUndefined();
      expect(env.AUDIT_SIGNING_KEY_FILE).toMatch(/^\/run\/secrets\//);
      const secret = env.AUDIT_SIGNING_KEY_FILE.slice('/run/secrets/'.length);
      expect((svc.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source))).toContain(secret);
      expect(Object.keys(compose().secrets ?? {})).toContain(secret);
    });

    it(`serves ${name}'s /metrics and /docs on an operators' port that is not published`, () => {
      expect(checkOperatorsPort(compose(), name)).toEqual([]);
    });

    it(`sets every variable ${name}'s configuration requires (its config loads from the compose environment)`, () => {
      const env = resolvedEnvironment(compose().services![name]!, 'x'.repeat(40));
      // a secret file is there in the container only: the configuration is read with a stand-in file
      const files = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value.startsWith('/run/secrets/') ? __filename : value]));
      expect(() => loadServiceConfig(files, { serviceName: name, port: DEFAULT_PORTS[name] })).not.toThrow();
    });
  }
});

describe('deploy/docker/service.Dockerfile', () => {
  it('exists where compose builds from', () => {
    expect(existsSync(join(ROOT, SERVICE_DOCKERFILE))).toBe(true);
  });

  it('is multi-stage on node:24-bookworm-slim, ships only dist/ as non-root, CMD from ENV SERVICE', () => {
    expect(checkDockerfile(read(SERVICE_DOCKERFILE))).toEqual([]);
  });

  it('runs the Node major that .nvmrc pins for the local scripts and package.json engines asks for', () => {
    const pinned = read('.nvmrc').trim();
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const major = pinned.split('.')[0];
    expect(NODE_BASE).toBe(`node:${major}-bookworm-slim`);
    expect(JSON.parse(read('package.json')).engines.node).toBe(`>=${major}`);
  });

  it('builds with npm run build into dist/ laid out like the repo', () => {
    const tsconfig = parseConfigFileTextToJson('tsconfig.build.json', read('tsconfig.build.json'));
    if (tsconfig.error) throw new Error(`tsconfig.build.json: ${String(tsconfig.error.messageText)}`);
    expect(checkBuildLayout(JSON.parse(read('package.json')), tsconfig.config)).toEqual([]);
  });

  it('gets everything it copies through .dockerignore', () => {
    expect(checkDockerignore(read('.dockerignore'), read(SERVICE_DOCKERFILE))).toEqual([]);
  });
});

// the checks above pass on the real files; these prove each one can fail
describe('the checks can fail', () => {
  it('dclint refuses a key the compose spec does not know, and a port published on every interface', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    const lint = (name: string, service: string) => {
      writeFileSync(join(dir, name), `services:\n  web:\n    image: nginx:1.27\n${service}`);
      return dclint(join(dir, name));
    };
    const misspelt = lint('misspelt.yml', '    restrat: always\n');
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.stdout).toMatch(/invalid-schema/);
    const open = lint('open.yml', '    ports:\n      - target: 80\n        published: "8080"\n');
    rmSync(dir, { recursive: true, force: true });
    expect(open.status).not.toBe(0);
    expect(open.stdout).toMatch(/no-unbound-port-interfaces/);
  });

  it('reports a service in services/ that compose lacks', () => {
    // a new services/<name>/ that nobody added to compose yet
    const lacking = 'billing';
    expect(checkServices(compose(), [...repoServices(), lacking])).toContain(
      `${lacking}: services/${lacking}/src/main.ts exists but docker-compose.yml has no "${lacking}" service`,
    );
  });

  it('reports a service dropped from compose', () => {
    const c = clone();
    const name = aBuiltService(c);
    delete c.services![name];
    expect(checkServices(c, [name]).join('\n')).toMatch(`${name}: services/${name}/src/main.ts exists`);
  });

  it('reports a compose service with no services/<name>/src/main.ts', () => {
    const c = compose();
    expect(checkServices(c, []).join('\n')).toMatch(`there is no services/${aBuiltService(c)}/src/main.ts`);
  });

  it('reports a wrong port, a wrong SERVICE arg, a missing variable, a defaulted secret, a weak dependency', () => {
    const c = clone();
    const name = aBuiltService(c);
    const svc = c.services![name]!;
    svc.ports = ['3999:3999'];
    (svc.build as { args: Record<string, string> }).args = { SERVICE: 'other' };
    const env = svc.environment as Record<string, string>;
    delete env['KAFKA_BROKERS'];
    env['AUTH_JWT_SECRET'] = '${AUTH_JWT_SECRET:-dev}';
    svc.depends_on = ['kafka', 'postgres'];
    const problems = checkService(c, name).join('\n');
    expect(problems).toMatch(`does not publish its default port ${DEFAULT_PORTS[name]}`);
    expect(problems).toMatch('build arg SERVICE is other');
    expect(problems).toMatch('environment lacks KAFKA_BROKERS');
    expect(problems).toMatch('AUTH_JWT_SECRET must be required');
    expect(problems).toMatch('depends_on kafka is service_started, not service_healthy');
  });

  it('reports a service that connects as the superuser, with a defaulted password, before the migration', () => {
    const c = clone();
    const name = aBuiltService(c);
    const svc = c.services![name]!;
    (svc.environment as Record<string, string>)['DATABASE_URL'] = 'postgres://postgres:${POSTGRES_PASSWORD:-postgres}@postgres:5432/support';
    delete (svc.depends_on as Record<string, unknown>)[MIGRATE_SERVICE];
    const problems = checkService(c, name).join('\n');
    expect(problems).toMatch('DATABASE_URL connects as postgres, not its runtime role');
    expect(problems).toMatch("DATABASE_URL's password must be required");
    expect(problems).toMatch(`does not depend on ${MIGRATE_SERVICE} completing successfully`);
    expect(checkNoDefaultSecrets('x: ${POSTGRES_PASSWORD:-postgres}')).toEqual(['POSTGRES_PASSWORD has a default; require it with ${POSTGRES_PASSWORD:?...}']);
  });

  it('reports a container without limits, and an operators port left out or published', () => {
    const c = clone();
    const name = aBuiltService(c);
    const svc = c.services![name]!;
    delete svc.deploy;
    expect(checkResourceLimits(c)).toEqual([`${name}: no CPU limit (deploy.resources.limits.cpus)`, `${name}: no memory limit (deploy.resources.limits.memory)`]);
    svc.ports = [...(svc.ports ?? []), { target: 9464, published: '9464', host_ip: '127.0.0.1' }];
    expect(checkOperatorsPort(c, name)).toEqual([`${name}: OPS_PORT 9464 is published; /metrics and /docs are for the compose network only`]);
    delete (svc.environment as Record<string, string>)['OPS_PORT'];
    expect(checkOperatorsPort(c, name)).toEqual([`${name}: no OPS_PORT (/metrics and /docs would answer on its public port)`]);
  });

  it("reports a service that signs in to Kafka as another's principal, with a password in the environment, without TLS, before kafka-setup", () => {
    const c = clone();
    const name = aBuiltService(c);
    const svc = c.services![name]!;
    const env = svc.environment as Record<string, string>;
    env['KAFKA_SASL_USERNAME'] = 'admin';
    env['KAFKA_SASL_PASSWORD'] = 'secret';
    delete env['KAFKA_TLS_CA_FILE'];
    delete (svc.depends_on as Record<string, unknown>)['kafka-setup'];
    const problems = checkService(c, name).join('\n');
    expect(problems).toMatch(`KAFKA_SASL_USERNAME is admin, not its own principal ${name}`);
    expect(problems).toMatch('KAFKA_SASL_PASSWORD in the environment; use the secret file');
    expect(problems).toMatch('KAFKA_TLS_CA_FILE is not set');
    expect(problems).toMatch('does not depend on kafka-setup completing successfully');
  });

  it('reports a missing migrate one-shot, a migrate without a role password, an undeclared secret', () => {
    const c = clone();
    delete (c.services![MIGRATE_SERVICE]!.environment as Record<string, string>)['SUPPORT_INTAKE_PASSWORD'];
    expect(checkMigrate(c, ['intake']).join('\n')).toMatch('SUPPORT_INTAKE_PASSWORD does not require');
    delete c.services![MIGRATE_SERVICE];
    expect(checkMigrate(c, ['intake'])).toEqual([`no "${MIGRATE_SERVICE}" one-shot service`]);
    c.services![aBuiltService(c)]!.secrets = ['db_password'];
    expect(checkSecrets(c).join('\n')).toMatch('uses secret "db_password", not declared');
  });

  it('reports a variable a service requires that compose does not set', () => {
    const c = clone();
    const name = aBuiltService(c);
    delete (c.services![name]!.environment as Record<string, string>)['DATABASE_URL'];
    expect(() => loadServiceConfig(resolvedEnvironment(c.services![name]!, 'x'.repeat(40)), { serviceName: name, port: DEFAULT_PORTS[name] })).toThrow(/DATABASE_URL/);
  });

  it('reports a service without a default port', () => {
    const c = clone();
    const name = aBuiltService(c);
    c.services!['unknown-service'] = c.services![name];
    expect(checkService(c, 'unknown-service').join('\n')).toMatch('no default port known');
  });

  it('reports a duplicate host port, an undeclared volume, a dependency without healthcheck', () => {
    const c = clone();
    c.services!['copy'] = { ...c.services![aBuiltService(c)]!, volumes: ['undeclared:/data'] };
    c.services!['postgres']!.healthcheck = null;
    const problems = checkWiring(c).join('\n');
    expect(problems).toMatch(/host port \d+ is published by both/);
    expect(problems).toMatch('uses volume "undeclared"');
    expect(problems).toMatch('depends on "postgres", which has no healthcheck');
  });

  it('reports kafka from another image, with retention, and postgres from another image', () => {
    const c = clone();
    c.services!['kafka']!.image = 'confluentinc/cp-kafka:7.6.0';
    (c.services!['kafka']!.environment as Record<string, unknown>)['KAFKA_LOG_RETENTION_MS'] = 604800000;
    c.services!['postgres']!.image = 'bitnami/postgresql:16';
    const problems = checkInfrastructure(c).join('\n');
    expect(problems).toMatch('not the official apache/kafka');
    expect(problems).toMatch('KAFKA_LOG_RETENTION_MS must be -1');
    expect(problems).toMatch('not the official postgres');
  });

  it('reports a Dockerfile whose CMD cannot see SERVICE, that runs as root, or ships sources', () => {
    const text = read(SERVICE_DOCKERFILE)
      .replace(/^ENV SERVICE=\$\{SERVICE\}/m, 'ENV SERVICE_NAME=${SERVICE}')
      .replace(/^USER .*$/m, 'USER root')
      .replace(/^CMD .*$/m, 'CMD ["node", "dist/main.js"]')
      .replace(/^(COPY --from=build \/app\/dist .*)$/m, '$1\nCOPY --from=build /app/libs ./libs');
    const problems = checkDockerfile(text).join('\n');
    expect(problems).toMatch('does not carry SERVICE into ENV');
    expect(problems).toMatch('final stage runs as root');
    expect(problems).toMatch('does not start dist/services/${SERVICE}/src/main.js');
    expect(problems).toMatch('does not pass Node the flags in deploy/node-flags');
    expect(problems).toMatch('only dist/ belongs there');
  });

  it('reports a missing build script and a moved outDir', () => {
    const problems = checkBuildLayout({ scripts: {} }, { compilerOptions: { outDir: 'build', rootDir: '.' } }).join('\n');
    expect(problems).toMatch('no "build" script');
    expect(problems).toMatch('outDir is build');
  });

  it('reports a .dockerignore that hides what the Dockerfile copies', () => {
    expect(dockerignored(['**/node_modules'], 'libs/x/node_modules/y')).toBe(true);
    expect(dockerignored(['services', '!services/intake'], 'services/intake/src/main.ts')).toBe(false);
    expect(checkDockerignore(`${read('.dockerignore')}\nlibs\n`, read(SERVICE_DOCKERFILE))).toContain('.dockerignore hides libs, which the Dockerfile copies');
  });
});
