// pure checks of docker-compose.yml, deploy/docker/service.Dockerfile and .dockerignore.
// each check returns the problems it found (empty = fine), so a failing spec names all of them at once
// and the spec can prove, on mutated copies, that every check is able to fail.
import { posix } from 'node:path';
import { parse } from 'yaml';

/** Default ports of every service: API.md, "Every service". A new service needs its line here. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  dashboard: 3000,
  intake: 3001,
  routing: 3002,
  'sla-monitor': 3003,
  'field-service': 3004,
  'knowledge-base': 3005,
  'lead-pool': 3006,
};

export const SERVICE_DOCKERFILE = 'deploy/docker/service.Dockerfile';
export const REQUIRED_ENV = ['PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'AUTH_JWT_SECRET'] as const;
export const INTERNAL_KAFKA = 'kafka:9092';
export const HOST_KAFKA_PORT = 29092;

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> | string[] };
  environment?: Record<string, unknown> | string[];
  ports?: Array<string | number | { target?: number | string; published?: number | string; host_ip?: string }>;
  depends_on?: string[] | Record<string, { condition?: string } | null>;
  healthcheck?: { test?: string | string[]; disable?: boolean } | null;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  restart?: string;
  command?: string | string[];
  secrets?: Array<string | { source?: string }>;
  deploy?: { resources?: { limits?: { cpus?: string | number; memory?: string } } };
}

export interface ComposeFile {
  services?: Record<string, ComposeService | null>;
  volumes?: Record<string, unknown> | null;
  secrets?: Record<string, unknown> | null;
}

/** the one-shot that migrates every schema before the services start */
export const MIGRATE_SERVICE = 'migrate';
export const MIGRATE_ENTRY = 'dist/deploy/migrate/migrate.js';
/** the one-shot that makes the topics and grants every Kafka principal its ACLs before the services start */
export const KAFKA_SETUP_SERVICE = 'kafka-setup';
/** one-shots built from the service image that are not services themselves */
export const ONE_SHOTS: readonly string[] = [MIGRATE_SERVICE, KAFKA_SETUP_SERVICE];

/** Parses compose YAML the way compose does: `<<` merge keys on, duplicate keys an error. */
export function parseCompose(text: string): ComposeFile {
  const doc = parse(text, { merge: true, uniqueKeys: true }) as unknown;
  if (!doc || typeof doc !== 'object') throw new Error('docker-compose.yml is not a YAML mapping');
  return doc as ComposeFile;
}

// ---------------------------------------------------------------------------------------------
// normalising the several spellings compose accepts

export function environmentOf(svc: ComposeService): Record<string, string | undefined> {
  const env = svc.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, undefined] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? undefined : String(v)]));
}

export function dependenciesOf(svc: ComposeService): Record<string, string> {
  const deps = svc.depends_on;
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v?.condition ?? 'service_started']));
}

export interface PortMapping {
  published?: number;
  target: number;
}

/** Short ("[ip:]host:container[/proto]") and long ({ target, published }) port syntax. */
export function portsOf(svc: ComposeService): PortMapping[] {
  return (svc.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return { target: Number(p.target), published: p.published === undefined ? undefined : Number(p.published) };
    }
    // read from the right: a host ip in front may itself contain ':' (or an interpolation)
    const parts = String(p).split('/')[0].split(':');
    const target = Number(parts[parts.length - 1]);
    const published = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
    return { target, published };
  });
}

/** Named volumes a service mounts, with where it mounts them. */
export function namedVolumesOf(svc: ComposeService): Array<{ name: string; target: string }> {
  const out: Array<{ name: string; target: string }> = [];
  for (const v of svc.volumes ?? []) {
    if (typeof v === 'object') {
      if ((v.type ?? 'volume') === 'volume' && v.source) out.push({ name: v.source, target: v.target ?? '' });
      continue;
    }
    const [source, target] = v.split(':');
    // a bind mount starts with a path; a bare container path (anonymous volume) has no target
    if (target !== undefined && source && !/^[./~$]/.test(source) && !source.includes('/')) {
      out.push({ name: source, target });
    }
  }
  return out;
}

