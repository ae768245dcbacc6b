// ESLint 9 flat config for the whole workspace; `npm run lint` (nx run-many -t lint) runs it project by project.
// @nx/enforce-module-boundaries reads the project graph that nx caches in .nx/: run ESLint through nx (or after
// any nx command); without a cached graph the rule skips itself with a warning.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Which projects a project may import, by the tags in its project.json. Services use libs only, never one
// another; the libs are layers, decider and contracts at the bottom (neither knows the other): contracts <- event-store
// <- command-handling <- personal-data, command-handling <- messaging <- service-kit, and every layer may use decider. test-kit (test helpers on top of the libs) is for test code only.
const LIBS = ['layer:decider', 'layer:contracts', 'layer:event-store', 'layer:command-handling', 'layer:personal-data', 'layer:messaging', 'layer:service-kit'];
const constraints = (testKit) => [
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: [...LIBS, ...testKit] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'layer:decider', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:event-store', onlyDependOnLibsWithTags: ['layer:decider', 'layer:contracts', ...testKit] },
  { sourceTag: 'layer:command-handling', onlyDependOnLibsWithTags: ['layer:decider', 'layer:contracts', 'layer:event-store', ...testKit] },
  // personal-data seals in the append pipeline; messaging does not need it
  { sourceTag: 'layer:personal-data', onlyDependOnLibsWithTags: ['layer:decider', 'layer:contracts', 'layer:event-store', 'layer:command-handling', ...testKit] },
  { sourceTag: 'layer:messaging', onlyDependOnLibsWithTags: ['layer:decider', 'layer:contracts', 'layer:event-store', 'layer:command-handling', ...testKit] },
  { sourceTag: 'layer:service-kit', onlyDependOnLibsWithTags: [...LIBS.filter((t) => t !== 'layer:service-kit'), ...testKit] },
  { sourceTag: 'layer:test-kit', onlyDependOnLibsWithTags: LIBS },
  // the typed HTTP client of the services' documents, for other systems and the system tests: it stands alone
  { sourceTag: 'layer:api-client', onlyDependOnLibsWithTags: [] },
];
// test code (specs, test/ folders, *.test-fixtures.ts, all of test-kit) may use test-kit too
const production = constraints([]);
const test = constraints(['layer:test-kit']);

const TEST_FILES = ['**/*.spec.ts', '**/*.test-fixtures.ts', '**/test/**/*.ts', 'libs/test-kit/**/*.ts'];

const boundaries = (depConstraints) => [
  'error',
  {
    depConstraints,
    // a lib's specs and scripts import it by its @support/* name, as its users do
    allowCircularSelfDependency: true,
    // the graph does not tell test files from the rest: the libs' specs use test-kit, which is built on those
    // libs; only test code may import test-kit (above)
    ignoredCircularDependencies: [
      ['test-kit', 'event-store'],
      ['test-kit', 'command-handling'],
      ['test-kit', 'messaging'],
      ['test-kit', 'service-kit'],
    ],
  },
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', '.data/**', '.cache/**', '.nx/**', 'coverage/**', 'tmp/**', 'test/architecture/fixtures/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { '@nx': nx },
    languageOptions: { globals: globals.node },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(production),
      // `_`-named bindings drop a field or an element on purpose; parameters are named by the interface they implement
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // a spec may require() the plain JavaScript script it tests
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^\\.{1,2}/.*\\.js$'] }],
    },
  },
  {
    files: TEST_FILES,
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@nx/enforce-module-boundaries': boundaries(test) },
  },
  {
    // the workspace project (root project.json): the cross-service suites, deploy tooling and benchmarks reach into
    // services by relative paths on purpose; the rule would refuse every such import
    files: ['test/**/*.ts', 'deploy/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // a hand-written CSV reader in a spec steps with comma sequences
    files: ['services/dashboard/src/application/weekly-report.csv.unit.spec.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', ignoreRestSiblings: true }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
