import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const RULE = '@nx/enforce-module-boundaries';

interface Case {
  filePath: string;
  code: string;
}
type Messages = Array<{ ruleId: string | null; message: string }>;

// ESLint loads eslint.config.mjs with import(), which jest's module registry cannot do: it runs in a child
const LINT = `
const { ESLint } = require('eslint');
(async () => {
  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const results = [];
  for (const { filePath, code } of cases) {
    const [result] = await eslint.lintText(code, { filePath });
    results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
  }
  console.log('RESULTS ' + JSON.stringify(results));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function lint(cases: Case[]): Messages[] {
  const out = execFileSync(process.execPath, ['-e', LINT], { cwd: ROOT, input: JSON.stringify(cases), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const line = out.split('\n').find((l) => l.startsWith('RESULTS '));
  if (!line) throw new Error(`no results from ESLint:\n${out}`);
  return JSON.parse(line.slice('RESULTS '.length)) as Messages[];
}

const importing = (from: string) => `import { x } from '${from}';\n\nexport const y = x;\n`;
const boundaryErrors = (messages: Messages) => messages.filter((m) => m.ruleId === RULE).map((m) => m.message);

// the lint rule on project tags (eslint.config.mjs): a service imports libs only, never another service; the libs
// are layered; test-kit is for test code
describe('module boundaries (ESLint, @nx/enforce-module-boundaries)', () => {
  const fixture = readFileSync(join(__dirname, 'fixtures/routing-imports-intake.ts'), 'utf8');
  const cases = {
    serviceIntoService: { filePath: 'services/routing/src/routing-imports-intake.ts', code: fixture },
    serviceIntoServiceByBaseUrl: { filePath: 'services/routing/src/by-base-url.ts', code: importing('services/intake/src/intake.app') },
    serviceIntoLib: { filePath: 'services/routing/src/uses-contracts.ts', code: importing('@support/contracts') },
    serviceCodeIntoTestKit: { filePath: 'services/routing/src/uses-test-kit.ts', code: importing('@support/test-kit') },
    serviceSpecIntoTestKit: { filePath: 'services/routing/src/uses-test-kit.unit.spec.ts', code: importing('@support/test-kit') },
    contractsIntoEventStore: { filePath: 'libs/contracts/src/uses-event-store.ts', code: importing('@support/event-store') },
    serviceKitIntoMessaging: { filePath: 'libs/service-kit/src/uses-messaging.ts', code: importing('@support/messaging') },
    commandHandlingIntoMessaging: { filePath: 'libs/command-handling/src/uses-messaging.ts', code: importing('@support/messaging') },
    serviceKitCodeIntoTestKit: { filePath: 'libs/service-kit/src/uses-test-kit.ts', code: importing('@support/test-kit') },
    libIntoService: { filePath: 'libs/service-kit/src/uses-intake.ts', code: importing('services/intake/src/intake.app') },
  } satisfies Record<string, Case>;
  let found: Record<keyof typeof cases, string[]>;

  beforeAll(() => {
    // the rule reads the project graph nx caches; it skips itself (finding nothing) when there is none
    execFileSync(join(ROOT, 'node_modules/.bin/nx'), ['show', 'projects'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'pipe',
    });
    const names = Object.keys(cases) as Array<keyof typeof cases>;
    const results = lint(names.map((name) => cases[name]));
    found = Object.fromEntries(names.map((name, i) => [name, boundaryErrors(results[i])])) as typeof found;
  }, 180_000);

  it('refuses a service importing another service by a relative path (the fixture)', () => {
    expect(found.serviceIntoService).toEqual([expect.stringContaining('Projects cannot be imported by a relative or absolute path')]);
  });

  it('refuses a service importing another service by a path from the workspace root', () => {
    expect(found.serviceIntoServiceByBaseUrl).toEqual([expect.stringContaining('Imports of apps are forbidden')]);
  });

  it('lets a service import a lib', () => {
    expect(found.serviceIntoLib).toEqual([]);
  });

  it('keeps test-kit out of production code and lets specs use it', () => {
    expect(found.serviceCodeIntoTestKit).toEqual([expect.stringContaining('A project tagged with "type:service" can only depend on libs tagged with')]);
    expect(found.serviceKitCodeIntoTestKit).toEqual([expect.stringContaining('A project tagged with "layer:service-kit" can only depend on libs tagged with')]);
    expect(found.serviceSpecIntoTestKit).toEqual([]);
  });

  it('keeps the libs layered: contracts at the bottom, messaging above command-handling, service-kit above messaging', () => {
    expect(found.contractsIntoEventStore).toEqual([expect.stringMatching(/Circular dependency|can only depend on|cannot depend on/)]);
    expect(found.commandHandlingIntoMessaging).toEqual([expect.stringMatching(/Circular dependency|can only depend on/)]);
    expect(found.serviceKitIntoMessaging).toEqual([]);
  });

  it('refuses a lib importing a service', () => {
    // every service uses the libs, so the rule sees the cycle first
    expect(found.libIntoService).toEqual([expect.stringMatching(/^(Circular dependency between "service-kit" and "intake"|Imports of apps are forbidden)/)]);
  });
});