export interface BuildSpec {
  dockerfile: string;
  args: Record<string, string | undefined>;
}

/** The Dockerfile (relative to the compose file) and build args, or undefined for a pulled image. */
export function buildOf(svc: ComposeService): BuildSpec | undefined {
  const build = svc.build;
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { dockerfile: posix.normalize(posix.join(build, 'Dockerfile')), args: {} };
  const rawArgs = build.args ?? {};
  const args = Array.isArray(rawArgs)
    ? Object.fromEntries(rawArgs.map((a) => [a.split('=')[0], a.includes('=') ? a.slice(a.indexOf('=') + 1) : undefined]))
    : Object.fromEntries(Object.entries(rawArgs).map(([k, v]) => [k, v === null ? undefined : String(v)]));
  return { dockerfile: posix.normalize(posix.join(build.context ?? '.', build.dockerfile ?? 'Dockerfile')), args };
}

function healthcheckText(svc: ComposeService): string | undefined {
  const hc = svc.healthcheck;
  if (!hc || hc.disable || hc.test === undefined) return undefined;
  const test = Array.isArray(hc.test) ? hc.test.join(' ') : hc.test;
  return /^NONE\b/.test(test) ? undefined : test;
}

// ---------------------------------------------------------------------------------------------
// checks

/** Kafka (official image, KRaft, listeners, unlimited retention) and PostgreSQL (official image). */
export function checkInfrastructure(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};

  const kafka = services['kafka'];
  if (!kafka) {
    problems.push('no "kafka" service');
  } else {
    if (!/^apache\/kafka(:|@|$)/.test(kafka.image ?? '')) problems.push(`kafka: image ${kafka.image} is not the official apache/kafka`);
    const env = environmentOf(kafka);
    const roles = (env['KAFKA_PROCESS_ROLES'] ?? '').split(',').map((r) => r.trim());
    if (!roles.includes('broker') || !roles.includes('controller')) problems.push('kafka: KAFKA_PROCESS_ROLES must be broker,controller (KRaft, combined)');
    for (const key of ['KAFKA_NODE_ID', 'KAFKA_LISTENERS', 'KAFKA_CONTROLLER_QUORUM_VOTERS', 'KAFKA_CONTROLLER_LISTENER_NAMES', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']) {
      if (!env[key]) problems.push(`kafka: ${key} is not set`);
    }
    const advertised = env['KAFKA_ADVERTISED_LISTENERS'] ?? '';
    if (!advertised.includes(`//${INTERNAL_KAFKA}`)) problems.push(`kafka: KAFKA_ADVERTISED_LISTENERS does not advertise ${INTERNAL_KAFKA} to the services`);
    if (!advertised.includes(`:${HOST_KAFKA_PORT}`)) problems.push(`kafka: KAFKA_ADVERTISED_LISTENERS has no host listener on ${HOST_KAFKA_PORT}`);
    if (!(env['KAFKA_LISTENERS'] ?? '').includes(`:${HOST_KAFKA_PORT}`)) problems.push(`kafka: KAFKA_LISTENERS does not listen on ${HOST_KAFKA_PORT}`);
    if (!portsOf(kafka).some((p) => p.published === HOST_KAFKA_PORT && p.target === HOST_KAFKA_PORT)) {
      problems.push(`kafka: port ${HOST_KAFKA_PORT} is not published to the host`);
    }
    for (const key of ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR']) {
      if (env[key] !== '1') problems.push(`kafka: ${key} must be 1 on a single broker (is ${env[key]})`);
    }
    if (env['KAFKA_LOG_RETENTION_MS'] !== '-1') problems.push(`kafka: KAFKA_LOG_RETENTION_MS must be -1 (topics are the permanent record), is ${env['KAFKA_LOG_RETENTION_MS']}`);
    if (!healthcheckText(kafka)?.includes('kafka-broker-api-versions')) problems.push('kafka: healthcheck does not run kafka-broker-api-versions');
    const logDirs = env['KAFKA_LOG_DIRS'];
    if (!logDirs) problems.push('kafka: KAFKA_LOG_DIRS is not set (the image default is under /tmp)');
    else if (!namedVolumesOf(kafka).some((v) => v.target === logDirs)) problems.push(`kafka: no named volume mounted on KAFKA_LOG_DIRS ${logDirs}`);
  }

  const postgres = services['postgres'];
  if (!postgres) {
    problems.push('no "postgres" service');
  } else {
    if (!/^postgres(:|@|$)/.test(postgres.image ?? '')) problems.push(`postgres: image ${postgres.image} is not the official postgres`);
    if (!namedVolumesOf(postgres).some((v) => v.target === '/var/lib/postgresql/data')) problems.push('postgres: no named volume on /var/lib/postgresql/data');
    if (!healthcheckText(postgres)?.includes('pg_isready')) problems.push('postgres: healthcheck does not run pg_isready');
    if (!(environmentOf(postgres)['POSTGRES_PASSWORD'] ?? '').includes('${POSTGRES_PASSWORD')) problems.push('postgres: POSTGRES_PASSWORD is not taken from the environment');
  }
  return problems;
}

