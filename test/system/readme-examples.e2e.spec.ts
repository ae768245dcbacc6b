import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { systemClock } from '@support/contracts';
import { RunningSystem, startSystem, TEST_SECRET } from './support/system-harness';

// What a newcomer does after `npm start`: the demo data (deploy/local/demo-data.js), then the README's
// examples (docs/examples/walkthrough.sh, which holds every curl command of the README) against every
// service over HTTP, Kafka and PostgreSQL. The script stops at the first answer that is not 2xx.

const ROOT = join(__dirname, '../..');

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** the output of a run that exited 0; otherwise fails with the whole transcript (which call, what it answered) */
function succeeded({ code, output }: Run, what: string): string {
  if (code !== 0) throw new Error(`${what} exited ${code}:\n${output}`);
  return output;
}

describe('the README examples, as printed', () => {
  let system: RunningSystem;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    system = await startSystem({ slaClock: systemClock, fieldService: true, knowledgeBase: true, leadPool: true, dashboard: true });
    env = {
      AUTH_JWT_SECRET: TEST_SECRET,
      INTAKE_URL: system.intake.url,
      ROUTING_URL: system.routing.url,
      SLA_MONITOR_URL: system.sla?.url,
      FIELD_SERVICE_URL: system.field?.url,
      KNOWLEDGE_BASE_URL: system.knowledge?.url,
      LEAD_POOL_URL: system.leads?.url,
      DASHBOARD_URL: system.dashboard?.url,
    };
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it('loads the demo data, then every example answers 2xx', async () => {
    const demo = succeeded(await run('node', ['deploy/local/demo-data.js'], env), 'deploy/local/demo-data.js');
    expect(demo).toMatch(/export TOKEN=\S+/);
    expect(demo).toMatch(/node deploy\/local\/sign-token\.js senior m-senior-li/);

    const walkthrough = succeeded(await run('bash', ['docs/examples/walkthrough.sh'], env), 'docs/examples/walkthrough.sh');
    expect(walkthrough).toContain('walkthrough: every example answered 2xx');
  }, 240_000);
});