/** One service of the repo: built from the shared Dockerfile, on its port, wired to Kafka and PostgreSQL. */
export function checkService(compose: ComposeFile, name: string): string[] {
  const svc = compose.services?.[name];
  if (!svc) return [`${name}: services/${name}/src/main.ts exists but docker-compose.yml has no "${name}" service`];
  const problems: string[] = [];

  const build = buildOf(svc);
  if (!build) problems.push(`${name}: not built from the repo (no build:)`);
  else {
    if (build.dockerfile !== SERVICE_DOCKERFILE) problems.push(`${name}: builds from ${build.dockerfile}, not ${SERVICE_DOCKERFILE}`);
    if (build.args['SERVICE'] !== name) problems.push(`${name}: build arg SERVICE is ${build.args['SERVICE']}, not ${name}`);
  }

  const port = DEFAULT_PORTS[name];
  const env = environmentOf(svc);
  if (port === undefined) problems.push(`${name}: no default port known; add it to DEFAULT_PORTS (from API.md)`);
  else {
    if (!portsOf(svc).some((p) => p.published === port && p.target === port)) problems.push(`${name}: does not publish its default port ${port} as ${port}:${port}`);
    if (env['PORT'] !== String(port)) problems.push(`${name}: PORT is ${env['PORT']}, not ${port}`);
  }

  for (const key of REQUIRED_ENV) if (!env[key]) problems.push(`${name}: environment lacks ${key}`);
  if (env['NODE_ENV'] !== 'production') problems.push(`${name}: NODE_ENV is ${env['NODE_ENV']}, not production`);
  if (env['AUTH_JWT_SECRET'] && !/^\$\{AUTH_JWT_SECRET:\?/.test(env['AUTH_JWT_SECRET'])) {
    problems.push(`${name}: AUTH_JWT_SECRET must be required from the environment (\${AUTH_JWT_SECRET:?...}), never defaulted`);
  }
  if (
    env['KAFKA_BROKERS'] &&
    !env['KAFKA_BROKERS']
      .split(',')
      .map((b) => b.trim())
      .includes(INTERNAL_KAFKA)
  ) {
    problems.push(`${name}: KAFKA_BROKERS ${env['KAFKA_BROKERS']} does not name ${INTERNAL_KAFKA}`);
  }
  if (env['DATABASE_URL'] && !/^postgres(ql)?:\/\/[^/]*@postgres:5432\//.test(env['DATABASE_URL'])) {
    problems.push(`${name}: DATABASE_URL does not point at postgres:5432`);
  }
  // its own least-privilege role, whose password is required, never the superuser (or the owner)
  const role = `support_${name.replace(/-/g, '_')}`;
  const password = `${role.toUpperCase()}_PASSWORD`;
  const credentials = /^postgres(?:ql)?:\/\/([^:@/]*)(?::([^@]*))?@/.exec(env['DATABASE_URL'] ?? '');
  if (env['DATABASE_URL'] && credentials?.[1] !== role) problems.push(`${name}: DATABASE_URL connects as ${credentials?.[1] || 'nobody'}, not its runtime role ${role}`);
  if (env['DATABASE_URL'] && !(credentials?.[2] ?? '').startsWith(`\${${password}:?`))
    problems.push(`${name}: DATABASE_URL's password must be required from the environment (\${${password}:?...})`);
  for (const oneShot of ONE_SHOTS) {
    if (dependenciesOf(svc)[oneShot] !== 'service_completed_successfully') problems.push(`${name}: does not depend on ${oneShot} completing successfully`);
  }
  // its own Kafka principal, with its password from a secret file, over TLS
  const kafkaPassword = `kafka_${name.replace(/-/g, '_')}_password`;
  if (env['KAFKA_SASL_USERNAME'] !== name) problems.push(`${name}: KAFKA_SASL_USERNAME is ${env['KAFKA_SASL_USERNAME'] ?? 'unset'}, not its own principal ${name}`);
  if (env['KAFKA_SASL_PASSWORD_FILE'] !== `/run/secrets/${kafkaPassword}` || !secretsOf(svc).includes(kafkaPassword)) {
    problems.push(`${name}: its Kafka password must be the secret ${kafkaPassword} (KAFKA_SASL_PASSWORD_FILE=/run/secrets/${kafkaPassword})`);
  }
  if (env['KAFKA_SASL_PASSWORD'] !== undefined) problems.push(`${name}: KAFKA_SASL_PASSWORD in the environment; use the secret file`);
  if (!env['KAFKA_TLS_CA_FILE']) problems.push(`${name}: KAFKA_TLS_CA_FILE is not set (Kafka is reached over TLS only)`);

  const deps = dependenciesOf(svc);
  for (const dep of ['kafka', 'postgres']) {
    if (deps[dep] !== 'service_healthy') problems.push(`${name}: depends_on ${dep} is ${deps[dep] ?? 'missing'}, not service_healthy`);
  }
  if (!healthcheckText(svc)?.includes('/health/ready')) problems.push(`${name}: no healthcheck on /health/ready`);
  if (!svc.restart || svc.restart === 'no') problems.push(`${name}: no restart policy`);
  return problems;
}

/** Every repo service, and the other way round: every service built from the Dockerfile names a real one. */
export function checkServices(compose: ComposeFile, repoServices: readonly string[]): string[] {
  const problems = repoServices.flatMap((name) => checkService(compose, name));
  for (const [name, svc] of Object.entries(compose.services ?? {})) {
    const build = svc && buildOf(svc);
    if (!build || build.dockerfile !== SERVICE_DOCKERFILE || ONE_SHOTS.includes(name)) continue;
    const target = build.args['SERVICE'];
    if (target !== name) problems.push(`${name}: compose service name and build arg SERVICE (${target}) differ`);
    if (!target || !repoServices.includes(target)) problems.push(`${name}: builds SERVICE=${target}, but there is no services/${target}/src/main.ts`);
  }
  return problems;
}

/** depends_on targets exist and are health-checked; named volumes are declared; host ports are unique. */
export function checkWiring(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  const declaredVolumes = Object.keys(compose.volumes ?? {});
  const hostPorts = new Map<number, string>();
  for (const [name, svc] of Object.entries(services)) {
    if (!svc) {
      problems.push(`${name}: empty service`);
      continue;
    }
    for (const dep of Object.keys(dependenciesOf(svc))) {
      const target = services[dep];
      if (!target) problems.push(`${name}: depends on "${dep}", which is not a service`);
      else if (dependenciesOf(svc)[dep] !== 'service_completed_successfully' && !healthcheckText(target)) problems.push(`${name}: depends on "${dep}", which has no healthcheck`);
    }
    for (const { name: volume } of namedVolumesOf(svc)) {
      if (!declaredVolumes.includes(volume)) problems.push(`${name}: uses volume "${volume}", not declared under volumes:`);
    }
    for (const { published } of portsOf(svc)) {
      if (published === undefined) continue;
      const other = hostPorts.get(published);
      if (other) problems.push(`host port ${published} is published by both ${other} and ${name}`);
      else hostPorts.set(published, name);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore

export interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  const flush = () => {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(pending.trim());
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim() });
    pending = '';
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    pending += line;
    flush();
  }
  if (pending.trim()) flush();
  return out;
}

export const NODE_BASE = 'node:24-bookworm-slim';

export function checkDockerfile(text: string): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const firstFrom = instructions.findIndex((i) => i.keyword === 'FROM');
  if (firstFrom < 0) return ['Dockerfile: no FROM'];

  // ARGs before the first FROM are the defaults FROM lines may use
  const globalArgs: Record<string, string> = {};
  for (const i of instructions.slice(0, firstFrom)) {
    const m = /^(\w+)=(\S+)$/.exec(i.args);
    if (i.keyword === 'ARG' && m) globalArgs[m[1]] = m[2];
  }
  const stages: Array<{ image: string; name?: string; body: Instruction[] }> = [];
  for (const i of instructions.slice(firstFrom)) {
    if (i.keyword === 'FROM') {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = words[0].replace(/\$\{?(\w+)\}?/g, (_, arg: string) => globalArgs[arg] ?? '');
      stages.push({ image, name: /^as$/i.test(words[1] ?? '') ? words[2] : undefined, body: [] });
    } else stages[stages.length - 1].body.push(i);
  }
  const stageNames = stages.map((s) => s.name).filter(Boolean);
  for (const stage of stages) {
    if (!stageNames.includes(stage.image) && stage.image !== NODE_BASE) problems.push(`Dockerfile: stage from ${stage.image}, not ${NODE_BASE}`);
  }
  if (stages.length < 2) problems.push('Dockerfile: not multi-stage');

  const runs = (body: Instruction[]) => body.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const all = stages.flatMap((s) => s.body);
  if (!runs(all).some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r))) problems.push('Dockerfile: no stage runs a full npm ci');
  if (!runs(all).some((r) => /\bnpm run build\b/.test(r))) problems.push('Dockerfile: no stage runs npm run build');

  const final = stages[stages.length - 1].body;
  if (!runs(final).some((r) => /\bnpm ci\b[^&;|]*--omit=dev/.test(r))) problems.push('Dockerfile: final stage does not run npm ci --omit=dev');
  for (const copy of final.filter((i) => i.keyword === 'COPY')) {
    const words = copy.args.split(/\s+/);
    const fromStage = words.some((w) => w.startsWith('--from='));
    const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
    if (fromStage && sources.some((s) => !/(^|\/)dist(\/|$)/.test(s))) problems.push(`Dockerfile: final stage copies ${sources.join(' ')} from a stage; only dist/ belongs there`);
    if (!fromStage && sources.some((s) => !/^package(-lock)?\.json$|^package\*\.json$|^deploy\/node-flags$/.test(s)))
      problems.push(`Dockerfile: final stage copies sources ${sources.join(' ')}`);
  }
  if (!final.some((i) => i.keyword === 'ARG' && /^SERVICE\b/.test(i.args))) problems.push('Dockerfile: final stage does not declare ARG SERVICE');
  if (!final.some((i) => i.keyword === 'ENV' && /\bSERVICE=("?)\$\{?SERVICE\}?\1(\s|$)/.test(i.args)))
    problems.push('Dockerfile: final stage does not carry SERVICE into ENV (ENV SERVICE=${SERVICE})');
  const user = final.filter((i) => i.keyword === 'USER').pop()?.args;
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`Dockerfile: final stage runs as ${user ?? 'root (no USER)'}`);
  const health = final.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
  if (!/fetch\(/.test(health) || !health.includes('/health/live')) problems.push("Dockerfile: no HEALTHCHECK fetching /health/live with node's fetch");
  const cmd = final.filter((i) => i.keyword === 'CMD').pop()?.args ?? '';
  if (!/\$\{?SERVICE\}?/.test(cmd) || !cmd.includes('dist/services/')) problems.push(`Dockerfile: CMD "${cmd}" does not start dist/services/\${SERVICE}/src/main.js`);
  // the services' Node flags live in one file that npm start and the benchmarks read too
  if (!cmd.includes('deploy/node-flags')) problems.push(`Dockerfile: CMD "${cmd}" does not pass Node the flags in deploy/node-flags`);
  return problems;
}

/** Minimal .dockerignore matcher: `*`, `?`, `**`, `!` exceptions, last match wins, a matched folder hides its content. */
export function dockerignored(patterns: readonly string[], path: string): boolean {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'))
    .map((p) => {
      const negate = p.startsWith('!');
      const glob = posix.normalize((negate ? p.slice(1) : p).replace(/^\/+/, ''));
      const source = glob
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((t) => (t === '**/' ? '(?:.*/)?' : t === '**' ? '.*' : t === '*' ? '[^/]*' : t === '?' ? '[^/]' : t.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { negate, re: new RegExp(`^${source}$`) };
    });
  const segments = path.split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) ignored = !rule.negate;
  return ignored;
}

/** Nothing the Dockerfile copies from the build context (nor a typical file inside it) is ignored. */
export function checkDockerignore(ignoreText: string, dockerfileText: string): string[] {
  const patterns = ignoreText.split(/\r?\n/);
  const problems: string[] = [];
  for (const copy of parseDockerfile(dockerfileText).filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const words = copy.args.split(/\s+/);
    if (words.some((w) => w.startsWith('--from='))) continue;
    for (const source of words.filter((w) => !w.startsWith('--')).slice(0, -1)) {
      const probes = source.includes('.') ? [source] : [source, `${source}/intake/src/main.ts`, `${source}/contracts/src/index.ts`];
      for (const probe of probes) if (dockerignored(patterns, probe)) problems.push(`.dockerignore hides ${probe}, which the Dockerfile copies`);
    }
  }
  return problems;
}

/**
 * The image runs `npm run build` and starts dist/services/<name>/src/main.js: package.json must define
 * the build, and tsconfig.build.json must keep the repo layout under dist/ (outDir dist, rootDir .).
 */
export function checkBuildLayout(packageJson: { scripts?: Record<string, string> }, tsconfigBuild: { compilerOptions?: { outDir?: string; rootDir?: string } }): string[] {
  const problems: string[] = [];
  const build = packageJson.scripts?.['build'];
  if (!build) problems.push('package.json: no "build" script, which the Dockerfile runs (npm run build)');
  else if (!build.includes('tsconfig.build.json')) problems.push(`package.json: "build" (${build}) does not compile tsconfig.build.json`);
  const { outDir, rootDir } = tsconfigBuild.compilerOptions ?? {};
  if (posix.normalize(outDir ?? '') !== 'dist') problems.push(`tsconfig.build.json: outDir is ${outDir}, the image expects dist`);
  if (posix.normalize(rootDir ?? '') !== '.') problems.push(`tsconfig.build.json: rootDir is ${rootDir}, the image expects . (dist/services/<name>/src/main.js)`);
  return problems;
}

/**
 * The migrate one-shot: the service image running the migrate entry, once, after PostgreSQL; it gets
 * the superuser (to create roles), the owner, and every runtime role's password, each required.
 */
export function checkMigrate(compose: ComposeFile, repoServices: readonly string[]): string[] {
  const svc = compose.services?.[MIGRATE_SERVICE];
  if (!svc) return [`no "${MIGRATE_SERVICE}" one-shot service`];
  const problems: string[] = [];
  const command = Array.isArray(svc.command) ? svc.command.join(' ') : (svc.command ?? '');
  if (!command.includes(MIGRATE_ENTRY)) problems.push(`${MIGRATE_SERVICE}: command does not run ${MIGRATE_ENTRY}`);
  if (buildOf(svc)?.dockerfile !== SERVICE_DOCKERFILE) problems.push(`${MIGRATE_SERVICE}: not built from ${SERVICE_DOCKERFILE}`);
  if (svc.restart !== 'no') problems.push(`${MIGRATE_SERVICE}: restart is ${svc.restart ?? 'unset'}, not "no" (a one-shot)`);
  if (dependenciesOf(svc)['postgres'] !== 'service_healthy') problems.push(`${MIGRATE_SERVICE}: does not wait for postgres to be healthy`);
  const env = environmentOf(svc);
  const required = (key: string, variable: string) => {
    if (!(env[key] ?? '').includes(`\${${variable}:?`)) problems.push(`${MIGRATE_SERVICE}: ${key} does not require \${${variable}:?...}`);
  };
  required('DATABASE_ADMIN_URL', 'POSTGRES_PASSWORD');
  required('MIGRATION_DATABASE_URL', 'SUPPORT_OWNER_PASSWORD');
  if (!/^postgres(ql)?:\/\/support_owner:/.test(env['MIGRATION_DATABASE_URL'] ?? '')) problems.push(`${MIGRATE_SERVICE}: MIGRATION_DATABASE_URL does not connect as support_owner`);
  for (const name of repoServices) {
    const variable = `SUPPORT_${name.replace(/-/g, '_').toUpperCase()}_PASSWORD`;
    required(variable, variable);
  }
  return problems;
}

/** No password, secret or key gets a default anywhere in the file: `${VAR:-...}` / `${VAR-...}` on such a name. */
export function checkNoDefaultSecrets(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Z0-9_]*(?:PASSWORD|SECRET|KEY)[A-Z0-9_]*):?-/g)].map((m) => `${m[1]} has a default; require it with \${${m[1]}:?...}`);
}

/** Every secret a service names is declared under the top-level secrets:. */
export function checkSecrets(compose: ComposeFile): string[] {
  const declared = Object.keys(compose.secrets ?? {});
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(compose.services ?? {})) {
    for (const secret of svc?.secrets ?? []) {
      const source = typeof secret === 'string' ? secret : secret.source;
      if (!source || !declared.includes(source)) problems.push(`${name}: uses secret "${source}", not declared under secrets:`);
    }
  }
  return problems;
}

/** A service's environment as compose would hand it over, with every required variable set to `value`. */
/** The secrets a service is given, by name. */
export function secretsOf(svc: ComposeService): string[] {
  return (svc.secrets ?? []).map((s) => (typeof s === 'string' ? s : (s.source ?? '')));
}

export function resolvedEnvironment(svc: ComposeService, value: string): Record<string, string> {
  const resolve = (text: string) =>
    text.replace(/\$\{([A-Za-z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_, _name: string, op?: string, rest?: string) => (op && op.endsWith('-') ? (rest ?? '') : value));
  return Object.fromEntries(Object.entries(environmentOf(svc)).flatMap(([k, v]) => (v === undefined ? [] : [[k, resolve(v)]])));
}

/** Every container has a CPU and a memory limit: a runaway process takes down its own container, not the host. */
export function checkResourceLimits(compose: ComposeFile): string[] {
  return Object.entries(compose.services ?? {}).flatMap(([name, svc]) => {
    const limits = svc?.deploy?.resources?.limits;
    return [
      ...(limits?.cpus ? [] : [`${name}: no CPU limit (deploy.resources.limits.cpus)`]),
      ...(limits?.memory ? [] : [`${name}: no memory limit (deploy.resources.limits.memory)`]),
    ];
  });
}

/** A production service serves /metrics and /docs on OPS_PORT, which the host never sees. */
export function checkOperatorsPort(compose: ComposeFile, name: string): string[] {
  const svc = compose.services?.[name];
  if (!svc) return [];
  const opsPort = Number(environmentOf(svc)['OPS_PORT']);
  if (!Number.isInteger(opsPort)) return [`${name}: no OPS_PORT (/metrics and /docs would answer on its public port)`];
  return portsOf(svc).some((p) => p.target === opsPort) ? [`${name}: OPS_PORT ${opsPort} is published; /metrics and /docs are for the compose network only`] : [];
}
